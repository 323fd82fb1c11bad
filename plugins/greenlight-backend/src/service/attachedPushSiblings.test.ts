import { mockServices } from '@backstage/backend-test-utils';
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { createTestDatabases } from '@greenlight/test-utils';
import { KnexLedgerStore } from '../database/KnexLedgerStore';
import { applyMigrations } from '../database/migrations';
import { GITHUB_WEBHOOK_SOURCE } from '../ingest/github/sourceId';
import { EntityResolver, githubSlugOf, MappingKeys } from './EntityResolver';
import { IngestService } from './IngestService';

jest.setTimeout(120_000);

const API = 'component:default/mono-api';
const WORKER = 'component:default/mono-worker';
const OTHER = 'component:default/other';
const SHA = 'ab'.repeat(20);

/** The catalog as the resolver sees it: which entities name which repository, changed by the test. */
function catalog() {
  const naming = new Map<string, string[]>();
  const resolver: EntityResolver = {
    async resolve(keys: MappingKeys) {
      if (keys.entityRef) return keys.entityRef;
      const slug = keys.repository ? githubSlugOf(keys.repository) : undefined;
      return (slug && naming.get(slug)?.[0]) ?? null;
    },
    async entitiesNamingRepository(repository: string) {
      return naming.get(githubSlugOf(repository) ?? '') ?? [];
    },
  };
  return { naming, resolver };
}

const push = (): Extract<GreenlightEvent, { type: 'commits' }> => ({
  id: 'push-1',
  type: 'commits',
  repository: 'github.com/acme/mono',
  commits: [
    {
      sha: SHA,
      repository: 'github.com/acme/mono',
      committedAt: '2026-06-01T08:00:00Z',
      author: 'dev@example.com',
      title: 'Add the worker',
    },
  ],
});

describe('a GitHub push attached after it arrived', () => {
  const databases = createTestDatabases();

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await applyMigrations(knex);
    const { naming, resolver } = catalog();
    const ingest = new IngestService(
      new KnexLedgerStore(knex),
      resolver,
      mockServices.logger.mock(),
    );
    /** The scheduled task's run: resolves what is unmapped against the catalog of now. */
    const attach = () =>
      ingest.attachUnmapped(
        keys => Promise.all(keys.map(k => resolver.resolve(k))),
        100,
      );
    return { knex, naming, ingest, attach };
  }

  it.each(databases.eachSupportedId())(
    'reaches every entity naming its repository, as on arrival, on %p',
    async databaseId => {
      const { knex, naming, ingest, attach } = await setup(databaseId);
      const heard: string[] = [];
      ingest.onApplied(async rows => {
        heard.push(...rows.map(r => `${r.id} ${r.entityRef}`));
      });
      const first = await ingest.ingest({
        source: GITHUB_WEBHOOK_SOURCE,
        events: [push()],
        actor: 'webhook:github',
      });
      expect(first.unmapped).toBe(1);
      expect(Number((await knex('commits').count({ n: '*' }))[0].n)).toBe(0);

      // Both entities of the monorepo name it now.
      naming.set('acme/mono', [API, WORKER]);
      heard.length = 0;
      expect(await attach()).toBe(1);
      expect(
        await knex('commits')
          .orderBy('entity_ref')
          .select('sha', 'entity_ref', 'author'),
      ).toEqual([
        { sha: SHA, entity_ref: API, author: 'dev@example.com' },
        { sha: SHA, entity_ref: WORKER, author: 'dev@example.com' },
      ]);
      // The copy is a new event, heard by the features as any (DORA marks its deployments).
      expect(heard).toEqual([
        expect.stringMatching(
          new RegExp(`^github:push-1#[0-9a-f]{16} ${WORKER}$`),
        ),
      ]);

      // Nothing is left to attach, and a later delivery of the push is two duplicates.
      expect(await attach()).toBe(0);
      const again = await ingest.ingest({
        source: GITHUB_WEBHOOK_SOURCE,
        events: [push()],
        actor: 'webhook:github',
      });
      expect(again).toMatchObject({ accepted: 0, duplicates: 2 });
      expect(Number((await knex('events').count({ n: '*' }))[0].n)).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'waits for the next run when its entities cannot be listed, while other events attach, on %p',
    async databaseId => {
      const { knex, naming, ingest, attach } = await setup(databaseId);
      await ingest.ingest({
        source: GITHUB_WEBHOOK_SOURCE,
        events: [push()],
        actor: 'webhook:github',
      });
      // Another event that matched no entity on arrival, from a pipeline.
      const other = {
        ...push(),
        id: 'other-1',
        repository: 'github.com/acme/other',
        commits: [
          { ...push().commits[0], repository: 'github.com/acme/other' },
        ],
      } as GreenlightEvent;
      await ingest.ingest({
        source: 'native',
        events: [other],
        actor: 'service:platform',
      });
      naming.set('acme/mono', [API, WORKER]);
      naming.set('acme/other', [OTHER]);
      // The catalog fails while the push's copies are made: the push is neither attached nor
      // copied; the other event attaches.
      const { resolver } = ingest as unknown as {
        resolver: { entitiesNamingRepository(r: string): Promise<string[]> };
      };
      const working = resolver.entitiesNamingRepository;
      resolver.entitiesNamingRepository = async () => {
        throw new Error('catalog unavailable');
      };
      expect(await attach()).toBe(1);
      expect(await knex('events').whereNull('entity_ref').pluck('id')).toEqual([
        'github:push-1',
      ]);
      expect(
        await knex('commits').where('entity_ref', '<>', '').pluck('entity_ref'),
      ).toEqual([OTHER]);

      resolver.entitiesNamingRepository = working;
      expect(await attach()).toBe(1);
      expect(
        await knex('commits')
          .whereIn('entity_ref', [API, WORKER])
          .orderBy('entity_ref')
          .pluck('entity_ref'),
      ).toEqual([API, WORKER]);
    },
  );

  it.each(databases.eachSupportedId())(
    'is not copied when it came from a pipeline, whose events name the entity they are for, on %p',
    async databaseId => {
      const { knex, naming, ingest, attach } = await setup(databaseId);
      await ingest.ingest({
        source: 'native',
        events: [push()],
        actor: 'service:platform',
      });
      naming.set('acme/mono', [API, WORKER]);
      expect(await attach()).toBe(1);
      // The unmatched row the pipeline's event left stays, read by entities without their own.
      expect(
        await knex('commits').orderBy('entity_ref').pluck('entity_ref'),
      ).toEqual(['', API]);
    },
  );
});
