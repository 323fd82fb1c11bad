import { TestDatabases } from '@backstage/backend-test-utils';

/**
 * SQLite always; PostgreSQL 15 when a server is reachable through
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (the test command sets it).
 */
export function createTestDatabases() {
  return TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
}

/**
 * `it.each` over PostgreSQL alone, for a test of a statement only PostgreSQL runs: skipped,
 * and reported as such, when no PostgreSQL server is configured.
 */
export function onPostgresOnly(
  databases: ReturnType<typeof createTestDatabases>,
) {
  const postgres = databases
    .eachSupportedId()
    .filter(([id]) => id === 'POSTGRES_15');
  return postgres.length > 0
    ? it.each(postgres)
    : it.skip.each([['POSTGRES_15']]);
}
