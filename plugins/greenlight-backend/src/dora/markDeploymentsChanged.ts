import { Knex } from 'knex';
import { EnvironmentConfig } from '../config';
import { KnexDoraStore } from './KnexDoraStore';
import { tierResolver } from './ledgerInputs';
import { changesOfDeployments, staleMarksFor } from './staleMarks';

/**
 * Marks the DORA rollups a changed deployment affects as stale, for changes that do not come
 * through ingestion (e.g. a rollout recording that an SLO gate failed). The scheduled
 * rollup task rebuilds them within a minute; rolled-back rollouts are also picked up on
 * their own, so calling this only makes it sooner.
 */
export async function markDeploymentsChanged(
  knex: Knex,
  environments: EnvironmentConfig[],
  deploymentIds: string[],
): Promise<void> {
  const changes = await changesOfDeployments(knex, deploymentIds);
  await new KnexDoraStore(knex).markStale(await staleMarksFor(knex, tierResolver(environments), changes));
}
