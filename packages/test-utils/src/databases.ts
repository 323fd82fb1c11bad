import { TestDatabases } from '@backstage/backend-test-utils';

/**
 * SQLite always; PostgreSQL 15 when a server is reachable through
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (the test command sets it).
 */
export function createTestDatabases() {
  return TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
}
