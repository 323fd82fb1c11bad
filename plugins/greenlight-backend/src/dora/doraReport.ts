import {
  compareWithPreviousPeriod,
  DEFAULT_SKETCH_RELATIVE_ACCURACY,
  DoraDailyRollup,
  DoraGranularity,
  DoraMetrics,
  DoraOptions,
  DoraResponse,
  DoraWindow,
  doraTrend,
  metricsFromRollups,
  MS_PER_DAY,
  previousWindow,
  splitWindow,
  utcDayKey,
} from '@greenlight/backstage-plugin-greenlight-common';
import { IncidentFindings, storedFindings } from './dataQuality';
import { DoraStore, EntityFacts, LoadedRollup, LoadedRollups, LoadedWeeklyRollup } from './DoraStore';
import { ResolvedScope } from './scopes';
import { ReportCache } from './reportCache';
import { RollupSum } from './rollupSum';
import { daysOfWeek, planRollupReads } from './weeklyRollups';

/** Commit times standing for the pending commits of `facts` between two days. */
function pendingCommitTimes(facts: EntityFacts[], fromDay: string, toDay: string): number[] {
  const times: number[] = [];
  for (const f of facts) {
    for (const [day, count] of Object.entries(f.pendingCommitDays)) {
      if (day < fromDay || day >= toDay) continue;
      // Day starts stand in for the commit times: windows are whole UTC days.
      const start = Date.parse(`${day}T00:00:00.000Z`);
      for (let i = 0; i < count; i++) times.push(start);
    }
  }
  return times;
}

function sumBy<K>(rows: Iterable<LoadedRollup | LoadedWeeklyRollup>, key: (r: LoadedRollup) => K) {
  const sums = new Map<K, RollupSum>();
  for (const r of rows) {
    const k = key(r);
    let sum = sums.get(k);
    if (!sum) {
      sum = new RollupSum();
      sums.set(k, sum);
    }
    sum.add(r);
  }
  return sums;
}

/**
 * The scope's rollups pooled: days added up day by day and weeks week by week, so that
 * every commit and failure of every entity is in the pool and no per-entity median is ever
 * averaged.
 */
function pooledRollups(loaded: LoadedRollups, scopeRef: string, accuracy: number): DoraDailyRollup[] {
  const rows: DoraDailyRollup[] = [];
  for (const [day, sum] of sumBy(loaded.daily, r => r.day)) rows.push(...sum.toDailyRollups(scopeRef, day, accuracy));
  for (const [week, sum] of sumBy(loaded.weekly, r => r.day)) rows.push(...sum.toDailyRollups(scopeRef, week, accuracy));
  return rows;
}

/**
 * The scope's entities with a successful production deployment on each day, from their own
 * rollups: the pooled rows carry the scope's name, and the frequency's level is rated per
 * deploying entity. Built once per report; each window (current, previous, trend buckets) then
 * reads only its days.
 */
function deployingEntitiesByDay(loaded: LoadedRollups): Map<string, Set<string>> {
  const byDay = new Map<string, Set<string>>();
  const add = (day: string, entityRef: string) => {
    const entities = byDay.get(day);
    if (entities) entities.add(entityRef);
    else byDay.set(day, new Set([entityRef]));
  };
  for (const r of loaded.daily) if (r.successfulProduction > 0) add(r.day, r.entityRef);
  for (const r of loaded.weekly) {
    const days = daysOfWeek(r.week);
    r.successfulByDay.forEach((n, i) => {
      if (n > 0) add(days[i], r.entityRef);
    });
  }
  return byDay;
}

function deployingEntitiesIn(byDay: Map<string, Set<string>>, window: DoraWindow): number {
  const fromDay = utcDayKey(window.from);
  const toDay = utcDayKey(window.to);
  const entities = new Set<string>();
  for (const [day, refs] of byDay) if (day >= fromDay && day < toDay) for (const ref of refs) entities.add(ref);
  return entities.size;
}

/** The rows of the window itself (the plan also read the previous window's). */
function inWindow(loaded: LoadedRollups, window: DoraWindow): Array<LoadedRollup | LoadedWeeklyRollup> {
  const fromDay = utcDayKey(window.from);
  const toDay = utcDayKey(window.to);
  const rows: Array<LoadedRollup | LoadedWeeklyRollup> = [];
  for (const r of loaded.daily) if (r.day >= fromDay && r.day < toDay) rows.push(r);
  for (const r of loaded.weekly) if (r.week >= fromDay && r.week < toDay) rows.push(r);
  return rows;
}

type ReportDeps = { store: DoraStore; incidents: IncidentFindings; cache?: ReportCache };

/**
 * The DORA answer for a scope over a window of whole UTC days, from stored rollups only;
 * incident findings come from `IncidentFindings`, since incidents are not rolled up. An
 * answer whose entities' rollups have not been rebuilt since is served from the cache.
 */
export async function doraReport(
  deps: ReportDeps,
  scope: ResolvedScope,
  window: DoraWindow,
  bucket: DoraGranularity,
  options: DoraOptions,
): Promise<DoraResponse> {
  if (window.from % MS_PER_DAY !== 0 || window.to % MS_PER_DAY !== 0) {
    throw new RangeError('DORA windows must start and end at 00:00 UTC');
  }
  const organisation = scope.kind === 'organization';
  const inScope = new Set(scope.entityRefs);
  const [storedFacts, incidentFindings] = await Promise.all([
    deps.store.loadFacts(organisation ? 'all' : scope.entityRefs),
    deps.incidents.find(scope.entityRefs, window),
  ]);
  const facts = organisation ? storedFacts.filter(f => inScope.has(f.entityRef)) : storedFacts;

  const key = JSON.stringify([scope.kind, scope.ref, window, bucket, options]);
  const fingerprint = ReportCache.fingerprint(scope.entityRefs, facts);
  let report = deps.cache?.get(key, fingerprint);
  if (!report) {
    report = await reportFromRollups(deps.store, scope, facts, window, bucket, options);
    deps.cache?.set(key, fingerprint, report);
  }
  return {
    ...report,
    dataQuality: [...report.dataQuality, ...incidentFindings.filter(f => f.count > 0)],
  };
}

async function reportFromRollups(
  store: DoraStore,
  scope: ResolvedScope,
  facts: EntityFacts[],
  window: DoraWindow,
  bucket: DoraGranularity,
  options: DoraOptions,
): Promise<DoraResponse> {
  const previous = previousWindow(window);
  const fromDay = utcDayKey(previous.from);
  const toDay = utcDayKey(window.to);
  // Weeks are read whole where no figure splits them: not across the window's start, not
  // across a trend bucket.
  const plan = planRollupReads(
    { from: previous.from, to: window.to },
    [window.from, ...splitWindow(window, bucket).map(b => b.window.from)],
  );
  const loaded = await store.loadRollups(scope.entityRefs, plan);

  const accuracy = options.sketchRelativeAccuracy ?? DEFAULT_SKETCH_RELATIVE_ACCURACY;
  const pooled = pooledRollups(loaded, scope.ref ?? 'organization', accuracy);
  const pending = pendingCommitTimes(facts, fromDay, toDay);
  const deploying = deployingEntitiesByDay(loaded);
  const metricsFor = (w: DoraWindow) =>
    metricsFromRollups(pooled, w, {
      ...options,
      notInProductionCommitTimes: pending,
      deployingEntities: deployingEntitiesIn(deploying, w),
    });
  const comparison = compareWithPreviousPeriod(window, metricsFor);
  const trend = doraTrend(window, bucket, metricsFor);

  const current = inWindow(loaded, window);
  const windowFromDay = utcDayKey(window.from);
  const breakdown: Array<{ entityRef: string; metrics: DoraMetrics }> = [];
  if (scope.kind !== 'entity') {
    const factsOf = new Map(facts.map(f => [f.entityRef, f]));
    const sums = sumBy(current, r => r.entityRef);
    for (const entityRef of scope.entityRefs) {
      const entityFacts = factsOf.get(entityRef);
      breakdown.push({
        entityRef,
        metrics: metricsFromRollups(sums.get(entityRef)?.toDailyRollups(entityRef, windowFromDay, accuracy) ?? [], window, {
          ...options,
          notInProductionCommitTimes: entityFacts ? pendingCommitTimes([entityFacts], utcDayKey(window.from), toDay) : [],
        }),
      });
    }
  }

  return {
    scope: { kind: scope.kind, ref: scope.ref, entityRefs: scope.entityRefs.length },
    window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
    bucket,
    approximate: true,
    current: comparison.current,
    previous: comparison.previous,
    change: comparison.change,
    trend,
    breakdown,
    dataQuality: storedFindings(current, facts, scope.entityRefs).filter(f => f.count > 0),
  };
}
