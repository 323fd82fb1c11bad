import { ForwardedError } from '@backstage/errors';
import { createHash } from 'node:crypto';

/** The REST API version the backfill was written against (https://docs.github.com/rest). */
export const GITHUB_API_VERSION = '2022-11-28';

/** Where the client keeps ETags and the bodies they stand for, across runs and replicas. */
export interface EtagStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export type GithubApiOptions = {
  /** `https://api.github.com`, or the integration's `apiBaseUrl` for GitHub Enterprise. */
  apiBaseUrl: string;
  /** Authorization headers from the integration's credentials provider; never logged. */
  headers: () => Promise<Record<string, string>>;
  /** The share of the installation's primary rate limit the backfill may spend. */
  requestsPerHour: number;
  /**
   * Requests in any minute, below GitHub's secondary limit of 900 points per minute for REST
   * (a GET is one point). Defaults to 800.
   */
  requestsPerMinute?: number;
  etags: EtagStore;
  signal?: AbortSignal;
  /** Called when the client waits for a rate limit, with the reason, for the logs. */
  onWait?: (ms: number, reason: string) => void;
  now?: () => number;
};

export type Page<T> = { items: T[]; next?: string; notModified: boolean };

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const DEFAULT_REQUESTS_PER_MINUTE = 800;
const MAX_ATTEMPTS = 6;
/** A rate-limit wait longer than this stops the run; the next run resumes from the cursor. */
const MAX_WAIT_MS = 15 * 60_000;

/** The `rel="next"` URL of a `Link` header (https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api). */
export function nextLink(header: string | null): string | undefined {
  for (const part of (header ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}

const backoff = (attempt: number) => Math.min(30_000, 500 * 2 ** attempt);

/** The path of a URL without its query, for messages. */
const pathOf = (url: string) => {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
};

/** State keys have at most 255 characters; long URLs are hashed. */
function etagKey(url: string) {
  const key = `etag:${url}`;
  return key.length <= 200
    ? key
    : `etag:${createHash('sha256').update(url).digest('hex')}`;
}

/**
 * A small GitHub REST client for the backfill: conditional requests with stored ETags,
 * `Link` pagination, and waits that honour GitHub's primary limit (`x-ratelimit-*`), its
 * secondary limits (403 or 429 with `Retry-After`) and the configured hourly budget.
 * Requests are made one at a time, as GitHub asks of integrations.
 */
export class GithubApi {
  /** Start times of the requests of the last hour, for the configured budget. */
  private readonly sent: number[] = [];
  private primaryResetAt = 0;
  requests = 0;
  notModified = 0;
  rateLimited = 0;

  constructor(private readonly options: GithubApiOptions) {}

  /** One page of a list; `url` is a path (`/repos/…`) or a `Link` URL GitHub gave. */
  async page<T, C = T>(
    url: string,
    compact: (item: T) => C = item => item as unknown as C,
  ): Promise<Page<C>> {
    const absolute = this.absolute(url);
    const key = etagKey(absolute);
    const cached = await this.options.etags.get<{
      etag: string;
      items: C[];
      next?: string;
    }>(key);
    const res = await this.request(
      absolute,
      cached ? { 'If-None-Match': cached.etag } : {},
    );
    if (res.status === 304 && cached) {
      this.notModified++;
      return { items: cached.items, next: cached.next, notModified: true };
    }
    const body = (await res.json()) as T[];
    const items = body.map(compact);
    const next = nextLink(res.headers.get('link'));
    const etag = res.headers.get('etag');
    if (etag) await this.options.etags.set(key, { etag, items, next });
    return { items, next, notModified: false };
  }

  /** A single resource, such as a comparison of two commits. */
  async get<T>(url: string): Promise<T> {
    return (await this.getWithNext<T>(url)).body;
  }

  /**
   * A resource that lists part of what it holds per page (a comparison's `commits`), and the
   * `rel="next"` URL of its next page.
   */
  async getWithNext<T>(url: string): Promise<{ body: T; next?: string }> {
    const res = await this.request(this.absolute(url), {});
    return {
      body: (await res.json()) as T,
      next: nextLink(res.headers.get('link')),
    };
  }

  private absolute(url: string) {
    return /^https?:\/\//.test(url)
      ? url
      : `${this.options.apiBaseUrl.replace(/\/+$/, '')}${url}`;
  }

  private async request(
    url: string,
    extra: Record<string, string>,
  ): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      await this.waitForBudget();
      this.requests++;
      this.sent.push(this.now());
      let res: Response;
      try {
        res = await fetch(url, {
          headers: {
            Accept: 'application/vnd.github+json',
            'X-GitHub-Api-Version': GITHUB_API_VERSION,
            ...(await this.options.headers()),
            ...extra,
          },
          signal: this.options.signal,
        });
      } catch (e) {
        if (this.options.signal?.aborted || attempt >= MAX_ATTEMPTS) {
          throw new ForwardedError(`GitHub request ${pathOf(url)} failed`, e);
        }
        await this.sleep(backoff(attempt), 'network error');
        continue;
      }
      this.notePrimary(res.headers);
      if (res.ok || res.status === 304) return res;
      // The message is GitHub's; the request's headers (and so the token) are not in it.
      const message = await res
        .json()
        .then(b => String((b as { message?: unknown }).message ?? ''))
        .catch(() => '');
      const wait = this.rateLimitWait(res, message);
      if (wait !== undefined && attempt < MAX_ATTEMPTS) {
        this.rateLimited++;
        await this.sleep(wait, `rate limited (${res.status})`);
        continue;
      }
      if (res.status >= 500 && attempt < MAX_ATTEMPTS) {
        await this.sleep(backoff(attempt), `GitHub answered ${res.status}`);
        continue;
      }
      throw new Error(
        `GitHub answered ${res.status} to ${pathOf(url)}${
          message ? `: ${message}` : ''
        }`,
      );
    }
  }

  /**
   * How long to wait after a refused request, or undefined when it was not a rate limit
   * (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api, "Exceeding
   * the rate limit"): `Retry-After` when GitHub sends it; else the reset of a spent primary
   * limit (`x-ratelimit-remaining: 0`); else, for a 429 or a 403 whose message names a rate
   * limit, at least a minute. Any other 403 (a token without access to the repository) is a
   * refusal, not a limit, and is not retried.
   */
  private rateLimitWait(res: Response, message: string): number | undefined {
    if (res.status !== 403 && res.status !== 429) return undefined;
    // An absent header is not "0 seconds": `Number(null)` would be.
    const header = res.headers.get('retry-after')?.trim();
    const retryAfter = header ? Number(header) : NaN;
    if (Number.isFinite(retryAfter) && retryAfter >= 0) {
      return retryAfter * 1000;
    }
    if (res.headers.get('x-ratelimit-remaining') === '0') {
      return Math.max(0, this.primaryResetAt - this.now());
    }
    return res.status === 429 || /rate limit/i.test(message)
      ? 60_000
      : undefined;
  }

  private notePrimary(headers: Headers) {
    const remaining = headers.get('x-ratelimit-remaining');
    const reset = Number(headers.get('x-ratelimit-reset'));
    this.primaryResetAt =
      remaining === '0' && Number.isFinite(reset) ? reset * 1000 : 0;
  }

  /** Waits while the primary limit is spent or this hour's budget is used up. */
  private async waitForBudget() {
    const now = this.now();
    if (this.primaryResetAt > now) {
      await this.sleep(this.primaryResetAt - now, 'primary rate limit spent');
    }
    while (this.sent.length > 0 && this.sent[0] <= this.now() - HOUR_MS) {
      this.sent.shift();
    }
    if (this.sent.length >= this.options.requestsPerHour) {
      await this.sleep(
        this.sent[0] + HOUR_MS - this.now(),
        `budget of ${this.options.requestsPerHour} requests per hour spent`,
      );
    }
    // GitHub's secondary limit is per minute: without this pace a fast backfill spends the
    // hour's budget in a few minutes and is refused (403 with Retry-After) on the way
    // (docs/benchmarks.md, GitHub backfill), which GitHub asks integrations to avoid.
    const perMinute =
      this.options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
    const minuteAgo = this.now() - MINUTE_MS;
    const inLastMinute = this.sent.filter(t => t > minuteAgo);
    if (inLastMinute.length >= perMinute) {
      await this.sleep(
        inLastMinute[inLastMinute.length - perMinute] + MINUTE_MS - this.now(),
        `pace of ${perMinute} requests per minute reached`,
      );
    }
  }

  private async sleep(ms: number, reason: string) {
    if (ms <= 0) return;
    if (ms > MAX_WAIT_MS) {
      throw new Error(
        `GitHub asks to wait ${Math.ceil(
          ms / 1000,
        )} s (${reason}); the next run resumes`,
      );
    }
    this.options.onWait?.(ms, reason);
    const signal = this.options.signal;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(done, ms);
      function done() {
        signal?.removeEventListener('abort', abort);
        resolve();
      }
      function abort() {
        clearTimeout(timer);
        reject(new Error('aborted while waiting for a GitHub rate limit'));
      }
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }
}
