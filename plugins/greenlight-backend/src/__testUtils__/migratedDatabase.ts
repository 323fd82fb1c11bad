import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { applyMigrations } from '../database/migrations';

export type MigratedDatabase = { knex: Knex };

/**
 * Store tests share this setup: one migrated test database per engine, opened before the
 * tests of `databaseId` and destroyed after them; read `knex` inside a test.
 */
export function setUpMigratedDatabase(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
): MigratedDatabase {
  const db = {} as MigratedDatabase;
  beforeAll(async () => {
    db.knex = await databases.init(databaseId);
    await applyMigrations(db.knex);
  });
  afterAll(() => db.knex.destroy());
  return db;
}
