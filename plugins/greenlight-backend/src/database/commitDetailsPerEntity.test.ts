import { ingestByEntityRef } from '../__testUtils__/ingestByEntityRef';
import { mockServices } from '@backstage/backend-test-utils';
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { createTestDatabases } from '@greenlight/test-utils';
import { Knex } from 'knex';
import { loadEntityHistory } from '../dora/entityHistory';
import { GateFailures } from '../dora/gateFailures';
import { LedgerFacts } from '../governance/ledgerFacts';
import { KnexTraceabilityStore } from '../provenance/store/KnexTraceabilityStore';
import { IngestService } from '../service/IngestService';
import { KnexLedgerStore } from './KnexLedgerStore';
import { applyMigrations } from './migrations';

jest.setTimeout(120_000);

const A = 'component:default/team-a-service';
const B = 'component:default/team-b-service';
/** B's next commit, which A learns before B deploys it. */
const SHA = 'be'.repeat(20);

const commits = (
  id: string,
  entityRef: string,
  details: {
    committedAt: string;
    author: string;
    title: string;
    repository?: string;
  },
): GreenlightEvent => ({
  id,
  type: 'commits',
  entityRef,
  commits: [
    {
      sha: SHA,
      repository: details.repository ?? 'github.com/acme/b',
      committedAt: details.committedAt,
      author: details.author,
      title: details.title,
    },
  ],
});

const succeeded = (id: string, entityRef: string): GreenlightEvent => ({
  id: `${id}-finished`,
  type: 'deployment.finished',
  entityRef,
  deployment: {
    id,
    environment: 'production',
    status: 'succeeded',
    strategy: 'all-at-once',
    intent: 'planned',
    commitSha: SHA,
    startedAt: '2026-06-01T10:00:00Z',
    finishedAt: '2026-06-01T12:00:00Z',
  },
});

/** What every reader of a deployed commit's details shows for the deploying entity. */
async function detailsSeenBy(
  knex: Knex,
  entityRef: string,
  deploymentId: string,
) {
  const release = await new KnexLedgerStore(knex).getRelease(deploymentId);
  const history = await loadEntityHistory(
    knex,
    entityRef,
    () => 'production',
    new GateFailures(knex),
  );
  const [traced] = await new KnexTraceabilityStore(knex).commits(
    [SHA],
    entityRef,
  );
  return {
    release: release?.commits.map(c => [c.author, c.committedAt, c.title]),
    leadTimeFrom: history.deployments.find(d => d.id === deploymentId)
      ?.commitTimes,
    traced: traced ? [traced.author, traced.committedAt] : undefined,
    titles: await new LedgerFacts(knex).commitTitles([SHA], entityRef),
  };
}

/**
 * Commit details are facts a pipeline asserts. Before they were kept per entity, details of a
 * SHA were read by the SHA alone: a team that learnt another team's next commit could report
 * it first, under its own entity and repository, with an earlier time and a title of its
 * choosing, and move that team's lead time or reclassify its change. The check at write time
 * could not see it, because nobody had deployed the SHA yet.
 */
describe('commit details are read for the entity that reported them', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'so another team’s earlier report of the same SHA changes nothing the deploying team sees, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const ingest = ingestByEntityRef(knex);
      const send = (events: GreenlightEvent[]) =>
        ingest.ingest({
          source: 'native',
          actor: 'service:pipeline',
          events,
          authorize: async () => {},
        });

      // A reports B's SHA first, a year earlier, with a title the readiness rules would read.
      await send([
        commits('a-forged', A, {
          committedAt: '2025-06-01T10:00:00Z',
          author: 'mallory',
          title: 'chore: docs only',
          repository: 'github.com/acme/a',
        }),
      ]);
      // B deploys it before its own pipeline has reported the commit: no details yet.
      await send([succeeded('b-1', B)]);
      expect(await detailsSeenBy(knex, B, 'b-1')).toEqual({
        release: [[null, null, null]],
        leadTimeFrom: [],
        traced: undefined,
        titles: [],
      });

      // B's own report, which is what B's numbers read, whatever A reported earlier.
      await send([
        commits('b-own', B, {
          committedAt: '2026-06-01T08:00:00Z',
          author: 'bob',
          title: 'feat: new checkout',
        }),
      ]);
      expect(await detailsSeenBy(knex, B, 'b-1')).toEqual({
        release: [['bob', '2026-06-01T08:00:00.000Z', 'feat: new checkout']],
        leadTimeFrom: [Date.parse('2026-06-01T08:00:00Z')],
        traced: ['bob', '2026-06-01T08:00:00.000Z'],
        titles: ['feat: new checkout'],
      });

      // A's report still counts for A, should A deploy the SHA too.
      await send([succeeded('a-1', A)]);
      expect((await detailsSeenBy(knex, A, 'a-1')).leadTimeFrom).toEqual([
        Date.parse('2025-06-01T10:00:00Z'),
      ]);
      expect(
        await knex('commits')
          .where('sha', SHA)
          .orderBy('entity_ref')
          .pluck('entity_ref'),
      ).toEqual([A, B]);
    },
  );

  it.each(databases.eachSupportedId())(
    'and a SHA the entity reported under two spellings of its repository shows the earliest time, as lead time counts it, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const ingest = ingestByEntityRef(knex);
      await ingest.ingest({
        source: 'native',
        actor: 'service:pipeline',
        events: [
          commits('b-push', B, {
            committedAt: '2026-06-01T08:00:00Z',
            author: 'bob',
            title: 'feat: x',
          }),
          commits('b-cdevents', B, {
            committedAt: '2026-06-01T07:00:00Z',
            author: 'bob',
            title: 'feat: x',
            repository: 'https://github.com/acme/b',
          }),
          succeeded('b-1', B),
        ],
      });
      const seen = await detailsSeenBy(knex, B, 'b-1');
      expect(seen.release).toEqual([
        ['bob', '2026-06-01T07:00:00.000Z', 'feat: x'],
      ]);
      expect(seen.leadTimeFrom).toEqual([Date.parse('2026-06-01T07:00:00Z')]);
    },
  );

  it.each(databases.eachSupportedId())(
    'and a short SHA finds the entity’s own details, not unmatched ones of another commit sharing its prefix, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const row = (sha: string, entityRef: string, author: string) => ({
        sha,
        repository: 'github.com/acme/b',
        entity_ref: entityRef,
        committed_at: 1,
        author,
      });
      // Another commit whose SHA starts with the same seven characters, reported for nobody.
      const lookalike = `${SHA.slice(0, 7)}${'0'.repeat(33)}`;
      await knex('commits').insert([
        row(SHA, B, 'bob'),
        row(lookalike, '', 'mallory'),
      ]);
      const store = new KnexTraceabilityStore(knex);
      expect(
        (await store.commits([SHA.slice(0, 7)], B)).map(c => c.author),
      ).toEqual(['bob']);
      // An entity with none of its own sees the unmatched ones.
      expect(
        (await store.commits([SHA.slice(0, 7)], A)).map(c => c.author),
      ).toEqual(['mallory']);
    },
  );

  it.each(databases.eachSupportedId())(
    'and details of an event that matched no entity count for the entity it is attached to, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const known = new Set<string>();
      const store = new KnexLedgerStore(knex);
      const resolve = async (keys: { serviceId?: string }) =>
        keys.serviceId && known.has(keys.serviceId)
          ? `component:default/${keys.serviceId}`
          : null;
      const ingest = new IngestService(
        store,
        { resolve },
        mockServices.logger.mock(),
      );
      await ingest.ingest({
        source: 'native',
        actor: 'service:pipeline',
        events: [
          {
            ...commits('early', B, {
              committedAt: '2026-06-01T08:00:00Z',
              author: 'bob',
              title: 'feat: x',
            }),
            entityRef: undefined,
            serviceId: 'team-b-service',
          } as GreenlightEvent,
        ],
      });
      expect(
        await knex('commits').where('sha', SHA).pluck('entity_ref'),
      ).toEqual(['']);

      known.add('team-b-service');
      expect(
        await store.attachUnmapped(
          keys => Promise.all(keys.map(k => resolve(k))),
          100,
        ),
      ).toHaveLength(1);
      const [traced] = await new KnexTraceabilityStore(knex).commits([SHA], B);
      expect(traced?.author).toBe('bob');
      // The unmatched copy stays behind; no reader asks for entity ''.
      expect(
        await knex('commits')
          .where('sha', SHA)
          .orderBy('entity_ref')
          .pluck('entity_ref'),
      ).toEqual(['', B]);
      expect(await new KnexTraceabilityStore(knex).commits([SHA], '')).toEqual(
        [],
      );
    },
  );
});

/**
 * Two reports of one commit by one entity that describe it differently (its title edited
 * between two runs of the pipeline): the stored details are the later report's, whichever order
 * the two arrive in, and whichever commits first when they arrive at once.
 */
describe("an entity's later report of a commit holds", () => {
  const databases = createTestDatabases();
  const report = (
    id: string,
    time: string,
    title: string,
  ): GreenlightEvent => ({
    ...commits(id, B, {
      committedAt: '2026-06-01T08:00:00Z',
      author: 'bob',
      title,
    }),
    time,
  });
  const earlier = report(
    'b-report-1',
    '2026-06-01T09:00:00Z',
    'feat: checkout (draft)',
  );
  const later = report(
    'b-report-2',
    '2026-06-01T10:00:00Z',
    'feat: new checkout',
  );

  it.each(databases.eachSupportedId())(
    'whichever order the reports arrive in, one after the other or at once, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const orders: Array<
        ['apart' | 'together' | 'one batch', GreenlightEvent[]]
      > = [
        ['apart', [earlier, later]],
        ['apart', [later, earlier]],
        ['together', [earlier, later]],
        ['together', [later, earlier]],
        ['one batch', [later, earlier]],
      ];
      for (const [how, events] of orders) {
        await knex('events').delete();
        await knex('commits').delete();
        const ingest = ingestByEntityRef(knex);
        const send = (batch: GreenlightEvent[]) =>
          ingest.ingest({
            source: 'native',
            actor: 'service:pipeline',
            events: batch,
            authorize: async () => {},
          });
        if (how === 'apart') for (const e of events) await send([e]);
        else if (how === 'together')
          await Promise.all(events.map(e => send([e])));
        else await send(events);
        expect({
          how,
          first: events[0].id,
          rows: await knex('commits')
            .where('sha', SHA)
            .select('entity_ref', 'title', 'reported_by'),
        }).toEqual({
          how,
          first: events[0].id,
          rows: [
            {
              entity_ref: B,
              title: 'feat: new checkout',
              reported_by: 'native:b-report-2',
            },
          ],
        });
      }
    },
  );
});
