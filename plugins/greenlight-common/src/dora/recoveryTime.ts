import {
  byTimeThenId,
  deploymentTime,
  groupBy,
  isProduction,
} from './deployments';
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
 * it finishes). It ends at the earliest restoration:
 * - the resolution of an attributed incident;
 * - a successful production remediation (hotfix, rollback or revert intent)
 *   in the same entity and environment that names it as the one it rolls
 *   back or replaces, finished after it; a planned deployment that names it
 *   in `replaces` only says what came next, and counts under the next rule;
 * - any other successful production deployment there (a forward fix) that
 *   finished after both the failed deployment and the moment the failure was
 *   noticed (its first attributed incident, or the start of the first
 *   remediation that names it). One that finished before was not made to
 *   restore it, and counting it would end the recovery before it began.
 */
export function recoveryTimeMs(
  failed: DoraDeployment,
  at: number,
  evidence: {
    incidents: readonly DoraIncident[];
    remediations: readonly DoraDeployment[];
  },
  restorations: RestorationIndex,
): number | null {
  const detections = evidence.incidents.map(i => i.detectedAt);
  const start = Math.min(at, ...detections);
  // Noticed by its first attributed incident or by the start of the first remediation that
  // made it a failure (the caller passes only those): a remediation begun at 12:00 shows it was still bad then, so a deployment of
  // 10:10 did not restore it.
  const remediationStarts = evidence.remediations.flatMap(r => {
    const began = r.startedAt ?? deploymentTime(r);
    return began === undefined ? [] : [began];
  });
  const signs = [...detections, ...remediationStarts];
  const noticed = signs.length === 0 ? at : Math.max(at, Math.min(...signs));
  const ends: number[] = [];
  const restored = firstAfter(
    restorations.get(placeKey(failed)) ?? [],
    noticed,
  );
  if (restored !== undefined) ends.push(restored);
  for (const incident of evidence.incidents) {
    if (incident.resolvedAt !== undefined) ends.push(incident.resolvedAt);
  }
  for (const r of evidence.remediations) {
    const finished = deploymentTime(r);
    if (
      finished !== undefined &&
      finished > at &&
      r.status === 'succeeded' &&
      isProduction(r) &&
      placeKey(r) === placeKey(failed)
    ) {
      ends.push(finished);
    }
  }
  return ends.length === 0 ? null : Math.max(0, Math.min(...ends) - start);
}
