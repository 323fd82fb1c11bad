import type {
  MetricQueryResult,
  MetricRangeResult,
} from '@greenlight/backstage-plugin-greenlight-common';

/**
 * An instant query, evaluated at one moment.
 *
 * @public
 */
export interface MetricInstantQueryRequest {
  query: string;
  time: Date;
  /** Overrides the provider's default timeout. */
  timeoutMs?: number;
  /** Aborts the query, e.g. when the rollout is cancelled. */
  signal?: AbortSignal;
}

/**
 * A range query: the query evaluated every `stepSeconds` from `start` to `end`.
 *
 * @public
 */
export interface MetricRangeQueryRequest {
  query: string;
  start: Date;
  end: Date;
  stepSeconds: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * A metrics backend that gates query, such as Prometheus. Implementations never throw
 * for query failures: they return `{ status: 'error', message }` so that a failing
 * backend makes an evaluation inconclusive instead of failing a rollout. NaN, infinite
 * and empty results are `no-data`.
 *
 * @public
 */
export interface MetricProvider {
  /** Matches the `provider` of gate queries, e.g. `prometheus` (an OpenSLO metric source type, lowercased). */
  readonly id: string;
  query(request: MetricInstantQueryRequest): Promise<MetricQueryResult>;
  queryRange(request: MetricRangeQueryRequest): Promise<MetricRangeResult>;
}
