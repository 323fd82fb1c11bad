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

describe('migrations', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('go up and down cleanly on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    await applyMigrations(knex);
    const tables = await pluginTables(knex);
    expect(tables).toEqual(expect.arrayContaining(['deployments', 'events', 'environment_commits', 'audit_log']));

    await rollbackAllMigrations(knex);
    expect(await pluginTables(knex)).toEqual([]);

    // up again, as after a downgrade and an upgrade
    await applyMigrations(knex);
    expect(await pluginTables(knex)).toEqual(tables);
    await knex.destroy();
  });
});
