import {
  deploymentTime,
  DoraReworkIntent,
  isReworkIntent,
} from './deployments';
import { DoraDeployment, DoraIncident } from './types';
import { MS_PER_DAY } from './time';

/** @public */
export const DEFAULT_ATTRIBUTION_HORIZON_MS = 7 * MS_PER_DAY;

/**
 * Why a production deployment counts as a failed change. A deployment can have
 * several reasons but is counted once.
 *
 * @public
 */
export type DoraFailureReason =
  | { kind: 'status'; status: 'failed' | 'rolled-back' }
  | { kind: 'slo-gate-failed' }
  | {
      kind: 'remediated';
      /** The deployment that rolled back, reverted or hotfixed this one. */
      deploymentId: string;
      link: 'rollbackOf' | 'replaces';
      intent: DoraReworkIntent;
    }
  | { kind: 'incident'; incidentId: string };

export interface FailureIndex {
  remediationsOf: Map<string, DoraDeployment[]>;
  incidentsOf: Map<string, DoraIncident[]>;
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Indexes explicit links only. A failure is never inferred from the nearest
 * previous deployment, because that blames whatever happened to ship last.
 */
export function indexFailureEvidence(
  deployments: readonly DoraDeployment[],
  incidents: readonly DoraIncident[],
): FailureIndex {
  const remediationsOf = new Map<string, DoraDeployment[]>();
  for (const d of deployments) {
    if (!isReworkIntent(d.intent)) continue;
    if (d.rollbackOf !== undefined) push(remediationsOf, d.rollbackOf, d);
    if (d.replaces !== undefined && d.replaces !== d.rollbackOf) {
      push(remediationsOf, d.replaces, d);
    }
  }
  const incidentsOf = new Map<string, DoraIncident[]>();
  for (const incident of incidents) {
    if (incident.deploymentId !== undefined) {
      push(incidentsOf, incident.deploymentId, incident);
    }
  }
  return { remediationsOf, incidentsOf };
}

/** Reasons are listed in id order so results never depend on input order. */
function byIdOrder<T extends { id: string }>(items: readonly T[] = []): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : Number(a.id > b.id)));
}

/**
 * All reasons a production deployment that finished at `at` is a failed
 * change; empty when it is not.
 */
export function failureReasons(
  deployment: DoraDeployment,
  at: number,
  index: FailureIndex,
  attributionHorizonMs: number,
): DoraFailureReason[] {
  const reasons: DoraFailureReason[] = [];
  if (deployment.status === 'failed' || deployment.status === 'rolled-back') {
    reasons.push({ kind: 'status', status: deployment.status });
  }
  if (deployment.gateFailed) reasons.push({ kind: 'slo-gate-failed' });
  // A rollback restores what ran before: it is a recovery, not a change. What later rolls it
  // back or replaces it (Argo CD records a sync forward to the fixed release as a rollback
  // of the rollback; a hotfix names what runs) does not make it a failed change; its own
  // status, gate and incidents still do.
  const remediations =
    deployment.intent === 'rollback'
      ? []
      : byIdOrder(index.remediationsOf.get(deployment.id));
  for (const r of remediations) {
    // A remediation is dated by when it was started: that is when someone
    // decided the change was bad, even if the rollback took long to finish.
    const remediatedAt = r.startedAt ?? deploymentTime(r);
    if (!isReworkIntent(r.intent)) continue;
    // A cancelled attempt was called off: it is not evidence that the change
    // was bad (and is outside the rework rate too). One still in flight or
    // one that failed is: someone decided to undo the change.
    if (r.status === 'cancelled') continue;
    if (r.id === deployment.id || remediatedAt === undefined) continue;
    if (remediatedAt > at + attributionHorizonMs) continue;
    reasons.push({
      kind: 'remediated',
      deploymentId: r.id,
      link: r.rollbackOf === deployment.id ? 'rollbackOf' : 'replaces',
      intent: r.intent,
    });
  }
  for (const incident of byIdOrder(index.incidentsOf.get(deployment.id))) {
    reasons.push({ kind: 'incident', incidentId: incident.id });
  }
  return reasons;
}
