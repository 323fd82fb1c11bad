import { DoraChangeIntent, DoraDeployment } from './types';

/**
 * When a deployment counts as having happened: its finish, or its start when
 * the finish was never reported (e.g. some cancellations). A deployment with
 * neither cannot be placed in any window and is ignored.
 */
export function deploymentTime(deployment: DoraDeployment): number | undefined {
  return deployment.finishedAt ?? deployment.startedAt;
}

export function isProduction(deployment: DoraDeployment): boolean {
  return deployment.tier === 'production';
}

/** @public */
export type DoraReworkIntent = Exclude<DoraChangeIntent, 'planned'>;

/**
 * Intents that mean "this deployment is remediation work, not planned change".
 *
 * @public
 */
export function isReworkIntent(
  intent: DoraChangeIntent,
): intent is DoraReworkIntent {
  return intent === 'hotfix' || intent === 'rollback' || intent === 'revert';
}

/**
 * Statuses of the deployments that change fail rate and rework rate are
 * computed over: the ones that reached a verdict. Cancelled deployments are
 * reported separately; started ones have not finished.
 */
export const COUNTED_STATUSES: ReadonlySet<DoraDeployment['status']> = new Set([
  'succeeded',
  'failed',
  'rolled-back',
]);

/** Groups items by a key, keeping input order inside each group. */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string) {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Orders deployments by time, then id, so results never depend on input order. */
export function byTimeThenId(
  a: { at: number; deployment: DoraDeployment },
  b: { at: number; deployment: DoraDeployment },
): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.deployment.id === b.deployment.id) return 0;
  return a.deployment.id < b.deployment.id ? -1 : 1;
}
