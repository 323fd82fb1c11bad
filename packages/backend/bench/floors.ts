/*
 * What the database alone costs, measured in the same run as the benchmark it is set beside:
 * the figures of a run are compared with these floors, which shared, noisy machines move
 * together with the benchmark itself.
 */
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { quantile } from './harness';

const FLOOR_TABLE = 'bench_events_floor';

/**
 * Events per second of a bare multi-row INSERT of the same events, in the same batches, into a
 * table shaped like `events` (same columns, primary key and indexes): no validation, no
 * entity lookup, no projection, no listeners, no HTTP. On PostgreSQL the rows go both ways the
 * plugin could send them — a `VALUES` list with a bind parameter per cell, and one JSON
 * parameter per batch as the ledger does — and the floor is the faster of the two, so that the
 * ingestion's share of it is never flattered by the floor's own technique.
 */
export async function insertFloor(
  knex: Knex,
  events: GreenlightEvent[],
  batch: number,
) {
  await knex.schema.dropTableIfExists(FLOOR_TABLE);
  await knex.schema.createTable(FLOOR_TABLE, table => {
    table.string('id', 255).primary();
    table.string('source', 32).notNullable();
    table.string('type', 64).notNullable();
    table.string('subject_key', 255).notNullable();
    table.bigInteger('event_time').notNullable();
    table.bigInteger('received_at').notNullable();
    table.string('actor', 255).notNullable();
    table.string('entity_ref', 255).nullable();
    table.text('mapping_keys').nullable();
    table.text('payload').notNullable();
    table.index(['subject_key'], `${FLOOR_TABLE}_subject_idx`);
    table.index(['entity_ref'], `${FLOOR_TABLE}_entity_idx`);
  });
  const now = Date.now();
  const rows = events.map(e => ({
    id: `native:${e.id}`,
    source: 'native',
    type: e.type,
    subject_key: `${e.type}:${e.id}`,
    event_time: now,
    received_at: now,
    actor: 'external:bench',
    entity_ref: e.serviceId ? `component:default/${e.serviceId}` : null,
    mapping_keys: JSON.stringify({ serviceId: e.serviceId }),
    payload: JSON.stringify(e),
  }));
  const timed = async (insert: (part: typeof rows) => Promise<unknown>) => {
    await knex(FLOOR_TABLE).delete();
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += batch)
      await insert(rows.slice(i, i + batch));
    return Math.round(rows.length / ((performance.now() - t0) / 1000));
  };
  const values = await timed(part => knex(FLOOR_TABLE).insert(part));
  let json: number | undefined;
  if (knex.client.config.client === 'pg') {
    json = await timed(part =>
      knex.raw(
        `insert into ${FLOOR_TABLE} select * from json_populate_recordset(null::${FLOOR_TABLE}, ?::json)`,
        [JSON.stringify(part)],
      ),
    );
  }
  await knex.schema.dropTable(FLOOR_TABLE);
  console.log(
    `bare insert: VALUES list ${values} events/s${
      json === undefined ? '' : `, one JSON parameter ${json} events/s`
    }`,
  );
  return Math.max(values, json ?? 0);
}

/**
 * Milliseconds of the bare keyset query of one release page, in the same sequence of first,
 * environment-filtered and cursor pages the HTTP benchmark requests: the deployments table
 * alone, no joins, no new-commit counts, no enrichers, no authorisation, no HTTP.
 */
export async function keysetFloor(
  knex: Knex,
  entityRef: string,
  requests: number,
) {
  const times: number[] = [];
  let cursor: { sortTime: number; id: string } | undefined;
  for (let i = 0; i < requests; i++) {
    const q = knex('deployments')
      .where('entity_ref', entityRef)
      .orderBy([
        { column: 'sort_time', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(26);
    if (i % 3 === 1) q.where('environment', 'production');
    if (cursor && i % 3 === 2) {
      q.whereRaw('(sort_time, id) < (?, ?)', [cursor.sortTime, cursor.id]);
    }
    const t0 = performance.now();
    const rows = await q;
    times.push(performance.now() - t0);
    if (i % 3 === 0) {
      const last = rows[24];
      cursor = { sortTime: Number(last.sort_time), id: last.id };
    }
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
}
