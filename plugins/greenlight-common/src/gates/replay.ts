import { ruleFiring } from './decision';
import { evaluateGate } from './evaluate';
import { planGateQueries } from './queries';
import type {
  GateDefinition,
  GateEvaluation,
  GateOutcome,
  MetricPoint,
  MetricQueryResult,
  MetricRangeResult,
  MetricSample,
} from './types';

/**
 * A known incident or rollback, in unix seconds.
 *
 * @public
 */
export interface ReplayIncident {
  id?: string;
  start: number;
  end?: number;
}

/** @public */
export interface ReplayOptions {
  /** First evaluation time (unix seconds); the earliest point of any series by default. */
  start?: number;
  /** Last evaluation time; the latest point of any series by default. */
  end?: number;
  incidents?: readonly ReplayIncident[];
  /** How long after an incident starts a firing still counts as detecting it; 1 hour by default. */
  detectionHorizonSeconds?: number;
}

/** @public */
export interface ReplayStep {
  time: number;
  evaluation: GateEvaluation;
  /** Whether the failure rule holds over the evaluations up to this one. */
  firing: boolean;
}

/** @public */
export interface IncidentDetection {
  id?: string;
  start: number;
  /** The first evaluation at or after the start, within the horizon, at which the gate was firing. */
  detectedAt?: number;
  delaySeconds?: number;
  missed: boolean;
}

/** @public */
export interface ReplayReport {
  steps: ReplayStep[];
  /** Times at which the gate started firing. */
  firingTimes: number[];
  /** Changes of state between firing and not firing, both directions counted. */
  flaps: number;
  detections: IncidentDetection[];
  /** Firing starts that lie in no incident's detection window. */
  falseFirings: number[];
}

function nearestPoint(
  points: readonly MetricPoint[],
  time: number,
  tolerance: number,
): MetricPoint | undefined {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (points[mid][0] < time) low = mid + 1;
    else high = mid;
  }
  const candidates = [points[low - 1], points[low]].filter(
    (p): p is MetricPoint => !!p && Math.abs(p[0] - time) <= tolerance,
  );
  return candidates.sort(
    (a, b) => Math.abs(a[0] - time) - Math.abs(b[0] - time),
  )[0];
}

/**
 * The instant result a range result implies at `time`: the point of each series nearest
 * to it within the tolerance. A missing step (a gap) contributes nothing.
 *
 * @public
 */
export function resultAt(
  range: MetricRangeResult | undefined,
  time: number,
  toleranceSeconds: number,
): MetricQueryResult | undefined {
  if (!range || range.status !== 'ok') return range;
  const samples: MetricSample[] = [];
  for (const series of range.series) {
    const point = nearestPoint(series.points, time, toleranceSeconds);
    if (point) samples.push({ labels: series.labels, value: point[1] });
  }
  return samples.length ? { status: 'ok', samples } : { status: 'no-data' };
}

function extent(
  ranges: Record<string, MetricRangeResult>,
): [number, number] | undefined {
  const times = Object.values(ranges).flatMap(r =>
    r.status === 'ok' ? r.series.flatMap(s => s.points.map(p => p[0])) : [],
  );
  return times.length ? [Math.min(...times), Math.max(...times)] : undefined;
}

/**
 * Replays a gate over history: range results keyed like `planGateQueries` (run with the
 * gate interval as step) are evaluated at every interval, the failure rule is applied
 * over the evaluations so far, and the report says when the gate would have fired, how
 * often it flapped, and how quickly it would have caught the given incidents.
 *
 * @public
 */
export function replayGate(
  gate: GateDefinition,
  ranges: Record<string, MetricRangeResult>,
  options: ReplayOptions = {},
): ReplayReport {
  const interval = gate.policy.intervalSeconds;
  const bounds = extent(ranges);
  const start = options.start ?? bounds?.[0];
  const end = options.end ?? bounds?.[1];
  const keys = planGateQueries(gate).map(q => q.key);
  const steps: ReplayStep[] = [];
  const outcomes: GateOutcome[] = [];
  if (start !== undefined && end !== undefined) {
    for (let time = start; time <= end; time += interval) {
      const results = Object.fromEntries(
        keys.map(key => [key, resultAt(ranges[key], time, interval / 2)]),
      );
      const evaluation = evaluateGate(gate, results);
      outcomes.push(evaluation.outcome);
      steps.push({
        time,
        evaluation,
        firing: ruleFiring(outcomes, gate.policy.failureRule),
      });
    }
  }

  const firingTimes: number[] = [];
  let flaps = 0;
  steps.forEach((step, i) => {
    const before = i > 0 && steps[i - 1].firing;
    if (step.firing !== before) flaps++;
    if (step.firing && !before) firingTimes.push(step.time);
  });

  const horizon = options.detectionHorizonSeconds ?? 3600;
  const incidents = options.incidents ?? [];
  const detections = incidents.map((incident): IncidentDetection => {
    const hit = steps.find(
      s =>
        s.firing &&
        s.time >= incident.start &&
        s.time <= incident.start + horizon,
    );
    return hit
      ? {
          id: incident.id,
          start: incident.start,
          detectedAt: hit.time,
          delaySeconds: hit.time - incident.start,
          missed: false,
        }
      : { id: incident.id, start: incident.start, missed: true };
  });
  const falseFirings = firingTimes.filter(
    time =>
      !incidents.some(
        i =>
          time >= i.start &&
          time <= Math.max(i.end ?? i.start, i.start + horizon),
      ),
  );
  return { steps, firingTimes, flaps, detections, falseFirings };
}
