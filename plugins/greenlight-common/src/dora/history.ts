import {
  DEFAULT_ATTRIBUTION_HORIZON_MS,
  DoraFailureReason,
  failureReasons,
  indexFailureEvidence,
} from './changeFailure';
import {
  byTimeThenId,
  COUNTED_STATUSES,
  deploymentTime,
  isProduction,
  isReworkIntent,
} from './deployments';
import { LeadTimeSample, leadTimeSamples } from './leadTime';
import { indexRestorations, recoveryTimeMs } from './recoveryTime';
import { DoraDeployment, DoraIncident } from './types';

/** What the full history says about one production deployment. */
export interface ProductionOutcome {
  deployment: DoraDeployment;
  at: number;
  /** Cancelled deployments are reported, but are outside every rate. */
  cancelled: boolean;
  succeeded: boolean;
  rework: boolean;
  /** Empty unless the deployment is a failed change. */
  failureReasons: DoraFailureReason[];
  /** Only for failed changes: recovery time in ms, `null` while unrecovered. */
  recoveryMs?: number | null;
}

export interface AnalysedHistory {
  outcomes: ProductionOutcome[];
  leadTimes: LeadTimeSample[];
}

/**
 * Classifies every production deployment against the whole history given,
 * not just a window: a deployment that finished inside a window can be
 * rolled back or blamed for an incident after the window ends. Raw metrics
 * and daily rollups are both derived from this one analysis, which is what
 * makes their counts agree exactly.
 */
export function analyseHistory(
  reported: readonly DoraDeployment[],
  reportedIncidents: readonly DoraIncident[],
  attributionHorizonMs: number = DEFAULT_ATTRIBUTION_HORIZON_MS,
): AnalysedHistory {
  const repeated = repeatedRollbacks(reported);
  const deployments = withoutRepeats(reported, repeated);
  const incidents = reportedIncidents.map(incident => {
    const kept =
      incident.deploymentId === undefined
        ? undefined
        : repeated.get(incident.deploymentId);
    return kept ? { ...incident, deploymentId: kept } : incident;
  });
  const placed = deployments.flatMap(deployment => {
    const at = deploymentTime(deployment);
    return at !== undefined && isProduction(deployment)
      ? [{ at, deployment }]
      : [];
  });
  const successful = placed.filter(e => e.deployment.status === 'succeeded');
  const evidence = indexFailureEvidence(deployments, incidents);
  const restorations = indexRestorations(successful);

  const outcomes: ProductionOutcome[] = [];
  for (const { at, deployment } of [...placed].sort(byTimeThenId)) {
    const cancelled = deployment.status === 'cancelled';
    if (!cancelled && !COUNTED_STATUSES.has(deployment.status)) continue;
    const reasons = cancelled
      ? []
      : failureReasons(deployment, at, evidence, attributionHorizonMs);
    const outcome: ProductionOutcome = {
      deployment,
      at,
      cancelled,
      succeeded: deployment.status === 'succeeded',
      rework: isReworkIntent(deployment.intent),
      failureReasons: reasons,
    };
    if (reasons.length > 0) {
      outcome.recoveryMs = recoveryTimeMs(
        deployment,
        at,
        {
          incidents: evidence.incidentsOf.get(deployment.id) ?? [],
          // Those that made it a failure: one called off, or begun beyond the attribution
          // horizon, says nothing about when it was noticed or restored.
          remediations: (
            evidence.remediationsOf.get(deployment.id) ?? []
          ).filter(r =>
            reasons.some(
              reason =>
                reason.kind === 'remediated' && reason.deploymentId === r.id,
            ),
          ),
        },
        restorations,
      );
    }
    outcomes.push(outcome);
  }
  return { outcomes, leadTimes: leadTimeSamples(successful) };
}

/**
 * Two reports of one rollback are at most this far apart: the rollout watcher's executor reports
 * when it triggers the rollback, the CD system when its sync finishes. A rollback an hour or
 * more later is another one, even when it undoes the same deployment (nothing was deployed in
 * between).
 */
export const REPEATED_ROLLBACK_WINDOW_MS = 60 * 60_000;

/**
 * One rollback, reported twice (the rollout watcher's executor and the CD system that carried
 * it out each report it), is one deployment. Successful rollbacks of the same
 * deployment in the same entity and environment (`rollbackOf`, named or inferred by the
 * rollback rule), restoring the same artifact where both say, and started within
 * `REPEATED_ROLLBACK_WINDOW_MS` of the first (by time, then id) are repeats of it. Returns each
 * repeat's id with the id of the report that counts; a rollback that failed is an attempt of
 * its own and never a repeat.
 */
export function repeatedRollbacks(
  deployments: readonly DoraDeployment[],
): Map<string, string> {
  const groups = new Map<
    string,
    Array<{ at: number; deployment: DoraDeployment }>
  >();
  for (const deployment of deployments) {
    const at = deploymentTime(deployment);
    if (
      deployment.intent !== 'rollback' ||
      deployment.status !== 'succeeded' ||
      deployment.rollbackOf === undefined ||
      at === undefined
    )
      continue;
    const key = JSON.stringify([
      deployment.entityRef,
      deployment.environment,
      deployment.rollbackOf,
    ]);
    const group = groups.get(key);
    if (group) group.push({ at, deployment });
    else groups.set(key, [{ at, deployment }]);
  }
  const repeats = new Map<string, string>();
  for (const group of groups.values()) {
    group.sort(byTimeThenId);
    let first = group[0];
    for (const next of group.slice(1)) {
      const a = first.deployment;
      const b = next.deployment;
      const sameArtifact =
        a.artifactDigest === undefined ||
        b.artifactDigest === undefined ||
        a.artifactDigest === b.artifactDigest;
      const startOf = (e: { at: number; deployment: DoraDeployment }) =>
        e.deployment.startedAt ?? e.at;
      if (
        sameArtifact &&
        // Either may have started first: the group is in order of finishing.
        Math.abs(startOf(next) - startOf(first)) < REPEATED_ROLLBACK_WINDOW_MS
      ) {
        repeats.set(b.id, a.id);
      } else {
        first = next;
      }
    }
  }
  return repeats;
}

/**
 * The deployments without the repeats, references to a repeat (`rollbackOf`, `replaces`)
 * moved to the report that counts, so that what names either report names the one counted.
 */
function withoutRepeats(
  deployments: readonly DoraDeployment[],
  repeats: ReadonlyMap<string, string>,
): DoraDeployment[] {
  if (repeats.size === 0) return [...deployments];
  const kept = (id: string | undefined) =>
    id === undefined ? undefined : repeats.get(id) ?? id;
  return deployments
    .filter(d => !repeats.has(d.id))
    .map(d => {
      const rollbackOf = kept(d.rollbackOf);
      const replaces = kept(d.replaces);
      return rollbackOf === d.rollbackOf && replaces === d.replaces
        ? d
        : { ...d, rollbackOf, replaces };
    });
}
