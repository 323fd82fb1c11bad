import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/** Rows written between two looks at the statistics; a look is one small catalog query. */
const CHECK_EVERY_ROWS = 2_000;
/** How long writes must pause before rows short of a check are looked at anyway. */
const SETTLE_MS = 5_000;
/** Rows changed before a table's statistics are due at all (autovacuum's base threshold). */
const ANALYZE_BASE_ROWS = 50;
/**
 * Growth since the last ANALYZE that makes statistics due: half the rows the table had then.
 * Autovacuum's 10 % of the current rows analyzed `events` at every check of a bulk load (14
 * times in 50,000 events, 18 % of PostgreSQL's statement time in that load), while what the
 * planner needs from them — a table that grew from nothing no longer taken for empty, the
 * distribution of keys — changes little between a table and the same table half as large
 * again; PostgreSQL scales row counts by a table's current size between two ANALYZEs anyway.
 */
const ANALYZE_GROWTH = 0.5;
/**
 * The statistics target of these ANALYZEs: 3,000 rows sampled, 10 most common values and 10
 * histogram buckets per column, against PostgreSQL's default of 100 (30,000 rows). What these
 * statistics are for — a table that grew from nothing no longer taken for empty, the rough
 * spread of its keys — needs no more, and a bulk load pays for every one of them: ANALYZE of
 * `events` (101,000 rows) took 260–312 ms at 100 and 23–32 ms at 10, of `deployments` 250
 * against 20 ms; those of a 50,000-event load took 2.1 s in a run where PostgreSQL used 8.4 s of CPU
 * (docs/benchmarks.md). Autovacuum's own ANALYZE, at the server's target, refines them later.
 */
export const STATISTICS_TARGET = 10;

/**
 * Whether a table's statistics are due, from its live rows and the rows changed since its last
 * ANALYZE: more than 50 changed, and more than half of the rows it had then (live rows less
 * those changed; an update counts as a change, so update-heavy tables are looked at sooner).
 */
export function analyzeDue(
  liveRows: number,
  changedSinceAnalyze: number,
): boolean {
  const rowsThen = Math.max(0, liveRows - changedSinceAnalyze);
  return changedSinceAnalyze > ANALYZE_BASE_ROWS + ANALYZE_GROWTH * rowsThen;
}

/**
 * Keeps PostgreSQL's planner statistics current while the ledger is bulk-loaded. Without
 * them the planner takes a table that grew from nothing in the last minute for empty and
 * picks plans that scan every row of an entity: a release page measured 1.15 s before
 * ANALYZE and 0.7 ms after (docs/benchmarks.md). Autovacuum analyzes eventually, but only
 * once a minute at best, and not at all where it is turned off. After every
 * `CHECK_EVERY_ROWS` rows written, and once writes have paused for a few seconds (a load
 * that ends short of the next check would otherwise keep its plans from nothing: a
 * 180-day history of one service, about 3,500 events, left the Delivery tab's environments
 * at 450 ms on PostgreSQL against 50 ms on SQLite), the plugin's tables that grew by half
 * since their last ANALYZE (`analyzeDue`) get a coarse ANALYZE (`STATISTICS_TARGET`), in the
 * background and one run at a time; SQLite needs none of this.
 */
export class PlannerStatistics {
  private written = 0;
  private running: Promise<void> | undefined;
  private readonly counterAtAnalyze = new Map<string, number>();
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Rows were written since the last look after a pause. */
  private unsettled = false;

  constructor(
    private readonly knex: Knex,
    private readonly logger?: LoggerService,
    private readonly settleMs = SETTLE_MS,
  ) {}

  /** Counts rows just committed; may start a background refresh. */
  noteWrites(rows: number) {
    if (this.knex.client.config.client !== 'pg') return;
    this.written += rows;
    this.unsettled = true;
    this.lookWhenSettled();
    if (this.written < CHECK_EVERY_ROWS || this.running) return;
    this.start();
  }

  /** Stops the look planned for when writes pause (shutdown). */
  stop() {
    clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
  }

  private lookWhenSettled() {
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      // The database may have been closed meanwhile (knex drops its pool on destroy).
      if (!this.unsettled || !(this.knex.client as { pool?: unknown }).pool)
        return;
      if (this.running) {
        this.lookWhenSettled();
        return;
      }
      // Even right after a check: counters a check read before they were reported are
      // complete by now.
      this.unsettled = false;
      this.start();
    }, this.settleMs);
    // A pending look never keeps the process alive.
    this.settleTimer.unref?.();
  }

  private start() {
    this.written = 0;
    this.running = this.refresh()
      .then(() => undefined)
      .catch(e =>
        this.logger?.warn(
          `Could not refresh planner statistics: ${(e as Error).message}`,
        ),
      )
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Waits for a background refresh, if one runs (tests and shutdown). */
  async settled() {
    await this.running;
  }

  /** Analyzes the tables of the plugin's schema whose statistics are due; returns their names. */
  async refresh(): Promise<string[]> {
    const { rows } = await this.knex.raw(
      `select relname, n_live_tup, n_mod_since_analyze
         from pg_stat_user_tables where schemaname = current_schema()`,
    );
    const due = (
      rows as Array<{
        relname: string;
        n_live_tup: string;
        n_mod_since_analyze: string;
      }>
    )
      .filter(r => !r.relname.startsWith('knex_'))
      .filter(r =>
        analyzeDue(
          Number(r.n_live_tup),
          this.changedSinceOurAnalyze(r.relname, Number(r.n_mod_since_analyze)),
        ),
      )
      .map(r => ({ table: r.relname, counter: Number(r.n_mod_since_analyze) }))
      .sort((a, b) => (a.table < b.table ? -1 : 1));
    if (due.length === 0) return [];
    const columns = await this.plannedColumns(due.map(d => d.table));
    // One transaction for every table due: `SET LOCAL` ends with it. ANALYZE's lock lets
    // inserts and updates through; it only makes another ANALYZE of the table wait.
    await this.knex.transaction(async tx => {
      await tx.raw(
        `set local default_statistics_target = ${STATISTICS_TARGET}`,
      );
      for (const { table } of due) {
        const wanted = columns.get(table) ?? [];
        await tx.raw(
          `analyze ??${
            wanted.length ? ` (${wanted.map(() => '??').join(', ')})` : ''
          }`,
          [table, ...wanted],
        );
      }
    });
    for (const { table, counter } of due)
      this.counterAtAnalyze.set(table, counter);
    return due.map(d => d.table);
  }

  /**
   * An ANALYZE of some columns leaves `n_mod_since_analyze` counting (only a full one resets
   * it), so the changes since this instance's own ANALYZE are the counter less its value
   * then; a counter below that was reset by a full ANALYZE (autovacuum's) since.
   */
  private changedSinceOurAnalyze(table: string, counter: number): number {
    const base = this.counterAtAnalyze.get(table) ?? 0;
    return counter >= base ? counter - base : counter;
  }

  /**
   * The columns worth sampling: every column but unindexed `text` ones. Those hold payloads,
   * evidence and details (JSON, often kilobytes): the plugin never filters or joins on them,
   * and reading them made ANALYZE of `events` take 75–215 ms (the events table's payloads
   * are most of its bytes), about a tenth of PostgreSQL's time during a bulk load.
   */
  private async plannedColumns(
    tables: string[],
  ): Promise<Map<string, string[]>> {
    const byTable = new Map<string, string[]>();
    if (tables.length === 0) return byTable;
    const { rows } = await this.knex.raw(
      `select c.relname, a.attname
         from pg_attribute a
         join pg_class c on c.oid = a.attrelid
        where c.relnamespace = current_schema()::regnamespace
          and c.relname = any(?::text[])
          and a.attnum > 0 and not a.attisdropped
          and (a.atttypid <> 'text'::regtype
               or exists (select 1 from pg_index i where i.indrelid = c.oid and a.attnum = any(i.indkey)))
        order by c.relname, a.attnum`,
      [tables],
    );
    for (const r of rows as Array<{ relname: string; attname: string }>) {
      byTable.set(r.relname, [...(byTable.get(r.relname) ?? []), r.attname]);
    }
    return byTable;
  }
}
