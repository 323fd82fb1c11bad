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
import { Knex } from 'knex';
import { incidentFindings, storedFindings } from './dataQuality';
import { DoraStore, EntityFacts, StoredRollup } from './DoraStore';
import { ResolvedScope } from './scopes';
import { planRollupReads } from './weeklyRollups';

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

function groupByEntity(rollups: StoredRollup[], window: DoraWindow) {
  const fromDay = utcDayKey(window.from);
  const toDay = utcDayKey(window.to);
  const map = new Map<string, DoraDailyRollup[]>();
  for (const r of rollups) {
    if (r.day < fromDay || r.day >= toDay) continue;
    const list = map.get(r.entityRef);
    if (list) list.push(r);
    else map.set(r.entityRef, [r]);
  }
  return map;
}

/**
 * The DORA answer for a resolved scope over a window of whole UTC days, from stored rollups
 * only: the scope's rollups are merged day by day (pooling every commit and failure, never
 * averaging per-entity medians) and every figure is read from the merged days.
 */
export async function doraReport(
  deps: { store: DoraStore; knex: Knex },
  scope: ResolvedScope,
  window: DoraWindow,
  bucket: DoraGranularity,
  options: DoraOptions,
): Promise<DoraResponse> {
  if (window.from % MS_PER_DAY !== 0 || window.to % MS_PER_DAY !== 0) {
    throw new RangeError('DORA windows must start and end at 00:00 UTC');
  }
  const previous = previousWindow(window);
  const fromDay = utcDayKey(previous.from);
  const toDay = utcDayKey(window.to);
  const inScope = new Set(scope.entityRefs);
  // Weeks are read whole where no figure splits them: not across the window's start, not
  // across a trend bucket.
  const plan = planRollupReads(
    { from: previous.from, to: window.to },
    [window.from, ...splitWindow(window, bucket).map(b => b.window.from)],
  );
  const organisation = scope.kind === 'organization';

  const [storedRollups, storedFacts] = await Promise.all([
    deps.store.loadRollups(organisation ? 'all' : scope.entityRefs, plan),
    deps.store.loadFacts(organisation ? 'all' : scope.entityRefs),
  ]);
  const rollups = organisation ? storedRollups.filter(r => inScope.has(r.entityRef)) : storedRollups;
  const facts = organisation ? storedFacts.filter(f => inScope.has(f.entityRef)) : storedFacts;

  const pooled = mergeDailyRollups(rollups, scope.ref ?? 'organization');
  const pending = pendingCommitTimes(facts, fromDay, toDay);
  const metricsFor = (w: DoraWindow) =>
    metricsFromRollups(pooled, w, { ...options, notInProductionCommitTimes: pending });
  const comparison = compareWithPreviousPeriod(window, metricsFor);
  const trend = doraTrend(window, bucket, metricsFor);

  const breakdown: Array<{ entityRef: string; metrics: DoraMetrics }> = [];
  if (scope.kind !== 'entity') {
    const byEntity = groupByEntity(rollups, window);
    const factsOf = new Map(facts.map(f => [f.entityRef, f]));
    for (const entityRef of scope.entityRefs) {
      const entityFacts = factsOf.get(entityRef);
      breakdown.push({
        entityRef,
        metrics: metricsFromRollups(byEntity.get(entityRef) ?? [], window, {
          ...options,
          notInProductionCommitTimes: entityFacts
            ? pendingCommitTimes([entityFacts], utcDayKey(window.from), toDay)
            : [],
        }),
      });
    }
  }

  const windowFromDay = utcDayKey(window.from);
  const findings = [
    ...storedFindings(
      rollups.filter(r => r.day >= windowFromDay),
      facts,
      scope.entityRefs,
    ),
    ...(await incidentFindings(deps.knex, scope.entityRefs, window)),
  ].filter(f => f.count > 0);

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
    dataQuality: findings,
  };
}
