import { createTestDatabases } from '@greenlight/test-utils';
import { insertRows, insertRowsTogether } from './bulkInsert';
import { applyMigrations } from './migrations';

/** Text a hand-written array or JSON encoding could get wrong, stored as given. */
const AWKWARD = [
  'plain',
  'with "quotes", a \\ backslash and a {brace}',
  'NULL',
  '',
  'line\nbreak\ttab',
  'ünïcödé ✓ 🚀',
  '{"json": ["as", "text"]}',
  '?',
];

describe('insertRows', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'on %p, stores every value as given, merges or keeps rows already stored, and returns the rows it wrote',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);

      const commit = (n: number, title: string | null) => ({
        sha: `sha-${n}`,
        repository: 'github.com/acme/shop',
        entity_ref: 'component:default/shop',
        authored_at: null,
        committed_at: 1_700_000_000_000 + n,
        merged_at: n % 2 ? 1_800_000_000_000 : null,
        author: 'ana',
        pr_number: n,
        title,
        reported_at: null as number | null,
        reported_by: null as string | null,
      });
      const first = AWKWARD.map((title, n) => commit(n, title));
      const written = await knex.transaction(tx =>
        insertRows(
          tx,
          'commits',
          first,
          { key: ['sha', 'repository', 'entity_ref'], action: 'merge' },
          'sha',
        ),
      );
      expect(written.map(r => r.sha).sort()).toEqual(
        first.map(c => c.sha).sort(),
      );

      const read = async () =>
        (await knex('commits').orderBy('pr_number')).map(r => ({
          ...r,
          authored_at: r.authored_at === null ? null : Number(r.authored_at),
          committed_at: Number(r.committed_at),
          merged_at: r.merged_at === null ? null : Number(r.merged_at),
          reported_at: r.reported_at === null ? null : Number(r.reported_at),
        }));
      expect(await read()).toEqual(first);

      // Merge: a stored row takes the new values, a new row is added.
      const second = [commit(1, 'changed'), commit(AWKWARD.length, null)];
      await knex.transaction(tx =>
        insertRows(tx, 'commits', second, {
          key: ['sha', 'repository', 'entity_ref'],
          action: 'merge',
        }),
      );
      const merged = await read();
      expect(merged).toHaveLength(AWKWARD.length + 1);
      expect(merged[1].title).toBe('changed');
      expect(merged[AWKWARD.length].title).toBeNull();

      // Ignore: a stored row stays as it is, and only the new rows are returned.
      const third = [
        commit(2, 'not taken'),
        commit(AWKWARD.length + 1, 'taken'),
      ];
      const inserted = await knex.transaction(tx =>
        insertRows(
          tx,
          'commits',
          third,
          { key: ['sha', 'repository', 'entity_ref'], action: 'ignore' },
          'sha',
        ),
      );
      expect(inserted.map(r => r.sha)).toEqual([`sha-${AWKWARD.length + 1}`]);
      const kept = await read();
      expect(kept[2].title).toBe(AWKWARD[2]);
      expect(kept[AWKWARD.length + 1].title).toBe('taken');

      // Newer only: a report replaces the stored one only when later by time, then by id; a
      // stored row without a report is older than any.
      const report = (n: number, title: string, at: number, by: string) => ({
        ...commit(n, title),
        reported_at: at,
        reported_by: by,
      });
      const newerOnly = {
        key: ['sha', 'repository', 'entity_ref'],
        action: 'merge' as const,
        newerBy: ['reported_at', 'reported_by'] as [string, string],
      };
      const upsertNewer = (rows: object[]) =>
        knex.transaction(tx =>
          insertRows(tx, 'commits', rows, newerOnly, 'sha'),
        );
      expect(
        (await upsertNewer([report(3, 'first report', 100, 'e-b')])).map(
          r => r.sha,
        ),
      ).toEqual(['sha-3']);
      const returned = await upsertNewer([
        report(3, 'older report', 99, 'e-z'),
        report(4, 'first report', 100, 'e-b'),
      ]);
      expect(returned.map(r => r.sha)).toEqual(['sha-4']);
      await upsertNewer([
        report(4, 'same time, lower id', 100, 'e-a'),
        report(5, 'first report', 100, 'e-b'),
      ]);
      await upsertNewer([report(5, 'same time, higher id', 100, 'e-c')]);
      // No stated time is the oldest: it loses to one, and wins over another only by id.
      await upsertNewer([
        { ...report(5, 'no time', 0, 'e-z'), reported_at: null },
      ]);
      await upsertNewer([
        { ...report(6, 'no time', 0, 'e-a'), reported_at: null },
      ]);
      await upsertNewer([
        { ...report(6, 'no time, higher id', 0, 'e-b'), reported_at: null },
      ]);
      const reports = await read();
      expect(reports.slice(3, 7).map(r => [r.title, r.reported_by])).toEqual([
        ['first report', 'e-b'],
        ['first report', 'e-b'],
        ['same time, higher id', 'e-c'],
        ['no time, higher id', 'e-b'],
      ]);

      // No rows, no statement.
      await expect(
        knex.transaction(tx =>
          insertRows(tx, 'commits', [], {
            key: ['sha', 'repository', 'entity_ref'],
            action: 'merge',
          }),
        ),
      ).resolves.toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'on %p, writes more rows than one SQLite statement may carry',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const rows = Array.from({ length: 1_234 }, (_, i) => ({
        deployment_id: `d-${i % 300}`,
        commit_sha: `c-${i}`,
      }));
      const written = await knex.transaction(tx =>
        insertRows(
          tx,
          'deployment_commits',
          rows,
          { key: ['deployment_id', 'commit_sha'], action: 'ignore' },
          'commit_sha',
        ),
      );
      expect(written).toHaveLength(rows.length);
      const [{ n }] = await knex('deployment_commits').count({ n: '*' });
      expect(Number(n)).toBe(rows.length);
    },
  );

  it.each(databases.eachSupportedId())(
    'on %p, writes the rows of several tables together, each with its own conflict rule',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      await knex('builds').insert({ id: 'b-1', status: 'started' });
      await knex('deployment_commits').insert({
        deployment_id: 'd-1',
        commit_sha: 'c-1',
      });
      await knex.transaction(tx =>
        insertRowsTogether(tx, [
          {
            table: 'builds',
            rows: [
              { id: 'b-1', status: 'succeeded', url: 'https://ci.example/1' },
              { id: 'b-2', status: 'failed', url: null },
            ],
            onConflict: { key: ['id'], action: 'merge' },
          },
          {
            table: 'artifacts',
            rows: [],
            onConflict: { key: ['digest'], action: 'merge' },
          },
          {
            table: 'deployment_commits',
            rows: [
              { deployment_id: 'd-1', commit_sha: 'c-1' },
              { deployment_id: 'd-1', commit_sha: 'c-2' },
            ],
            onConflict: {
              key: ['deployment_id', 'commit_sha'],
              action: 'ignore',
            },
          },
        ]),
      );
      expect(
        await knex('builds').select('id', 'status', 'url').orderBy('id'),
      ).toEqual([
        { id: 'b-1', status: 'succeeded', url: 'https://ci.example/1' },
        { id: 'b-2', status: 'failed', url: null },
      ]);
      expect(
        await knex('deployment_commits')
          .select('commit_sha')
          .orderBy('commit_sha'),
      ).toEqual([{ commit_sha: 'c-1' }, { commit_sha: 'c-2' }]);
      expect(await knex('artifacts')).toEqual([]);
    },
  );
});
