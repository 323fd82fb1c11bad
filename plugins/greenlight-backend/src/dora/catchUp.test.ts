import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DoraMetrics, GreenlightEvent, MS_PER_DAY } from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { DEFAULT_ENVIRONMENTS } from '../config';
import { KnexLedgerStore } from '../database/KnexLedgerStore';
import { applyMigrations } from '../database/migrations';
import { IngestService } from '../service/IngestService';
import { commits, deployment } from './__testUtils__/doraBackend';
import { IncidentFindings } from './dataQuality';
import { readDoraSettings } from './doraConfig';
import { doraReport } from './doraReport';
import { GateFailures } from './gateFailures';
import { RollupRebuild } from './DoraStore';
import { KnexDoraStore } from './KnexDoraStore';
import { tierResolver } from './ledgerInputs';
import { RollupRefresher } from './RollupRefresher';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const ENTITY = 'component:default/shop';
const WINDOW = { from: Date.parse('2026-06-01T00:00:00Z'), to: Date.parse('2026-06-15T00:00:00Z') };

/** Maps `entityRef` keys only once `known` says so, like a catalog that learns an entity late. */
function lateResolver(known: Set<string>) {
  return {
    async resolve(keys: { entityRef?: string }) {
      return keys.entityRef && known.has(keys.entityRef) ? keys.entityRef : null;
    },
    async resolveAll(all: Array<{ entityRef?: string }>) {
      return Promise.all(all.map(keys => this.resolve(keys)));
    },
  };
}

async function setup(knex: Knex, dora: object = {}, store = new KnexDoraStore(knex)) {
  await applyMigrations(knex);
  const known = new Set([ENTITY]);
  const ledger = new KnexLedgerStore(knex);
  const ingest = new IngestService(ledger, lateResolver(known), mockServices.logger.mock());
  const refresher = (config: object) =>
    new RollupRefresher({
      knex,
      store,
      tierOf: tierResolver(DEFAULT_ENVIRONMENTS),
      productionEnvironments: ['production'],
      settings: readDoraSettings(new ConfigReader({ greenlight: { dora: config } })),
      logger: mockServices.logger.mock(),
      gateFailures: new GateFailures(knex),
    });
  const current = refresher(dora);
  ingest.onApplied(rows => current.onEvents(rows));
  ingest.onAttached(rows => current.onEvents(rows));
  const post = (events: GreenlightEvent[]) => ingest.ingest({ source: 'native', events, actor: 'service:test' });
  const metrics = async (entityRef = ENTITY): Promise<DoraMetrics> =>
    (
      await doraReport(
        { store, incidents: new IncidentFindings(knex) },
        { kind: 'entity', ref: entityRef, entityRefs: [entityRef] },
        WINDOW,
        'week',
        {},
      )
    ).current;
  return { ledger, ingest, store, known, post, metrics, refresher, current };
}

describe('rollups catch up with what ingestion alone does not tell them', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('when the attribution horizon changes, on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    const { post, metrics, refresher, current } = await setup(knex);
    await post([
      deployment('d1', 'shop', 'production', 'succeeded', '2026-06-02T10:00:00Z'),
      // Three days later: within the default 7 days, beyond a 1-day horizon.
      deployment('d1-fix', 'shop', 'production', 'succeeded', '2026-06-05T10:00:00Z', { intent: 'hotfix', replaces: 'd1' }),
    ]);
    await current.run();
    expect((await metrics()).changeFailRate.numerator).toBe(1);

    await refresher({ attributionHorizon: '1d' }).run();
    expect((await metrics()).changeFailRate.numerator).toBe(0);
  });

  it.each(databases.eachSupportedId())('when deployments are attached to an entity later, on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    const { ledger, known, post, metrics, current } = await setup(knex);
    await post([deployment('late-1', 'newcomer', 'production', 'succeeded', '2026-06-03T10:00:00Z')]);
    await current.run();
    expect((await metrics('component:default/newcomer')).deploymentFrequency.count).toBe(0);

    known.add('component:default/newcomer');
    const resolver = lateResolver(known);
    expect(await ledger.attachUnmapped(keys => resolver.resolveAll(keys), 100)).toHaveLength(1);
    await current.run();
    expect((await metrics('component:default/newcomer')).deploymentFrequency.count).toBe(1);
  });

  it.each(databases.eachSupportedId())('when a push that matched no entity is attached to one later, on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    const { ingest, post, metrics, current } = await setup(knex);
    await post([deployment('d1', 'shop', 'production', 'succeeded', '2026-06-03T10:00:00Z', { commits: ['c1'] })]);
    // The push of a repository no entity named yet: it leaves no commit details for anyone.
    const push = commits('shop', [['c1', '2026-06-03T08:00:00Z']]);
    delete (push as { entityRef?: string }).entityRef;
    await ingest.ingest({ source: 'github', events: [push], actor: 'webhook:github' });
    await current.run();
    expect((await metrics()).changeLeadTime.n).toBe(0);

    // Once the entity names the repository, the push is attached and its commit counts.
    expect(await ingest.attachUnmapped(async keys => keys.map(() => ENTITY), 100)).toBe(1);
    await current.run();
    expect((await metrics()).changeLeadTime.n).toBe(1);
  });

  it.each(databases.eachSupportedId())('when a rollout is rolled back by its gates, on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    const { post, metrics, current } = await setup(knex);
    await post([deployment('canary-1', 'shop', 'production', 'succeeded', '2026-06-04T10:00:00Z')]);
    await current.run();
    expect((await metrics()).changeFailRate.numerator).toBe(0);

    await knex('rollouts').insert({
      id: 'r1',
      deployment_id: 'canary-1',
      entity_ref: ENTITY,
      environment: 'production',
      strategy: 'canary',
      state: 'rolled-back',
      gates: '[]',
      gate_source: 'test',
      gate_states: '{}',
      started_at: WINDOW.from,
      updated_at: Date.now(),
    });
    await current.run();
    expect((await metrics()).changeFailRate.numerator).toBe(1);
  });

  it.each(databases.eachSupportedId())(
    "when a commit's time arrives after its deployments, from the first of them, on %p",
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { post, metrics, current } = await setup(knex);
      // c1 reaches production on 3 June and is deployed again on 5 June; its time is unknown.
      await post([
        deployment('d1', 'shop', 'production', 'succeeded', '2026-06-03T10:00:00Z', { commits: ['c1'] }),
        deployment('d2', 'shop', 'production', 'succeeded', '2026-06-05T10:00:00Z', { commits: ['c1'] }),
      ]);
      await current.run();
      expect((await metrics()).changeLeadTime.n).toBe(0);

      // Committed two hours before the first deployment finished: the lead time is measured
      // on 3 June's rollup, so the entity must be rebuilt from the first deployment's day
      // (from the last one's, 5 June, it would still count nothing).
      await post([commits('shop', [['c1', '2026-06-03T08:00:00Z']])]);
      await current.run();
      const { changeLeadTime } = await metrics();
      expect(changeLeadTime.n).toBe(1);
      expect(changeLeadTime.medianMs).toBeCloseTo(2 * 3_600_000, -5);
    },
  );

  it.each(databases.eachSupportedId())('when a mark was lost, within a day, on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    const { post, metrics, current } = await setup(knex);
    await post([deployment('d1', 'shop', 'production', 'succeeded', '2026-06-02T10:00:00Z')]);
    await current.run();
    // As if a listener had failed after its batch was committed, a day ago.
    await knex('dora_daily_rollups').delete();
    await knex('dora_weekly_rollups').delete();
    expect((await metrics()).deploymentFrequency.count).toBe(0);
    await current.run();
    expect((await metrics()).deploymentFrequency.count).toBe(0);

    await knex('dora_entities').update({ rebuilt_at: Date.now() - 2 * MS_PER_DAY });
    await current.run();
    expect((await metrics()).deploymentFrequency.count).toBe(1);
  });

  it.each(databases.eachSupportedId())(
    'when events keep arriving during a run, rebuilding each entity once per run, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      /** Calls `afterReplace` once each entity's rollups are written. */
      class StreamingStore extends KnexDoraStore {
        afterReplace: () => Promise<void> = async () => {};
        async replaceRollups(rebuild: RollupRebuild) {
          await super.replaceRollups(rebuild);
          await this.afterReplace();
        }
      }
      const store = new StreamingStore(knex);
      const { post, metrics, current } = await setup(knex, {}, store);
      // After each of its first three rebuilds, a real batch for the same service is committed,
      // as a pipeline streaming events while the task runs would.
      const arriving = ['d2', 'd3', 'd4'];
      store.afterReplace = async () => {
        const next = arriving.shift();
        if (next) await post([deployment(next, 'shop', 'production', 'succeeded', `2026-06-0${next.slice(1)}T10:00:00Z`)]);
      };
      await post([deployment('d1', 'shop', 'production', 'succeeded', '2026-06-01T10:00:00Z')]);

      // One rebuild per run; the batch committed during it is left to the next run.
      expect((await current.run({ reconcile: 0 })).rebuilt).toBe(1);
      expect((await store.staleEntitiesOf([ENTITY])).map(e => e.entityRef)).toEqual([ENTITY]);
      expect((await current.run({ reconcile: 0 })).rebuilt).toBe(1);
      expect((await current.run({ reconcile: 0 })).rebuilt).toBe(1);
      expect((await current.run({ reconcile: 0 })).rebuilt).toBe(1);
      // Nothing arrived during the fourth: the rollups count all four deployments.
      expect(await store.staleEntitiesOf([ENTITY])).toEqual([]);
      expect((await current.run({ reconcile: 0 })).rebuilt).toBe(0);
      expect((await metrics()).deploymentFrequency.count).toBe(4);
    },
  );
});
