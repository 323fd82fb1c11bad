import { byTimeThenId, groupBy } from './deployments';
import { DoraDeployment, DoraIncident } from './types';

/** Finish times of successful production deployments per entity and environment. */
export type RestorationIndex = Map<string, number[]>;

function placeKey(d: DoraDeployment) {
  return JSON.stringify([d.entityRef, d.environment]);
}

export function indexRestorations(
  successfulProduction: ReadonlyArray<{
    at: number;
    deployment: DoraDeployment;
  }>,
): RestorationIndex {
  const index: RestorationIndex = new Map();
  for (const [key, entries] of groupBy(successfulProduction, e =>
    placeKey(e.deployment),
  )) {
    index.set(
      key,
      [...entries].sort(byTimeThenId).map(e => e.at),
    );
  }
  return index;
}

/** First element strictly greater than `time` in an ascending list. */
function firstAfter(
  sorted: readonly number[],
  time: number,
): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= time) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}

/**
 * Failed deployment recovery time in ms, or `null` while unrecovered.
 *
 * The failure starts at the earlier of the deployment's finish and the
 * detection of an incident attributed to it (a rollout can hurt users before
 * it finishes). It ends at the earliest restoration: the next successful
 * production deployment of the same entity in the same environment (a
 * rollback, a replacement or a forward fix all restore service there), or the
 * resolution of an attributed incident.
 */
export function recoveryTimeMs(
  failed: DoraDeployment,
  at: number,
  attributedIncidents: readonly DoraIncident[],
  restorations: RestorationIndex,
): number | null {
  let start = at;
  let end = firstAfter(restorations.get(placeKey(failed)) ?? [], at);
  for (const incident of attributedIncidents) {
    start = Math.min(start, incident.detectedAt);
    if (incident.resolvedAt !== undefined) {
      end =
        end === undefined
          ? incident.resolvedAt
          : Math.min(end, incident.resolvedAt);
    }
  }
  return end === undefined ? null : Math.max(0, end - start);
}
