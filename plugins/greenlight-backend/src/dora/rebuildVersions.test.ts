import { createTestDatabases } from '@greenlight/test-utils';
import { applyMigrations } from '../database/migrations';
import { RollupRebuild } from './DoraStore';
import { KnexDoraStore } from './KnexDoraStore';

const ref = 'component:default/cart';

describe('replaceRollups', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'on %p, a rebuild of an older version never replaces a newer one',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const store = new KnexDoraStore(knex);
      await store.markStale([{ entityRef: ref, fromDay: '2026-04-01' }]);
      const [older] = await store.staleEntitiesOf([ref]);
      // A deployment arrives while the older rebuild is still reading the history.
      await store.markStale([{ entityRef: ref, fromDay: '2026-04-02' }]);
      const [newer] = await store.staleEntitiesOf([ref]);
      expect(newer.version).toBeGreaterThan(older.version);
      const rebuild = (
        seen: typeof older,
        deployments: number,
      ): RollupRebuild => ({
        entityRef: ref,
        fromDay: seen.fromDay,
        version: seen.version,
        rollups: [],
        facts: {
          deployments,
          productionDeployments: deployments,
          pendingCommitDays: {},
        },
      });
      // The newer rebuild (which counted two deployments) writes first, the older one after.
      await store.replaceRollups(rebuild(newer, 2));
      await store.replaceRollups(rebuild(older, 1));
      const [facts] = await store.loadFacts([ref]);
      expect(facts.deployments).toBe(2);
      expect(await store.staleEntitiesOf([ref])).toEqual([]);
      // The same version again (the daily reconcile) still writes.
      await store.replaceRollups(rebuild(newer, 3));
      expect((await store.loadFacts([ref]))[0].deployments).toBe(3);
      await knex.destroy();
    },
  );
});
