import { Knex } from 'knex';

/** Tables of the migrations' own bookkeeping, which requests never write. */
const BOOKKEEPING = /^knex_migrations/;

/** The number of rows in every table of the plugin's database, by table name. */
export async function rowCounts(knex: Knex): Promise<Record<string, number>> {
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
  const counts: Record<string, number> = {};
  for (const table of tables.filter(t => !BOOKKEEPING.test(t)).sort()) {
    const [{ n }] = await knex(table).count({ n: '*' });
    counts[table] = Number(n);
  }
  return counts;
}
