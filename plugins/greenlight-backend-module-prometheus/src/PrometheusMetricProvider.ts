import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type {
  MetricQueryResult,
  MetricRangeResult,
} from '@greenlight/backstage-plugin-greenlight-common';
import type {
  MetricInstantQueryRequest,
  MetricProvider,
  MetricRangeQueryRequest,
} from '@greenlight/backstage-plugin-greenlight-node';
import {
  prometheusErrorSchema,
  prometheusSuccessSchema,
  toQueryResult,
  toRangeResult,
  type PrometheusData,
} from './prometheusResponse';

/** @public */
export interface PrometheusMetricProviderOptions {
  /**
   * e.g. `https://prometheus.example.com` or `https://example.com/prometheus`; without a user
   * name or password (give those as an `Authorization` header). Redirects are not followed.
   */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; never logged nor put in messages. */
  token?: string;
  /** Extra request headers, e.g. a tenant header of a multi-tenant Prometheus. */
  headers?: Record<string, string>;
  /** Default timeout of a query in milliseconds; 5000 unless set. */
  timeoutMs?: number;
  /** The provider id gate queries refer to; `prometheus` unless set. */
  id?: string;
  logger?: LoggerService;
}

type Answer =
  | { ok: true; data: PrometheusData }
  | { ok: false; message: string };

const configKey = 'greenlight.metrics.prometheus';
const defaultTimeoutMs = 5000;

/** The user name and password of a URL written in a text (`https://user:pw@host`). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

/** Formats a date as Prometheus' unix seconds with millisecond precision. */
function unixSeconds(date: Date): string {
  return (date.getTime() / 1000).toString();
}

/**
 * A metric provider over the Prometheus HTTP API (`/api/v1/query` and
 * `/api/v1/query_range`), also spoken by Thanos, Cortex, Mimir and VictoriaMetrics.
 *
 * @public
 */
export class PrometheusMetricProvider implements MetricProvider {
  readonly id: string;
  readonly #baseUrl: string;
  readonly #headers: Record<string, string>;
  /** Values that must never appear in an error or a log line. */
  readonly #secrets: string[];
  readonly #token?: string;
  readonly #timeoutMs: number;
  readonly #logger?: LoggerService;

  /**
   * Reads `greenlight.metrics.prometheus`; throws when `baseUrl` is missing, not http(s), or
   * carries a user name or password.
   */
  static fromConfig(
    config: Config,
    options: { logger?: LoggerService } = {},
  ): PrometheusMetricProvider {
    const section = config.getConfig(configKey);
    const headerConfig = section.getOptionalConfig('headers');
    const headers = Object.fromEntries(
      (headerConfig?.keys() ?? []).map(name => [
        name,
        headerConfig!.getString(name),
      ]),
    );
    return new PrometheusMetricProvider({
      baseUrl: section.getString('baseUrl'),
      token: section.getOptionalString('token'),
      headers,
      timeoutMs: section.getOptionalNumber('timeoutMs'),
      logger: options.logger,
    });
  }

  constructor(options: PrometheusMetricProviderOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new Error(`${configKey}.baseUrl is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`${configKey}.baseUrl must be an http or https URL`);
    }
    // fetch refuses such a URL with an error that spells it out, password included, and that
    // error would travel on to gate results and logs. Neither part of it is repeated here.
    if (url.username || url.password) {
      throw new Error(
        `${configKey}.baseUrl must not carry a user name or password; give basic credentials as ${configKey}.headers.Authorization (\`Basic <base64 of user:password>\`), or a bearer token as ${configKey}.token`,
      );
    }
    if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) {
      throw new Error(`${configKey}.timeoutMs must be a positive number`);
    }
    this.id = options.id ?? 'prometheus';
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token || undefined;
    this.#timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.#logger = options.logger;
    this.#secrets = [this.#token, ...Object.values(options.headers ?? {})]
      .filter((v): v is string => Boolean(v))
      // longest first, so that a secret containing another is redacted whole
      .sort((a, b) => b.length - a.length);
    this.#headers = {
      ...options.headers,
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
      ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
    };
  }

  async query(request: MetricInstantQueryRequest): Promise<MetricQueryResult> {
    const answer = await this.#post(
      '/api/v1/query',
      { query: request.query, time: unixSeconds(request.time) },
      request,
    );
    return answer.ok
      ? toQueryResult(answer.data)
      : { status: 'error', message: answer.message };
  }

  async queryRange(
    request: MetricRangeQueryRequest,
  ): Promise<MetricRangeResult> {
    if (!(request.stepSeconds > 0) || request.end < request.start) {
      return {
        status: 'error',
        message: 'a range query needs start ≤ end and a positive step',
      };
    }
    const answer = await this.#post(
      '/api/v1/query_range',
      {
        query: request.query,
        start: unixSeconds(request.start),
        end: unixSeconds(request.end),
        step: request.stepSeconds.toString(),
      },
      request,
    );
    return answer.ok
      ? toRangeResult(answer.data)
      : { status: 'error', message: answer.message };
  }

  async #post(
    path: string,
    params: Record<string, string>,
    request: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<Answer> {
    const timeoutMs = request.timeoutMs ?? this.#timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const forwardAbort = () => controller.abort();
    request.signal?.addEventListener('abort', forwardAbort, { once: true });
    if (request.signal?.aborted) controller.abort();
    try {
      const response = await fetch(`${this.#baseUrl}${path}`, {
        method: 'POST',
        headers: this.#headers,
        // Prometheus stops evaluating at its own timeout, sparing it work nobody waits for.
        body: new URLSearchParams({ ...params, timeout: `${timeoutMs}ms` }),
        signal: controller.signal,
        // A redirect would carry the token and the configured headers to wherever it points.
        redirect: 'manual',
      });
      if (
        response.type === 'opaqueredirect' ||
        (response.status >= 300 && response.status < 400)
      ) {
        await response.body?.cancel().catch(() => undefined);
        // Not the Location: it is the other server's business, and may carry anything.
        return this.#failure(
          `Prometheus answered HTTP ${response.status} (a redirect), which is not followed so that the token and headers go nowhere else; set ${configKey}.baseUrl to the address it redirects to`,
        );
      }
      return this.#read(response, await response.text());
    } catch (error) {
      const cause = (error as { cause?: Error }).cause?.message;
      let message = `Prometheus request failed: ${(error as Error).message}${
        cause ? ` (${cause})` : ''
      }`;
      if (timedOut)
        message = `Prometheus did not answer within ${timeoutMs} ms`;
      else if (request.signal?.aborted) message = 'the query was aborted';
      return this.#failure(message);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', forwardAbort);
    }
  }

  #read(response: Response, text: string): Answer {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const success = prometheusSuccessSchema.safeParse(body);
    if (response.ok && success.success) {
      return { ok: true, data: success.data.data };
    }
    const failure = prometheusErrorSchema.safeParse(body);
    if (failure.success) {
      const kind = failure.data.errorType ? ` ${failure.data.errorType}` : '';
      return this.#failure(
        `Prometheus error${kind} (HTTP ${response.status}): ${failure.data.error}`,
      );
    }
    if (!response.ok) {
      return this.#failure(
        `Prometheus answered HTTP ${response.status} ${response.statusText}`.trim(),
      );
    }
    return this.#failure(
      'Prometheus sent a response that is not a query result',
    );
  }

  #failure(message: string): Answer {
    // A proxy or error text might echo request headers back; the token and the configured
    // header values must not travel on, nor the password of any URL the text shows.
    const safe = this.#secrets
      .reduce((text, secret) => text.split(secret).join('[redacted]'), message)
      .replace(URL_USERINFO, '$1[redacted]@');
    this.#logger?.warn(`Metric query to ${this.id} failed: ${safe}`);
    return { ok: false, message: safe };
  }
}
