import {
  defaultGatePolicy,
  type GatePolicy,
  type MetricQueryResult,
  type ThresholdGate,
} from '@greenlight/backstage-plugin-greenlight-common';
import type {
  MetricProvider,
  RollbackExecutor,
  RollbackRequest,
  RollbackResult,
} from '@greenlight/backstage-plugin-greenlight-node';

/** A threshold gate `<series> < 0.05` read from the `series` provider. */
export function thresholdGate(
  id: string,
  series: string,
  policy: Partial<GatePolicy> = {},
): ThresholdGate {
  return {
    id,
    name: id,
    kind: 'threshold',
    metric: { provider: 'series', query: series },
    comparator: '<',
    threshold: 0.05,
    windowSeconds: 60,
    policy: {
      ...defaultGatePolicy,
      intervalSeconds: 60,
      evaluations: 5,
      failureRule: { kind: 'consecutive', count: 2 },
      maxInconclusive: 2,
      ...policy,
    },
  };
}

/**
 * Answers each query (a series name) with the series' value for the n-th evaluation,
 * counted in intervals since `start`; `null` is no data, `'error'` a provider error.
 */
export class SeriesProvider implements MetricProvider {
  readonly id = 'series';
  readonly calls: Array<{ query: string; time: number }> = [];

  constructor(
    private readonly series: Record<string, Array<number | null | 'error'>>,
    private readonly start: number,
    private readonly intervalMs: number,
    private readonly delayMs = 0,
  ) {}

  async query(request: {
    query: string;
    time: Date;
  }): Promise<MetricQueryResult> {
    this.calls.push({ query: request.query, time: request.time.getTime() });
    if (this.delayMs) await new Promise(r => setTimeout(r, this.delayMs));
    const values = this.series[request.query] ?? [];
    const index =
      Math.round((request.time.getTime() - this.start) / this.intervalMs) - 1;
    const value = values[Math.min(index, values.length - 1)];
    if (value === undefined || value === null) return { status: 'no-data' };
    if (value === 'error')
      return { status: 'error', message: 'backend unavailable' };
    return {
      status: 'ok',
      samples: [{ labels: { series: request.query }, value }],
    };
  }

  async queryRange(): Promise<never> {
    throw new Error('not used');
  }
}

/** Records every rollback request and answers with the next scripted result (the last one repeats). */
export class RecordingExecutor implements RollbackExecutor {
  readonly requests: RollbackRequest[] = [];

  constructor(
    readonly id = 'recording',
    private readonly results: RollbackResult[] = [
      { status: 'succeeded', message: 'done', retryable: false },
    ],
  ) {}

  async rollback(request: RollbackRequest): Promise<RollbackResult> {
    this.requests.push(request);
    return this.results[
      Math.min(this.requests.length - 1, this.results.length - 1)
    ];
  }
}
