import { deploymentTime, isProduction } from './deployments';
import { utcDayKey } from './time';
import { DoraDeployment, DoraIncident } from './types';

/** @public */
export interface DoraStaleRollups {
  entityRef: string;
  /** Rollups of this entity on this UTC day (`YYYY-MM-DD`) and later are stale. */
  fromDay: string | null;
}

function isDeployment(
  event: DoraDeployment | DoraIncident,
): event is DoraDeployment {
  return 'environment' in event;
}

/**
 * Which stored daily rollups an arriving or changed event makes stale, so the
 * backend rebuilds only those. `fromDay: null` means all of the entity's days.
 *
 * A deployment's failure, its recovery and which deployment first shipped a
 * commit can be decided after its day, so an event reaches back to:
 * the deployments it names (a remediation's `rollbackOf` / `replaces`, an
 * incident's `deploymentId`); and, for a deployment, the previous successful
 * production deployment of its entity and environment, because every failure
 * since then may now recover at this deployment; and also to any deployment
 * there whose failure was noticed since then (an attributed incident detected
 * after that success), which only a later deployment can restore.
 *
 * @param deployments - the full deployment history including the change
 * @param changed - new events, and both the old and new version of updated ones
 * @param incidents - attributed incidents; those detected since a changed
 *   deployment's previous success must be here with their deployment
 * @public
 */
export function staleRollupDays(
  deployments: readonly DoraDeployment[],
  changed: ReadonlyArray<DoraDeployment | DoraIncident>,
  incidents: readonly DoraIncident[] = [],
): DoraStaleRollups[] {
  const byId = new Map(deployments.map(d => [d.id, d]));
  const from = new Map<string, number | null>();
  const mark = (entityRef: string, time: number | null) => {
    const current = from.get(entityRef);
    if (current === null) return;
    from.set(
      entityRef,
      time === null || current === undefined ? time : Math.min(current, time),
    );
  };
  const markDeployment = (id: string | undefined) => {
    const target = id === undefined ? undefined : byId.get(id);
    const time = target && deploymentTime(target);
    if (target && time !== undefined) mark(target.entityRef, time);
  };

  for (const event of changed) {
    if (!isDeployment(event)) {
      markDeployment(event.deploymentId);
      continue;
    }
    markDeployment(event.rollbackOf);
    markDeployment(event.replaces);
    const time = deploymentTime(event);
    if (time === undefined || !isProduction(event)) continue;
    let previousSuccess: number | null = null;
    for (const d of deployments) {
      const t = deploymentTime(d);
      if (
        d.id !== event.id &&
        t !== undefined &&
        t <= time &&
        isProduction(d) &&
        d.status === 'succeeded' &&
        d.entityRef === event.entityRef &&
        d.environment === event.environment &&
        (previousSuccess === null || t > previousSuccess)
      ) {
        previousSuccess = t;
      }
    }
    mark(event.entityRef, previousSuccess);
    // A failure noticed after that success is restored only by a later deployment.
    for (const incident of incidents) {
      const failed = incident.deploymentId && byId.get(incident.deploymentId);
      if (
        failed &&
        failed.entityRef === event.entityRef &&
        failed.environment === event.environment &&
        incident.detectedAt <= time &&
        (previousSuccess === null || incident.detectedAt >= previousSuccess)
      ) {
        markDeployment(failed.id);
      }
    }
  }
  return [...from.entries()]
    .map(([entityRef, time]) => ({
      entityRef,
      fromDay: time === null ? null : utcDayKey(time),
    }))
    .sort((a, b) => (a.entityRef < b.entityRef ? -1 : 1));
}
