/* eslint-disable jest/no-standalone-expect -- the PostgreSQL-only test is declared through `onPostgres` */
import { Knex } from 'knex';
import {
  analyzeDue,
  PlannerStatistics,
  STATISTICS_TARGET,
} from './plannerStatistics';
import { createTestDatabases, onPostgresOnly } from '@greenlight/test-utils';

describe('analyzeDue', () => {
  it.each([
    // due after more than 50 + half of the rows the table had at its last ANALYZE changed
    // (rows then = live − changed)
    [50, 50, false], // 50 > 50 + 0.5 × 0 is false
    [51, 51, true], // a table loaded from nothing: 51 > 50
    [1000, 50, false], // 50 > 50 + 0.5 × 950 = 525 is false
    [1400, 400, false], // 400 > 50 + 0.5 × 1,000 = 550 is false
    [1600, 600, true], // 600 > 50 + 0.5 × 1,000 = 550
    [75_000, 25_000, false], // 25,000 > 50 + 0.5 × 50,000 = 25,050 is false
    [75_051, 25_051, true], // 25,051 > 50 + 0.5 × 50,000 = 25,050
    [600, 1200, true], // more changes than rows (updates): rows then counted as 0
  ])('%p live rows, %p changed → %p', (live, changed, due) => {
    expect(analyzeDue(live, changed)).toBe(due);
  });
});

describe('PlannerStatistics', () => {
  const databases = createTestDatabases();

  // Only PostgreSQL plans from collected statistics; on SQLite the class does nothing.
  const onPostgres = onPostgresOnly(databases);

  /** A database with one table, created and filled. */
  async function withTable(
    databaseId: unknown,
    table: string,
    define: (t: Knex.CreateTableBuilder) => void,
    rows: object[],
  ) {
    const knex = await databases.init(databaseId as 'POSTGRES_15');
    await knex.schema.createTable(table, define);
    // Autovacuum's own ANALYZE would reset the counters these tests read, at any moment.
    await knex.raw('alter table ?? set (autovacuum_enabled = false)', [table]);
    await knex(table).insert(rows);
    return knex;
  }

  /** The columns of a table that have planner statistics. */
  const sampledColumns = async (knex: Knex, table: string) =>
    (await knex('pg_stats')
      .where({ tablename: table })
      .whereRaw('schemaname = current_schema()')
      .orderBy('attname')
      .pluck('attname')) as string[];

  /** Rows `n` from `start` on, and their counters reported. */
  async function addRows(knex: Knex, start: number, count: number) {
    await knex('loaded').insert(
      Array.from({ length: count }, (_, i) => ({
        n: start + i,
        status: 'succeeded',
        subject: 's1',
        payload: '{}',
      })),
    );
    await knex.raw('select pg_stat_force_next_flush()');
  }

  /** Refreshes until `loaded` is analyzed (counters reach pg_stat_user_tables a little later). */
  async function analyzedOnceReported(statistics: PlannerStatistics) {
    let analyzed: string[] = [];
    for (let i = 0; i < 50 && !analyzed.includes('loaded'); i++) {
      analyzed = await statistics.refresh();
      if (!analyzed.includes('loaded'))
        await new Promise(r => setTimeout(r, 100));
    }
    return analyzed;
  }

  onPostgres(
    'on %p, analyzes a table loaded since its last ANALYZE, then leaves it alone',
    async databaseId => {
      const knex = await withTable(
        databaseId,
        'loaded',
        t => {
          t.integer('n').primary();
          t.string('status');
          t.text('subject').index();
          t.text('payload');
        },
        Array.from({ length: 500 }, (_, n) => ({
          n,
          status: n % 2 ? 'succeeded' : 'failed',
          subject: `s${n % 7}`,
          payload: JSON.stringify({ n, padding: 'x'.repeat(2000) }),
        })),
      );
      const statistics = new PlannerStatistics(knex);
      // Statistics counters reach pg_stat_user_tables when the writing session reports them.
      await knex.raw('select pg_stat_force_next_flush()');
      expect(await analyzedOnceReported(statistics)).toContain('loaded');
      const { rows } = await knex.raw(
        `select reltuples from pg_class where relname = 'loaded' and relnamespace = current_schema()::regnamespace`,
      );
      expect(Number(rows[0].reltuples)).toBe(500);
      // Sampled: the key, a short column and the indexed text; not the unindexed payload.
      expect(await sampledColumns(knex, 'loaded')).toEqual([
        'n',
        'status',
        'subject',
      ]);
      // Coarse: 500 distinct keys give a histogram of 11 bounds at a target of 10 (101 at
      // PostgreSQL's default of 100).
      const histogram = await knex.raw(
        `select array_length(histogram_bounds::text::int[], 1) as bounds from pg_stats
          where tablename = 'loaded' and attname = 'n' and schemaname = current_schema()`,
      );
      expect(Number(histogram.rows[0].bounds)).toBe(STATISTICS_TARGET + 1);
      expect(await statistics.refresh()).not.toContain('loaded');
      // 200 more rows: 200 > 50 + 0.5 × 500 is false, so not due yet (once the counter
      // shows them, so that the answer is not merely early).
      await addRows(knex, 500, 200);
      const counter = async () =>
        Number(
          (
            await knex.raw(
              `select n_mod_since_analyze from pg_stat_user_tables where relname = 'loaded' and schemaname = current_schema()`,
            )
          ).rows[0].n_mod_since_analyze,
        );
      for (let i = 0; i < 50 && (await counter()) < 700; i++) {
        await new Promise(r => setTimeout(r, 100));
      }
      expect(await counter()).toBe(700);
      expect(await statistics.refresh()).not.toContain('loaded');
      // ANALYZE of some columns leaves the change counter running: 120 more, 320 in all, are
      // counted from the ANALYZE on (320 > 50 + 0.5 × 500), not from the table's start.
      await addRows(knex, 700, 120);
      expect(await analyzedOnceReported(statistics)).toContain('loaded');
      expect(await statistics.refresh()).not.toContain('loaded');
      await knex.destroy();
    },
  );

  onPostgres(
    'on %p, analyzes a table once writes pause, even below the rows of a check',
    async databaseId => {
      const knex = await withTable(
        databaseId,
        'paused',
        t => t.integer('n').primary(),
        Array.from({ length: 300 }, (_, n) => ({ n })),
      );
      const statistics = new PlannerStatistics(knex, undefined, 200);
      // 300 rows: far below the rows between two checks, so only the pause can start a look.
      statistics.noteWrites(300);
      const sampled = () => sampledColumns(knex, 'paused');
      expect(await sampled()).toEqual([]);
      for (let i = 0; i < 100 && (await sampled()).length === 0; i++) {
        await new Promise(r => setTimeout(r, 100));
        await statistics.settled();
        // the look may have read the counters before they were reported: write on, pause again
        if (i % 20 === 19) statistics.noteWrites(1);
      }
      expect(await sampled()).toEqual(['n']);
      statistics.stop();
      await knex.destroy();
    },
  );
});
