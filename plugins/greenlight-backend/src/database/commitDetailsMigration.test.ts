import { createTestDatabases } from '@greenlight/test-utils';
import { Knex } from 'knex';
import { applyMigrations, migrationsDir } from './migrations';

jest.setTimeout(120_000);

const A = 'component:default/a';
const B = 'component:default/b';
const REPO = 'github.com/acme/shop';
/** The migration under test; later ones are undone with it. */
const MIGRATION_VERSION = '20261208000000';

/** Undoes migrations until the schema is the one before `MIGRATION_VERSION`. */
async function downToBefore(knex: Knex) {
  while (
    (await knex.migrate.currentVersion({ directory: migrationsDir })) >=
    MIGRATION_VERSION
  ) {
    await knex.migrate.down({ directory: migrationsDir });
  }
}

/** Applies migrations up to and including `MIGRATION_VERSION`, and no later one. */
async function upToIncluding(knex: Knex) {
  while (
    (await knex.migrate.currentVersion({ directory: migrationsDir })) <
    MIGRATION_VERSION
  ) {
    await knex.migrate.up({ directory: migrationsDir });
  }
}

/**
 * The migration that keeps commit details per entity: the rows stored before stay for entities
 * that reported nothing, each reporting entity gets its own events' values, and every entity's
 * DORA rollups are rebuilt. The way back merges them again.
 */
describe('the commit details per entity migration', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'gives each reporting entity its own values and keeps the old rows for the others, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      // The schema before it, with rows as the old projection wrote them.
      await downToBefore(knex);
      const event = (
        id: string,
        entityRef: string | null,
        receivedAt: number,
        commits: Array<{ sha: string; committedAt: string; author: string }>,
      ) => ({
        id,
        source: 'native',
        type: 'commits',
        subject_key: `commits:${id}`,
        event_time: receivedAt,
        received_at: receivedAt,
        actor: 'test',
        entity_ref: entityRef,
        payload: JSON.stringify({
          id,
          type: 'commits',
          commits: commits.map(c => ({ ...c, repository: REPO })),
        }),
      });
      const at = (day: number) => `2026-01-0${day}T00:00:00.000Z`;
      await knex('events').insert([
        event('native:a-1', A, 1, [
          { sha: 's1', committedAt: at(1), author: 'ada' },
          { sha: 's2', committedAt: at(2), author: 'ada' },
        ]),
        // A's later report of s1 replaces its earlier one.
        event('native:a-2', A, 3, [
          { sha: 's1', committedAt: at(3), author: 'ada again' },
        ]),
        // B's report of s2, with an earlier time: before, everyone read this one.
        event('native:b-1', B, 2, [
          { sha: 's2', committedAt: at(1), author: 'mallory' },
        ]),
        event('native:none', null, 4, [
          { sha: 's3', committedAt: at(4), author: 'nobody' },
        ]),
      ]);
      // The rows as merged before: the last write of each (sha, repository).
      const merged = (sha: string, committedAt: string, author: string) => ({
        sha,
        repository: REPO,
        committed_at: Date.parse(committedAt),
        author,
      });
      await knex('commits').insert([
        merged('s1', at(3), 'ada again'),
        merged('s2', at(1), 'mallory'),
        merged('s3', at(4), 'nobody'),
      ]);
      await knex('dora_entities').insert([
        {
          entity_ref: A,
          stale_version: 3,
          built_version: 3,
          stale_from: '9999-12-31',
        },
      ]);

      await upToIncluding(knex);
      const rows = await knex('commits')
        .orderBy(['sha', 'entity_ref'])
        .select('sha', 'entity_ref', 'committed_at', 'author');
      expect(
        rows.map(r => [
          r.sha,
          r.entity_ref,
          new Date(Number(r.committed_at)).toISOString(),
          r.author,
        ]),
      ).toEqual([
        ['s1', '', at(3), 'ada again'],
        ['s1', A, at(3), 'ada again'],
        ['s2', '', at(1), 'mallory'],
        // A's own value, not the one merged from B's report.
        ['s2', A, at(2), 'ada'],
        ['s2', B, at(1), 'mallory'],
        ['s3', '', at(4), 'nobody'],
      ]);
      expect(
        await knex('dora_entities').select('stale_from', 'stale_version'),
      ).toEqual([{ stale_from: '0000-00-00', stale_version: 4 }]);

      // Back: one row per SHA and repository, the earliest time of each.
      await downToBefore(knex);
      expect(
        (
          await knex('commits')
            .orderBy('sha')
            .select('sha', 'committed_at', 'author')
        ).map(r => [
          r.sha,
          new Date(Number(r.committed_at)).toISOString(),
          r.author,
        ]),
      ).toEqual([
        ['s1', at(3), 'ada again'],
        ['s2', at(1), 'mallory'],
        ['s3', at(4), 'nobody'],
      ]);
    },
  );
});
