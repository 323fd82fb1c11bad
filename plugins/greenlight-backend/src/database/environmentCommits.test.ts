import { createTestDatabases } from '@greenlight/test-utils';
import { applyMigrations } from './migrations';
import { refreshEnvironmentCommits } from './projectionWriter';

// Migrations on a fresh PostgreSQL database alone can take seconds on a busy CI runner.
jest.setTimeout(60_000);

const SHA = 'c'.repeat(40);
const OTHER = 'd'.repeat(40);

function deployment(
  id: string,
  environment: string,
  sortTime: number,
  status = 'succeeded',
) {
  return {
    id,
    entity_ref: 'component:default/svc',
    environment,
    strategy: 'all-at-once',
    status,
    intent: 'planned',
    sort_time: sortTime,
  };
}

describe('refreshEnvironmentCommits', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    "on %p, keeps each commit's earliest successful deployment per environment, and follows changes",
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      await knex('deployments').insert([
        deployment('p-late', 'production', 300),
        // Two at the same moment: the smaller id in code point order wins ("B" < "a").
        deployment('p-a', 'production', 200),
        deployment('p-B', 'production', 200),
        deployment('p-failed', 'production', 100, 'failed'),
        deployment('s-1', 'staging', 50),
        { ...deployment('unmapped', 'production', 10), entity_ref: null },
      ]);
      await knex('deployment_commits').insert([
        ...['p-late', 'p-a', 'p-B', 'p-failed', 's-1', 'unmapped'].map(id => ({
          deployment_id: id,
          commit_sha: SHA,
        })),
        { deployment_id: 'p-late', commit_sha: OTHER },
      ]);
      const refresh = (shas: string[]) =>
        knex.transaction(tx => refreshEnvironmentCommits(tx, shas));
      const stored = async () =>
        (
          await knex('environment_commits').orderBy([
            'commit_sha',
            'environment',
          ])
        ).map(r => [
          r.environment,
          r.commit_sha,
          r.first_deployment_id,
          Number(r.first_time),
        ]);

      await refresh([SHA, OTHER, SHA]);
      expect(await stored()).toEqual([
        ['production', SHA, 'p-B', 200],
        ['staging', SHA, 's-1', 50],
        ['production', OTHER, 'p-late', 300],
      ]);

      // The first arrival is rolled back: the next one takes its place.
      await knex('deployments')
        .whereIn('id', ['p-B', 'p-a'])
        .update({ status: 'rolled_back' });
      await refresh([SHA]);
      expect(await stored()).toEqual([
        ['production', SHA, 'p-late', 300],
        ['staging', SHA, 's-1', 50],
        ['production', OTHER, 'p-late', 300],
      ]);

      // No successful deployment of the commit is left in staging: its row goes; the other
      // commit, not refreshed, stays as it was.
      await knex('deployments').where('id', 's-1').update({ status: 'failed' });
      await refresh([SHA]);
      expect(await stored()).toEqual([
        ['production', SHA, 'p-late', 300],
        ['production', OTHER, 'p-late', 300],
      ]);

      await refresh([]);
      expect(await stored()).toHaveLength(2);
    },
  );
});
