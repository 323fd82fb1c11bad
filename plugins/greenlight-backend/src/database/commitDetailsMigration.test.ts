import { createTestDatabases } from '@greenlight/test-utils';
import { applyMigrations, migrationsDir } from './migrations';

jest.setTimeout(120_000);

const A = 'component:default/a';
const B = 'component:default/b';

/**
 * The migration that keeps commit details per entity: rows stored before it are copied to each
 * entity whose commits events named them, and the way back merges them again.
 */
describe('the commit details per entity migration', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'copies each stored commit to the entities that reported it, and back, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      // The schema before it, with rows as the old projection wrote them.
      await knex.migrate.down({ directory: migrationsDir });
      const event = (id: string, entityRef: string | null, shas: string[]) => ({
        id,
        source: 'native',
        type: 'commits',
        subject_key: `commits:${id}`,
        event_time: 1,
        received_at: 1,
        actor: 'test',
        entity_ref: entityRef,
        payload: JSON.stringify({
          id,
          type: 'commits',
          commits: shas.map(sha => ({
            sha,
            repository: 'github.com/acme/shop',
            committedAt: '2026-01-01T00:00:00Z',
          })),
        }),
      });
      await knex('events').insert([
        event('native:a', A, ['s1', 's2']),
        event('native:b', B, ['s2']),
        event('native:none', null, ['s3']),
      ]);
      const commit = (sha: string, committedAt: number) => ({
        sha,
        repository: 'github.com/acme/shop',
        committed_at: committedAt,
        author: `author of ${sha}`,
      });
      // s4: a row no stored event names (it stays where no entity reads it).
      await knex('commits').insert([
        commit('s1', 10),
        commit('s2', 20),
        commit('s3', 30),
        commit('s4', 40),
      ]);

      await applyMigrations(knex);
      const rows = async () =>
        (
          await knex('commits')
            .orderBy(['sha', 'entity_ref'])
            .select('sha', 'entity_ref', 'committed_at', 'author')
        ).map(r => ({ ...r, committed_at: Number(r.committed_at) }));
      expect(await rows()).toEqual(
        [
          { ...commit('s1', 10), entity_ref: A, repository: undefined },
          { ...commit('s2', 20), entity_ref: A, repository: undefined },
          { ...commit('s2', 20), entity_ref: B, repository: undefined },
          { ...commit('s3', 30), entity_ref: '', repository: undefined },
          { ...commit('s4', 40), entity_ref: '', repository: undefined },
        ].map(({ repository: _r, ...r }) => r),
      );

      // Back: one row per SHA and repository again.
      await knex('commits')
        .where({ sha: 's2', entity_ref: B })
        .update({ committed_at: 15 });
      await knex.migrate.down({ directory: migrationsDir });
      expect(
        (
          await knex('commits').orderBy('sha').select('sha', 'committed_at')
        ).map(r => [r.sha, Number(r.committed_at)]),
      ).toEqual([
        ['s1', 10],
        ['s2', 15],
        ['s3', 30],
        ['s4', 40],
      ]);
    },
  );
});
