import { createHash } from 'node:crypto';
import { Knex } from 'knex';

/** Tables of the migrations' own bookkeeping, which requests never write. */
const BOOKKEEPING = /^knex_migrations/;

async function tablesOf(knex: Knex): Promise<string[]> {
  const client = String(knex.client.config.client);
  const tables: string[] = client.includes('sqlite')
    ? await knex('sqlite_master')
        .where({ type: 'table' })
        .whereNot('name', 'like', 'sqlite_%')
        .pluck('name')
    : await knex('information_schema.tables')
        .where({
          table_schema: knex.raw('current_schema()'),
          table_type: 'BASE TABLE',
        })
        .pluck('table_name');
  return tables.filter(t => !BOOKKEEPING.test(t)).sort();
}

/** The number of rows in every table of the plugin's database, by table name. */
export async function rowCounts(knex: Knex): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await tablesOf(knex)) {
    const [{ n }] = await knex(table).count({ n: '*' });
    counts[table] = Number(n);
  }
  return counts;
}

/**
 * Every table of the plugin's database, by name: its number of rows and a digest of what they
 * hold, so that a refused request that changed a row (not only one that added or removed one)
 * shows. Tables that the backend's scheduled tasks write while a test runs (`countsOnly`:
 * rollups, leases) are compared by their number of rows alone.
 */
export async function tableContents(
  knex: Knex,
  options: { countsOnly?: string[] } = {},
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of await tablesOf(knex)) {
    if (options.countsOnly?.includes(table)) {
      const [{ n }] = await knex(table).count({ n: '*' });
      out[table] = `${Number(n)} rows`;
      continue;
    }
    // Rows in a stable order whatever the table's keys: sorted by their own text.
    const rows = (await knex(table).select())
      .map(row => JSON.stringify(row))
      .sort();
    const digest = createHash('sha256').update(rows.join('\n')).digest('hex');
    out[table] = `${rows.length} rows, sha256:${digest.slice(0, 16)}`;
  }
  return out;
}
