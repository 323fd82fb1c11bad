import { z } from 'zod';
import { groupBy } from './deployments';
import { analyseHistory } from './history';
import {
  assembleMetrics,
  countInWindow,
  DoraMetrics,
  medianOfAllRank,
} from './metrics';
import { DoraOptions, resolveOptions } from './options';
import {
  mergeSketches,
  QuantileSketch,
  quantileSketchSchema,
  sketchOf,
  sketchQuantile,
  sketchValueAtRank,
} from './sketch';
import { MS_PER_DAY, utcDayKey, utcDayKeyToTime } from './time';
import { DoraDeployment, DoraIncident, DoraWindow } from './types';

/**
 * Everything the DORA metrics need about one entity on one UTC day, so that
 * team and organisation queries merge stored rollups instead of rescanning raw
 * events. Events are filed under the day their deployment finished, the same
 * time raw metrics use for windows.
 *
 * Whether a deployment failed, and when it recovered, can change after its day
 * (a rollback within the attribution horizon, a later incident, a later fix),
 * so the days touched by new evidence must be rebuilt: see
 * `staleRollupDays`.
 *
 * A day "is a deployment day" when `successfulProduction > 0`.
 *
 * @public
 */
export interface DoraDailyRollup {
  entityRef: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  /** Successful production deployments (deployment frequency). */
  successfulProduction: number;
  /** Succeeded, failed and rolled-back production deployments (rate denominator). */
  production: number;
  /** Of `production`, those that are failed changes. */
  failed: number;
  /** Of `production`, those with a hotfix, rollback or revert intent. */
  rework: number;
  cancelled: number;
  /** Lead times of commits whose first production deployment finished this day. */
  leadTime: QuantileSketch;
  leadTimeClockSkewed: number;
  /**
   * Of the lead times in `leadTime`, those measured from the merge (no commit time was
   * known). Absent in rollups written before it was kept: none.
   */
  leadTimeFromMerge?: number;
  /** Recovery times of this day's failed deployments that have recovered. */
  recoveryTime: QuantileSketch;
  unrecovered: number;
}

const count = z.number().int().nonnegative();

/** @public */
export const doraDailyRollupSchema = z.object({
  entityRef: z.string().min(1),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  successfulProduction: count,
  production: count,
  failed: count,
  rework: count,
  cancelled: count,
  leadTime: quantileSketchSchema,
  leadTimeClockSkewed: count,
  leadTimeFromMerge: count.optional(),
  recoveryTime: quantileSketchSchema,
  unrecovered: count,
});

/** @public */
export function parseDoraDailyRollup(json: unknown): DoraDailyRollup {
  return doraDailyRollupSchema.parse(json);
}

interface DayAccumulator {
  rollup: Omit<DoraDailyRollup, 'leadTime' | 'recoveryTime'>;
  leadTimes: number[];
  recoveryTimes: number[];
}

/**
 * Builds per-entity, per-UTC-day rollups from the full history of those
 * entities. Only days with at least one event are returned, ordered by entity
 * and day.
 *
 * @public
 */
export function buildDailyRollups(
  deployments: readonly DoraDeployment[],
  incidents: readonly DoraIncident[],
  options?: DoraOptions,
): DoraDailyRollup[] {
  const resolved = resolveOptions(options);
  const history = analyseHistory(
    deployments,
    incidents,
    resolved.attributionHorizonMs,
  );
  const days = new Map<string, DayAccumulator>();
  const dayOf = (entityRef: string, at: number) => {
    const day = utcDayKey(at);
    const key = JSON.stringify([entityRef, day]);
    let acc = days.get(key);
    if (!acc) {
      acc = {
        rollup: {
          entityRef,
          day,
          successfulProduction: 0,
          production: 0,
          failed: 0,
          rework: 0,
          cancelled: 0,
          leadTimeClockSkewed: 0,
          unrecovered: 0,
        },
        leadTimes: [],
        recoveryTimes: [],
      };
      days.set(key, acc);
    }
    return acc;
  };

  for (const o of history.outcomes) {
    const acc = dayOf(o.deployment.entityRef, o.at);
    if (o.cancelled) {
      acc.rollup.cancelled += 1;
      continue;
    }
    acc.rollup.production += 1;
    if (o.succeeded) acc.rollup.successfulProduction += 1;
    if (o.rework) acc.rollup.rework += 1;
    if (o.failureReasons.length > 0) {
      acc.rollup.failed += 1;
      const recoveryMs = o.recoveryMs ?? null;
      if (recoveryMs === null) acc.rollup.unrecovered += 1;
      else acc.recoveryTimes.push(recoveryMs);
    }
  }
  for (const sample of history.leadTimes) {
    const acc = dayOf(sample.entityRef, sample.at);
    if (sample.leadTimeMs < 0) acc.rollup.leadTimeClockSkewed += 1;
    else {
      acc.leadTimes.push(sample.leadTimeMs);
      if (sample.fromMerge) {
        acc.rollup.leadTimeFromMerge = (acc.rollup.leadTimeFromMerge ?? 0) + 1;
      }
    }
  }

  return [...days.values()]
    .map(acc => ({
      ...acc.rollup,
      leadTime: sketchOf(acc.leadTimes, resolved.sketchRelativeAccuracy),
      recoveryTime: sketchOf(
        acc.recoveryTimes,
        resolved.sketchRelativeAccuracy,
      ),
    }))
    .sort(compareRollups);
}

type CountField = {
  [K in keyof DoraDailyRollup]-?: DoraDailyRollup[K] extends number ? K : never;
}[keyof DoraDailyRollup];

function compareRollups(a: DoraDailyRollup, b: DoraDailyRollup): number {
  if (a.entityRef !== b.entityRef) return a.entityRef < b.entityRef ? -1 : 1;
  if (a.day !== b.day) return a.day < b.day ? -1 : 1;
  return 0;
}

/**
 * Merges rollups of the same day into one rollup per day under `scopeRef`
 * (e.g. a team's entity ref), for storing pre-merged team or organisation
 * rollups. Metrics from the merged rollups equal metrics from the inputs, given
 * the inputs' number of deploying entities in the window (`deployingEntities`
 * of `metricsFromRollups`): merged rows carry one name.
 *
 * @public
 */
export function mergeDailyRollups(
  rollups: readonly DoraDailyRollup[],
  scopeRef: string,
): DoraDailyRollup[] {
  return [...groupBy(rollups, r => r.day).entries()]
    .map(([day, group]) => {
      const sum = (field: CountField) =>
        group.reduce((total, r) => total + r[field], 0);
      return {
        entityRef: scopeRef,
        day,
        successfulProduction: sum('successfulProduction'),
        production: sum('production'),
        failed: sum('failed'),
        rework: sum('rework'),
        cancelled: sum('cancelled'),
        leadTime: mergeSketches(group.map(r => r.leadTime)),
        leadTimeClockSkewed: sum('leadTimeClockSkewed'),
        ...fromMergeOf(group),
        recoveryTime: mergeSketches(group.map(r => r.recoveryTime)),
        unrecovered: sum('unrecovered'),
      };
    })
    .sort(compareRollups);
}

/**
 * The lead times measured from the merge in `rollups`, as an optional rollup field: left out
 * when there are none, as in rollups written before it was kept.
 *
 * @public
 */
export function fromMergeOf(
  rollups: ReadonlyArray<{ leadTimeFromMerge?: number }>,
): {
  leadTimeFromMerge?: number;
} {
  const n = rollups.reduce((total, r) => total + (r.leadTimeFromMerge ?? 0), 0);
  return n > 0 ? { leadTimeFromMerge: n } : {};
}

function summariseSketch(sketch: QuantileSketch) {
  return {
    n: sketch.count,
    medianMs: sketchQuantile(sketch, 0.5),
    p90Ms: sketchQuantile(sketch, 0.9),
  };
}

/**
 * The five metrics from rollups of any set of entities. Counts, rates and
 * intervals equal {@link computeDoraMetrics} over the same raw events exactly;
 * medians and p90s are within the sketches' relative accuracy (1% by default)
 * of the exact ones. Per-deployment failure reasons are not kept in rollups.
 *
 * @param window - must start and end on UTC midnight, because rollups cannot
 *   be split within a day
 * @public
 */
export function metricsFromRollups(
  rollups: readonly DoraDailyRollup[],
  window: DoraWindow,
  options?: DoraOptions & {
    notInProductionCommitTimes?: readonly number[];
    /**
     * Entities with a successful production deployment in the window, for rollups pooled under
     * one name (a team's, summed per day); by default, counted from the rollups' own entities.
     */
    deployingEntities?: number;
  },
): DoraMetrics {
  if (window.from % MS_PER_DAY !== 0 || window.to % MS_PER_DAY !== 0) {
    throw new RangeError('Rollup windows must start and end at 00:00 UTC');
  }
  const inWindow = rollups.filter(r => {
    const dayStart = utcDayKeyToTime(r.day);
    return dayStart >= window.from && dayStart < window.to;
  });
  const sum = (pick: (r: DoraDailyRollup) => number) =>
    inWindow.reduce((total, r) => total + pick(r), 0);
  const successfulByDay = new Map<number, number>();
  const deploying = new Set<string>();
  for (const r of inWindow) {
    const dayStart = utcDayKeyToTime(r.day);
    successfulByDay.set(
      dayStart,
      (successfulByDay.get(dayStart) ?? 0) + r.successfulProduction,
    );
    if (r.successfulProduction > 0) deploying.add(r.entityRef);
  }
  const accuracy = resolveOptions(options).sketchRelativeAccuracy;
  const recovery = mergeSketches(
    inWindow.map(r => r.recoveryTime),
    accuracy,
  );
  return assembleMetrics(
    {
      window,
      quantiles: 'sketch',
      successfulByDay,
      deployingEntities: options?.deployingEntities ?? deploying.size,
      production: sum(r => r.production),
      failed: sum(r => r.failed),
      rework: sum(r => r.rework),
      cancelled: sum(r => r.cancelled),
      leadTime: summariseSketch(
        mergeSketches(
          inWindow.map(r => r.leadTime),
          accuracy,
        ),
      ),
      leadTimeFromMerge: sum(r => r.leadTimeFromMerge ?? 0),
      clockSkewed: sum(r => r.leadTimeClockSkewed),
      notInProduction: countInWindow(
        options?.notInProductionCommitTimes,
        window,
      ),
      recovery: summariseSketch(recovery),
      unrecovered: sum(r => r.unrecovered),
      recoveryMedianOfAllMs: medianOfAllFromSketch(
        recovery,
        sum(r => r.unrecovered),
      ),
    },
    options,
  );
}

function medianOfAllFromSketch(
  recovered: QuantileSketch,
  unrecovered: number,
): number | null {
  const rank = medianOfAllRank(recovered.count, unrecovered);
  return rank === undefined ? null : sketchValueAtRank(recovered, rank);
}
