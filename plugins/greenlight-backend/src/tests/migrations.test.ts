import { Knex } from 'knex';
import { applyMigrations, rollbackAllMigrations } from '../database/migrations';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(60_000);

async function pluginTables(knex: Knex): Promise<string[]> {
  const client = knex.client.config.client;
  const rows =
    client === 'pg'
      ? (await knex.raw(`select tablename as name from pg_tables where schemaname = current_schema()`)).rows
      : await knex.raw(`select name from sqlite_master where type = 'table'`);
  return rows
    .map((r: { name: string }) => r.name)
    .filter((name: string) => !name.startsWith('knex_') && !name.startsWith('sqlite_'))
    .sort();
}

/** Each plugin index as `table(columns) where predicate`, without its name. */
async function indexShapes(knex: Knex): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const { rows } = await knex.raw(
      `select indexdef from pg_indexes where schemaname = current_schema() and tablename not like 'knex_%'`,
    );
    return rows.map((r: { indexdef: string }) =>
      r.indexdef.replace(/^CREATE (UNIQUE )?INDEX \S+ ON /, '$1'),
    );
  }
  const rows = await knex.raw(
    `select tbl_name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name not like 'knex_%'`,
  );
  return rows.map((r: { tbl_name: string; sql: string }) =>
    r.sql.replace(/^create (unique )?index [`"]?\S+?[`"]? on /i, '$1'),
  );
}

describe('migrations', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('go up and down cleanly on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    await applyMigrations(knex);
    const tables = await pluginTables(knex);
    expect(tables).toEqual(expect.arrayContaining(['deployments', 'events', 'environment_commits', 'audit_log']));

    // Every index costs each write of its table: none may repeat another.
    const shapes = await indexShapes(knex);
    expect(shapes.length).toBeGreaterThan(10);
    expect(shapes.filter((shape, i) => shapes.indexOf(shape) !== i)).toEqual([]);

    await rollbackAllMigrations(knex);
    expect(await pluginTables(knex)).toEqual([]);

    // up again, as after a downgrade and an upgrade
    await applyMigrations(knex);
    expect(await pluginTables(knex)).toEqual(tables);
    await knex.destroy();
  });
});
