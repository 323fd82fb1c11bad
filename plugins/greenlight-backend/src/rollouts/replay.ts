import {
  planGateQueries,
  replayGate,
  type GateDefinition,
  type GateEvaluationView,
  type MetricRangeResult,
  type ReplayIncident,
} from '@greenlight/backstage-plugin-greenlight-common';
import type { MetricProvider } from '@greenlight/backstage-plugin-greenlight-node';
import { Knex } from 'knex';

/** Prometheus refuses range queries of more points than this per series. */
/*
 * A replay runs range queries with the backend's metric credentials: the bounds keep one
 * request from becoming a load test of the metric backend.
 */
export const MAX_REPLAY_STEPS = 3_000;
export const MAX_REPLAY_WINDOW_DAYS = 7;
export const MAX_REPLAY_WINDOW_MS = MAX_REPLAY_WINDOW_DAYS * 86_400_000;
export const MAX_REPLAY_GATES = 10;

/** A known bad moment of the entity: an incident, or a deployment that was rolled back. */
export type ReplayEvent = {
  id: string;
  kind: 'incident' | 'rollback';
  start: number;
  end: number | null;
};

export type GateReplayView = {
  gateId: string;
  kind: GateDefinition['kind'];
  shadow: boolean;
  stepSeconds: number;
  evaluations: number;
  firingTimes: string[];
  flaps: number;
  detections: Array<{
    id: string;
    kind: ReplayEvent['kind'];
    start: string;
    detectedAt: string | null;
    delaySeconds: number | null;
    missed: boolean;
  }>;
  falseFirings: string[];
  /** Queries the provider failed to answer; their steps count as inconclusive. */
  errors: string[];
  steps: Array<{
    at: string;
    verdict: GateEvaluationView['verdict'];
    value: number | null;
    firing: boolean;
  }>;
};

export type GateReplayResponse = {
  entityRef: string | null;
  from: string;
  to: string;
  events: Array<{
    id: string;
    kind: ReplayEvent['kind'];
    start: string;
    end: string | null;
  }>;
  gates: GateReplayView[];
};

const iso = (ms: number) => new Date(ms).toISOString();
const isoSeconds = (s: number) => iso(s * 1000);

/** The step a gate is replayed with: the request's, else the gate's own interval. */
export function replayStep(gate: GateDefinition, stepSeconds?: number) {
  return stepSeconds ?? gate.policy.intervalSeconds;
}

/**
 * Incidents of the entity and its rolled-back deployments in the window, from the ledger,
 * plus the rollouts Greenlight itself rolled back: what a good gate should have caught.
 */
export async function replayEvents(
  knex: Knex,
  entityRef: string,
  from: number,
  to: number,
): Promise<ReplayEvent[]> {
  const incidents = await knex('incidents as i')
    .join('incident_entities as ie', 'ie.incident_id', 'i.id')
    .where('ie.entity_ref', entityRef)
    .whereBetween('i.detected_at', [from, to])
    .select('i.id', 'i.detected_at', 'i.resolved_at');
  const rolledBack = await knex('deployments as d')
    .where('d.entity_ref', entityRef)
    .where(q =>
      q
        .where('d.status', 'rolled-back')
        .orWhereExists(
          knex('deployments as r')
            .whereRaw('r.rollback_of = d.id')
            .select(knex.raw('1')),
        ),
    )
    .whereRaw('coalesce(d.started_at, d.sort_time) between ? and ?', [from, to])
    .select('d.id', 'd.started_at', 'd.sort_time', 'd.finished_at');
  const rollouts = await knex('rollouts')
    .where({ entity_ref: entityRef, state: 'rolled-back' })
    .whereBetween('started_at', [from, to])
    .select('deployment_id', 'started_at', 'rollback_executed_at');

  const events = new Map<string, ReplayEvent>();
  for (const i of incidents) {
    events.set(`incident:${i.id}`, {
      id: `incident:${i.id}`,
      kind: 'incident',
      start: Number(i.detected_at),
      end: i.resolved_at === null ? null : Number(i.resolved_at),
    });
  }
  for (const d of rolledBack) {
    events.set(`rollback:${d.id}`, {
      id: `rollback:${d.id}`,
      kind: 'rollback',
      start: Number(d.started_at ?? d.sort_time),
      end: d.finished_at === null ? null : Number(d.finished_at),
    });
  }
  for (const r of rollouts) {
    const id = `rollback:${r.deployment_id}`;
    if (!events.has(id)) {
      events.set(id, {
        id,
        kind: 'rollback',
        start: Number(r.started_at),
        end:
          r.rollback_executed_at === null
            ? null
            : Number(r.rollback_executed_at),
      });
    }
  }
  return [...events.values()].sort((a, b) => a.start - b.start);
}

async function ranges(
  gate: GateDefinition,
  providers: ReadonlyMap<string, MetricProvider>,
  from: number,
  to: number,
  stepSeconds: number,
  signal?: AbortSignal,
): Promise<Record<string, MetricRangeResult>> {
  const planned = planGateQueries(gate);
  const results = await Promise.all(
    planned.map(async (q): Promise<MetricRangeResult> => {
      const provider = providers.get(q.provider);
      if (!provider)
        return {
          status: 'error',
          message: `no metric provider '${q.provider}' is registered`,
        };
      try {
        return await provider.queryRange({
          query: q.query,
          start: new Date(from),
          end: new Date(to),
          stepSeconds,
          signal,
        });
      } catch (e) {
        return {
          status: 'error',
          message: `provider '${q.provider}' threw: ${(e as Error).message}`,
        };
      }
    }),
  );
  return Object.fromEntries(planned.map((q, i) => [q.key, results[i]]));
}

/** Replays each gate over [from, to] with range queries and scores it against the events. */
export async function replayGates(options: {
  gates: GateDefinition[];
  providers: ReadonlyMap<string, MetricProvider>;
  from: number;
  to: number;
  stepSeconds?: number;
  events: ReplayEvent[];
  entityRef: string | null;
  signal?: AbortSignal;
}): Promise<GateReplayResponse> {
  const { from, to, events } = options;
  const kinds = new Map(events.map(e => [e.id, e.kind]));
  const incidents: ReplayIncident[] = events.map(e => ({
    id: e.id,
    start: Math.floor(e.start / 1000),
    ...(e.end !== null ? { end: Math.floor(e.end / 1000) } : {}),
  }));
  const views: GateReplayView[] = [];
  for (const original of options.gates) {
    const step = replayStep(original, options.stepSeconds);
    // Replaying at another step evaluates the gate as if that were its interval.
    const gate: GateDefinition =
      step === original.policy.intervalSeconds
        ? original
        : {
            ...original,
            policy: { ...original.policy, intervalSeconds: step },
          };
    const data = await ranges(
      gate,
      options.providers,
      from,
      to,
      step,
      options.signal,
    );
    const report = replayGate(gate, data, {
      start: Math.floor(from / 1000),
      end: Math.floor(to / 1000),
      incidents,
    });
    views.push({
      gateId: gate.id,
      kind: gate.kind,
      shadow: gate.policy.shadow,
      stepSeconds: step,
      evaluations: report.steps.length,
      firingTimes: report.firingTimes.map(isoSeconds),
      flaps: report.flaps,
      detections: report.detections.map(d => ({
        id: d.id ?? '',
        kind: kinds.get(d.id ?? '') ?? 'incident',
        start: isoSeconds(d.start),
        detectedAt:
          d.detectedAt === undefined ? null : isoSeconds(d.detectedAt),
        delaySeconds: d.delaySeconds ?? null,
        missed: d.missed,
      })),
      falseFirings: report.falseFirings.map(isoSeconds),
      errors: Object.entries(data).flatMap(([key, r]) =>
        r.status === 'error' ? [`${key}: ${r.message}`] : [],
      ),
      steps: report.steps.map(s => ({
        at: isoSeconds(s.time),
        verdict: s.evaluation.verdict,
        value:
          s.evaluation.value !== null && Number.isFinite(s.evaluation.value)
            ? s.evaluation.value
            : null,
        firing: s.firing,
      })),
    });
  }
  return {
    entityRef: options.entityRef,
    from: iso(from),
    to: iso(to),
    events: events.map(e => ({
      id: e.id,
      kind: e.kind,
      start: iso(e.start),
      end: e.end === null ? null : iso(e.end),
    })),
    gates: views,
  };
}
