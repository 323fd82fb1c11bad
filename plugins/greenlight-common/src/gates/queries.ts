import { formatDuration } from './duration';
import type { BurnRateGate, GateDefinition, MetricQuery } from './types';

const windowPlaceholder = /\{\{\s*\.window\s*\}\}/g;

/**
 * Whether a query holds `{{.window}}`, the placeholder for its range selector.
 *
 * @public
 */
export function hasWindowPlaceholder(query: string): boolean {
  return new RegExp(windowPlaceholder.source).test(query);
}

/**
 * Replaces `{{.window}}` with a Prometheus duration, e.g. `5m`.
 *
 * @public
 */
export function renderQuery(query: string, windowSeconds: number): string {
  return query.replace(windowPlaceholder, formatDuration(windowSeconds));
}

/**
 * A query to run for one evaluation; its result is passed back under `key`.
 *
 * @public
 */
export interface PlannedQuery {
  key: string;
  provider: string;
  query: string;
}

/**
 * The key of a burn-rate query, e.g. `bad@5m` or `total@1h`.
 *
 * @public
 */
export function burnRateQueryKey(
  part: 'good' | 'bad' | 'total',
  windowSeconds: number,
): string {
  return `${part}@${formatDuration(windowSeconds)}`;
}

function planned(
  key: string,
  metric: MetricQuery,
  windowSeconds: number,
): PlannedQuery {
  return {
    key,
    provider: metric.provider,
    query: renderQuery(metric.query, windowSeconds),
  };
}

function burnRateQueries(gate: BurnRateGate): PlannedQuery[] {
  const numerator =
    gate.ratio.type === 'good' ? gate.ratio.good : gate.ratio.bad;
  const seconds = new Set(
    gate.windows.flatMap(w => [w.longSeconds, w.shortSeconds]),
  );
  return [...seconds].flatMap(s => [
    planned(burnRateQueryKey(gate.ratio.type, s), numerator, s),
    planned(burnRateQueryKey('total', s), gate.ratio.total, s),
  ]);
}

/**
 * The queries one evaluation of a gate needs. Run each at the evaluation time (or as a
 * range query with the gate interval as step, for replay) and hand the results to
 * `evaluateGate` keyed by `key`.
 *
 * @public
 */
export function planGateQueries(gate: GateDefinition): PlannedQuery[] {
  const queries: PlannedQuery[] = [];
  if (gate.kind === 'threshold') {
    queries.push(planned('value', gate.metric, gate.windowSeconds));
  } else if (gate.kind === 'burn-rate') {
    queries.push(...burnRateQueries(gate));
  } else {
    queries.push(
      planned('canary', gate.canary, gate.windowSeconds),
      planned('baseline', gate.baseline, gate.windowSeconds),
    );
  }
  if (gate.traffic && gate.policy.minTraffic > 0) {
    // Traffic is counted per evaluation, so its window is the interval.
    queries.push(planned('traffic', gate.traffic, gate.policy.intervalSeconds));
  }
  return queries;
}
