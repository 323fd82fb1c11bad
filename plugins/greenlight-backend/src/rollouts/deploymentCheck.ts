import { ConflictError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';

/**
 * A rollout may only watch a deployment the ledger holds, of the entity and environment it
 * names, and still in flight: otherwise a token could aim the watcher (and its rollbacks) at
 * any deployment id it likes.
 */
export async function assertDeploymentInFlight(
  ledger: Knex,
  target: { deploymentId: string; entityRef: string; environment: string },
): Promise<void> {
  const row = await ledger('deployments')
    .select('entity_ref', 'environment', 'status')
    .where('id', target.deploymentId)
    .first();
  const sameEntity =
    row?.entity_ref?.toLocaleLowerCase('en-US') ===
    target.entityRef.toLocaleLowerCase('en-US');
  if (!row || !sameEntity || row.environment !== target.environment) {
    throw new NotFoundError(
      `deploymentId: the ledger holds no deployment ${target.deploymentId} of ${target.entityRef} in ${target.environment}`,
    );
  }
  if (row.status !== 'started') {
    throw new ConflictError(
      `deploymentId: deployment ${target.deploymentId} is ${row.status}, no longer in flight`,
    );
  }
}
