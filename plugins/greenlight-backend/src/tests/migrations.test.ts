import { applyMigrations, rollbackAllMigrations } from '../database/migrations';
import { createTestDatabases } from '../__testUtils__/databases';

jest.setTimeout(60_000);

const TABLES = [
  'events',
  'builds',
  'artifacts',
  'deployments',
  'deployment_commits',
  'commits',
  'incidents',
  'incident_entities',
  'test_runs',
  'audit_log',
];

describe('migrations', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('go up and down cleanly on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    await applyMigrations(knex);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    await rollbackAllMigrations(knex);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }
    // and up again, as after a downgrade and upgrade
    await applyMigrations(knex);
    expect(await knex.schema.hasTable('deployments')).toBe(true);
    await knex.destroy();
  });
});
