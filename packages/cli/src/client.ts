import { CliError, UsageError } from './errors';
import type { CliIo } from './io';

/** A response from the Greenlight API, body parsed as JSON when it is JSON. */
export interface ApiResponse {
  status: number;
  statusText: string;
  body: unknown;
  text: string;
}

export interface ClientOptions {
  /** Backstage base URL, e.g. `https://backstage.example.com`. */
  baseUrl: string;
  token?: string;
  /** Total tries for one request, including the first. */
  attempts: number;
  verbose: boolean;
  /** Delay before the first retry; doubled for each further one. */
  retryDelayMs?: number;
  requestTimeoutMs?: number;
}

const API_PREFIX = '/api/greenlight/v1';
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Turns the server URL given on the command line into the API's base URL.
 * Accepts the Backstage root (`https://backstage.example.com`) as well as a
 * URL that already ends with `/api/greenlight` or `/api/greenlight/v1`.
 */
export function apiBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url is not a valid URL: "${redactUrl(raw)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `--url must be an http(s) URL, got "${redactUrl(raw)}"`,
    );
  }
  url.search = '';
  url.hash = '';
  const path = url.pathname
    .replace(/\/+$/, '')
    .replace(/\/api\/greenlight(\/v1)?$/, '');
  return `${url.origin}${path}${API_PREFIX}`;
}

/** Hides a password embedded in a URL (`https://user:secret@host`). */
export function redactUrl(raw: string): string {
  return raw.replace(
    /^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*):[^@/\s]*@/i,
    '$1:***@',
  );
}

/** Statuses worth trying again: server errors, request timeouts and rate limits. */
export function isRetryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * A small client for the Greenlight API: bearer token, JSON bodies, and
 * bounded retries with exponential backoff on network errors, 5xx, 408 and
 * 429. Other 4xx responses are returned at once, since repeating the same
 * request cannot fix them.
 */
export class GreenlightClient {
  readonly baseUrl: string;

  constructor(
    private readonly options: ClientOptions,
    private readonly io: CliIo,
  ) {
    this.baseUrl = apiBaseUrl(options.baseUrl);
  }

  async request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<ApiResponse> {
    const url = `${this.baseUrl}${path}`;
    const attempts = Math.max(1, this.options.attempts);
    const baseDelay = this.options.retryDelayMs ?? 1000;
    let lastProblem = '';

    for (let attempt = 1; attempt <= attempts; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (this.options.token)
        headers.authorization = `Bearer ${this.options.token}`;
      this.verbose(
        `> ${method} ${redactUrl(url)}${
          this.options.token ? ' (Authorization: Bearer ***)' : ''
        }${attempts > 1 ? ` [try ${attempt}/${attempts}]` : ''}`,
      );
      const started = Date.now();
      let delay = Math.min(baseDelay * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
      try {
        const response = await this.io.fetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
        });
        const text = await response.text();
        let parsed: unknown = undefined;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        this.verbose(
          `< ${response.status} ${response.statusText} (${
            Date.now() - started
          } ms)${text ? `\n${text.slice(0, 4000)}` : ''}`,
        );
        const result: ApiResponse = {
          status: response.status,
          statusText: response.statusText,
          body: parsed,
          text,
        };
        if (!isRetryable(response.status)) return result;
        lastProblem = describeFailure(result);
        const hinted = retryAfterMs(response.headers.get('retry-after'));
        if (hinted !== undefined) delay = Math.min(hinted, MAX_RETRY_DELAY_MS);
        if (attempt === attempts) return result;
      } catch (error) {
        lastProblem = networkProblem(error);
        this.verbose(`< ${lastProblem}`);
        if (attempt === attempts) {
          throw new CliError(
            `could not reach Greenlight at ${redactUrl(
              url,
            )} after ${attempts} ${
              attempts === 1 ? 'try' : 'tries'
            }: ${lastProblem}`,
          );
        }
      }
      this.io.stderr(
        `greenlight: ${lastProblem}; retrying in ${formatDelay(delay)} (try ${
          attempt + 1
        } of ${attempts})\n`,
      );
      await this.io.sleep(delay);
    }
    throw new CliError(`request failed: ${lastProblem}`);
  }

  private verbose(text: string) {
    if (this.options.verbose) this.io.stderr(`${text}\n`);
  }
}

function networkProblem(error: unknown): string {
  const err = error as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (err?.name === 'TimeoutError') return 'request timed out';
  const cause = err?.cause?.code ?? err?.cause?.message;
  return `network error: ${err?.message ?? String(error)}${
    cause ? ` (${cause})` : ''
  }`;
}

function formatDelay(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10}s` : `${ms}ms`;
}

/**
 * A one-line-plus-details description of a failed response, using the API's
 * error shape `{ error: { message }, issues?: [{ index, path, message }] }`.
 */
export function describeFailure(response: ApiResponse): string {
  const lines = [
    `HTTP ${response.status}${
      response.statusText ? ` ${response.statusText}` : ''
    }`,
  ];
  const body = response.body as
    | {
        error?: { message?: unknown; name?: unknown } | string;
        message?: unknown;
        issues?: Array<{ index?: unknown; path?: unknown; message?: unknown }>;
      }
    | undefined;
  const message = [
    body?.error,
    typeof body?.error === 'object' ? body.error?.message : undefined,
    body?.message,
  ].find((m): m is string => typeof m === 'string' && m !== '');
  if (message) lines[0] += `: ${message}`;
  else if (body === undefined && response.text.trim()) {
    lines[0] += `: ${response.text.trim().slice(0, 500)}`;
  }
  if (Array.isArray(body?.issues)) {
    for (const issue of body.issues) {
      const where =
        typeof issue.index === 'number' && issue.index >= 0
          ? `event ${issue.index}`
          : 'request';
      const path =
        typeof issue.path === 'string' && issue.path ? ` ${issue.path}` : '';
      lines.push(`  - ${where}${path}: ${String(issue.message ?? 'invalid')}`);
    }
  }
  return lines.join('\n');
}
