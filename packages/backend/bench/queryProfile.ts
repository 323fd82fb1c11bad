/*
 * Per-statement timings inside a benchmark process, to find where a request's time goes.
 * Opt-in (BENCH_PROFILE_QUERIES=1): wraps knex's client so every statement the backend
 * sends is timed, grouped by its SQL text.
 */
import { knex } from 'knex';

/** The client class every dialect extends; its `query` runs each statement. */
const Client = (knex as unknown as { Client: { prototype: any } }).Client;

type Stat = {
  count: number;
  totalMs: number;
  sql: string;
  bindings: unknown[];
};

/**
 * A statement's shape: placeholders and lists of them collapsed, so that the same statement
 * with 3 or 300 values is counted as one.
 */
function shapeOf(sql: string): string {
  return sql
    .replace(/\$\d+/g, '?')
    .replace(/\(\?(, \?)*\)(, \(\?(, \?)*\))*/g, '(…)')
    .replace(/\((\(…\)(, )?)+\)/g, '(…)');
}

export function queryProfile() {
  const stats = new Map<string, Stat>();
  let recording = false;
  if (process.env.BENCH_PROFILE_QUERIES === '1') {
    const original = Client.prototype.query;
    Client.prototype.query = async function timed(
      this: any,
      connection: unknown,
      query: any,
    ) {
      const started = performance.now();
      try {
        return await original.call(this, connection, query);
      } finally {
        if (recording) {
          const sql = shapeOf(typeof query === 'string' ? query : query.sql);
          const stat = stats.get(sql) ?? {
            count: 0,
            totalMs: 0,
            sql,
            bindings: query.bindings ?? [],
          };
          stat.count++;
          stat.totalMs += performance.now() - started;
          stats.set(sql, stat);
        }
      }
    };
  }
  return {
    record(on: boolean) {
      recording = on;
    },
    /** The statements that took the most time, with one set of their bindings. */
    report(label: string, top = 12, per?: { unit: string; count: number }) {
      if (stats.size === 0) return;
      const all = [...stats.values()];
      const count = all.reduce((n, r) => n + r.count, 0);
      const totalMs = all.reduce((n, r) => n + r.totalMs, 0);
      const rows = all.sort((a, b) => b.totalMs - a.totalMs).slice(0, top);
      console.error(
        `\n-- query profile: ${label}: ${count} statements, ${totalMs.toFixed(
          0,
        )} ms${
          per
            ? `; per ${per.unit}: ${(count / per.count).toFixed(
                1,
              )} statements, ${(totalMs / per.count).toFixed(1)} ms`
            : ''
        }`,
      );
      for (const r of rows) {
        console.error(
          `${r.totalMs.toFixed(0).padStart(7)} ms ${String(r.count).padStart(
            6,
          )}× ${(r.totalMs / r.count).toFixed(2)} ms  ${r.sql.slice(
            0,
            400,
          )}\n        bindings: ${JSON.stringify(r.bindings).slice(0, 300)}`,
        );
      }
      stats.clear();
    },
  };
}
