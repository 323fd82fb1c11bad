import {
  compareWithPreviousPeriod,
  DoraDailyRollup,
  DoraGranularity,
  DoraMetrics,
  DoraOptions,
  DoraResponse,
  DoraWindow,
  doraTrend,
  mergeDailyRollups,
  metricsFromRollups,
  MS_PER_DAY,
  previousWindow,
  splitWindow,
  utcDayKey,
} from '@greenlight/backstage-plugin-greenlight-common';
import { IncidentFindings, storedFindings } from './dataQuality';
import { DoraStore, EntityFacts, LoadedRollups, StoredRollup } from './DoraStore';
import { ResolvedScope } from './scopes';
import { ReportCache } from './reportCache';
import { expandWeeklyRollup, mergeWeeklyRollups, planRollupReads } from './weeklyRollups';

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

/** Each entity's rollups inside the window, weeks expanded back into days. */
function rollupsByEntity(loaded: LoadedRollups, window: DoraWindow) {
  const fromDay = utcDayKey(window.from);
  const toDay = utcDayKey(window.to);
  const map = new Map<string, StoredRollup[]>();
  const add = (r: StoredRollup) => {
    const list = map.get(r.entityRef);
    if (list) list.push(r);
    else map.set(r.entityRef, [r]);
  };
  for (const r of loaded.daily) if (r.day >= fromDay && r.day < toDay) add(r);
  for (const w of loaded.weekly) {
    if (w.week >= fromDay && w.week < toDay) for (const r of expandWeeklyRollup(w)) add(r);
  }
  return map;
}

/**
 * The scope's rollups pooled into one per day: days merged day by day, weeks week by week
 * and only then spread back over their days, so every commit and failure of every entity is
 * in the pool and no per-entity median is ever averaged.
 */
function pooledRollups(loaded: LoadedRollups, scopeRef: string): DoraDailyRollup[] {
  return [
    ...mergeDailyRollups(loaded.daily, scopeRef),
    ...mergeWeeklyRollups(loaded.weekly, scopeRef).flatMap(expandWeeklyRollup),
  ];
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
  const inScope = new Set(scope.entityRefs);
  const organisation = scope.kind === 'organization';
  // Weeks are read whole where no figure splits them: not across the window's start, not
  // across a trend bucket.
  const plan = planRollupReads(
    { from: previous.from, to: window.to },
    [window.from, ...splitWindow(window, bucket).map(b => b.window.from)],
  );
  const stored = await store.loadRollups(organisation ? 'all' : scope.entityRefs, plan);
  const loaded: LoadedRollups = organisation
    ? {
        daily: stored.daily.filter(r => inScope.has(r.entityRef)),
        weekly: stored.weekly.filter(r => inScope.has(r.entityRef)),
      }
    : stored;

  const pooled = pooledRollups(loaded, scope.ref ?? 'organization');
  const pending = pendingCommitTimes(facts, fromDay, toDay);
  const metricsFor = (w: DoraWindow) =>
    metricsFromRollups(pooled, w, { ...options, notInProductionCommitTimes: pending });
  const comparison = compareWithPreviousPeriod(window, metricsFor);
  const trend = doraTrend(window, bucket, metricsFor);

  const current = rollupsByEntity(loaded, window);
  const breakdown: Array<{ entityRef: string; metrics: DoraMetrics }> = [];
  if (scope.kind !== 'entity') {
    const factsOf = new Map(facts.map(f => [f.entityRef, f]));
    for (const entityRef of scope.entityRefs) {
      const entityFacts = factsOf.get(entityRef);
      breakdown.push({
        entityRef,
        metrics: metricsFromRollups(current.get(entityRef) ?? [], window, {
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
    dataQuality: storedFindings([...current.values()].flat(), facts, scope.entityRefs).filter(f => f.count > 0),
  };
}
