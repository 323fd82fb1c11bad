import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@greenlight/backstage-plugin-greenlight-backend',
  'migrations',
);

/** Brings the plugin's schema to the latest version. */
export async function applyMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDir });
}

/** Undoes every migration; used by the migration tests. */
export async function rollbackAllMigrations(knex: Knex): Promise<void> {
  await knex.migrate.rollback({ directory: migrationsDir }, true);
}

export { migrationsDir };
