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
  incidents: readonly DoraIncident[],
  attributionHorizonMs: number = DEFAULT_ATTRIBUTION_HORIZON_MS,
): AnalysedHistory {
  const deployments = withoutRepeatedRollbacks(reported);
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
          remediations: evidence.remediationsOf.get(deployment.id) ?? [],
        },
        restorations,
      );
    }
    outcomes.push(outcome);
  }
  return { outcomes, leadTimes: leadTimeSamples(successful) };
}

/**
 * One rollback, reported twice (the rollout watcher's executor and the CD system that carried
 * it out each report it), is one deployment: of the successful production rollbacks that undo
 * the same deployment in the same entity and environment (`rollbackOf`, named or inferred by
 * the rollback rule), the first (by time, then id) counts and the others are left out of every
 * metric. A deployment is undone once; a rollback that failed is an attempt of its own and
 * stays.
 */
export function withoutRepeatedRollbacks(
  deployments: readonly DoraDeployment[],
): DoraDeployment[] {
  const firsts = new Map<string, { at: number; deployment: DoraDeployment }>();
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
    const first = firsts.get(key);
    if (!first || byTimeThenId({ at, deployment }, first) < 0)
      firsts.set(key, { at, deployment });
  }
  return deployments.filter(
    d =>
      d.intent !== 'rollback' ||
      d.status !== 'succeeded' ||
      d.rollbackOf === undefined ||
      deploymentTime(d) === undefined ||
      firsts.get(JSON.stringify([d.entityRef, d.environment, d.rollbackOf]))
        ?.deployment === d,
  );
}
