import {
  evaluateGate,
  planGateQueries,
  type GateDefinition,
  type GateEvaluation,
  type MetricQueryResult,
  type PlannedQuery,
} from '@greenlight/backstage-plugin-greenlight-common';
import type { MetricProvider } from '@greenlight/backstage-plugin-greenlight-node';

/** Samples kept per query as evidence; the count is always kept. */
const MAX_SAMPLES_KEPT = 10;
const MAX_LABEL_LENGTH = 200;

export type QuerySummary = {
  key: string;
  provider: string;
  query: string;
  status: MetricQueryResult['status'];
  count: number;
  samples: Array<{ labels: Record<string, string>; value: number | string }>;
  message?: string;
};

export type GateRun = {
  gate: GateDefinition;
  evaluation: GateEvaluation;
  /** The queries as sent, placeholders resolved. */
  query: string;
  queries: QuerySummary[];
};

function clip(text: string) {
  return text.length > MAX_LABEL_LENGTH
    ? `${text.slice(0, MAX_LABEL_LENGTH)}…`
    : text;
}

/** JSON has no NaN or infinities; keep them readable. */
function jsonValue(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function summarise(
  planned: PlannedQuery,
  result: MetricQueryResult,
): QuerySummary {
  const base = {
    key: planned.key,
    provider: planned.provider,
    query: planned.query,
    status: result.status,
  };
  if (result.status === 'error')
    return { ...base, count: 0, samples: [], message: clip(result.message) };
  if (result.status === 'no-data') return { ...base, count: 0, samples: [] };
  return {
    ...base,
    count: result.samples.length,
    samples: result.samples.slice(0, MAX_SAMPLES_KEPT).map(s => ({
      labels: Object.fromEntries(
        Object.entries(s.labels).map(([k, v]) => [k, clip(v)]),
      ),
      value: jsonValue(s.value),
    })),
  };
}

/** One line per query for gates that need several, e.g. `bad@5m: sum(…)`. */
export function describeQueries(planned: PlannedQuery[]): string {
  if (planned.length === 1) return planned[0].query;
  return planned.map(q => `${q.key}: ${q.query}`).join('\n');
}

async function runQuery(
  providers: ReadonlyMap<string, MetricProvider>,
  planned: PlannedQuery,
  time: Date,
  signal?: AbortSignal,
): Promise<MetricQueryResult> {
  const provider = providers.get(planned.provider);
  if (!provider)
    return {
      status: 'error',
      message: `no metric provider '${planned.provider}' is registered`,
    };
  try {
    return await provider.query({ query: planned.query, time, signal });
  } catch (e) {
    // Providers should not throw; one that does makes the evaluation inconclusive all the same.
    return {
      status: 'error',
      message: `provider '${planned.provider}' threw: ${(e as Error).message}`,
    };
  }
}

/** Runs a gate's planned queries at `at` (in parallel) and evaluates the gate. */
export async function runGate(
  gate: GateDefinition,
  providers: ReadonlyMap<string, MetricProvider>,
  at: number,
  signal?: AbortSignal,
): Promise<GateRun> {
  const planned = planGateQueries(gate);
  const time = new Date(at);
  const results = await Promise.all(
    planned.map(q => runQuery(providers, q, time, signal)),
  );
  const evaluation = evaluateGate(
    gate,
    Object.fromEntries(planned.map((q, i) => [q.key, results[i]])),
  );
  return {
    gate,
    evaluation,
    query: describeQueries(planned),
    queries: planned.map((q, i) => summarise(q, results[i])),
  };
}
