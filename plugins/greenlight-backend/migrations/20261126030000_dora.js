// @ts-check

/**
 * DORA rollups: one row per entity and UTC day (and per ISO week), kept current from the
 * ledger so that team and organisation queries merge stored rows instead of rescanning history.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_daily_rollups', table => {
    table.comment('DORA figures of one entity on one UTC day (see docs/dora.md, Rollups)');
    table.string('entity_ref', 255).notNullable();
    table.string('day', 10).notNullable().comment('YYYY-MM-DD, UTC');
    table
      .text('rollup')
      .notNullable()
      .comment('JSON: counts, lead-time and recovery-time sketches, data-quality counts');
    table.primary(['entity_ref', 'day']);
  });

  await knex.schema.createTable('dora_weekly_rollups', table => {
    table.comment('The daily rollups of one entity and ISO week merged, for long windows and large scopes');
    table.string('entity_ref', 255).notNullable();
    table.string('week', 10).notNullable().comment('the Monday, YYYY-MM-DD, UTC');
    table.text('rollup').notNullable().comment('JSON: as daily, plus successful deployments per day of the week');
    table.primary(['entity_ref', 'week']);
  });

  await knex.schema.createTable('dora_entities', table => {
    table.comment('Entities with deliveries: whether their rollups are stale, and per-entity facts');
    table.string('entity_ref', 255).primary();
    table.integer('stale_version').notNullable().defaultTo(0).comment('bumped by every mark');
    table.integer('built_version').notNullable().defaultTo(0).comment('stale_version the rollups were built at');
    table
      .string('stale_from', 10)
      .notNullable()
      .defaultTo('9999-12-31')
      .comment('first stale day; 0000-00-00 means every day');
    table.bigInteger('rebuilt_at').nullable();
    table.integer('deployments').notNullable().defaultTo(0);
    table.integer('production_deployments').notNullable().defaultTo(0);
    table.text('pending_commits').nullable().comment('JSON: commits in non-production only, per commit day');
  });

  await knex.schema.createTable('dora_unmapped_deployments', table => {
    table.comment('Deployments that had no entity when ingested; their rollups are marked once one is attached');
    table.string('deployment_id', 255).primary();
    table.bigInteger('noted_at').notNullable();
  });

  await knex.schema.createTable('dora_reviews', table => {
    table.comment('The last time DORA metrics covering an entity or group were reviewed or exported');
    table.string('subject_ref', 255).primary();
    table.bigInteger('at').notNullable();
    table.string('action', 64).notNullable();
    table.string('actor', 255).notNullable();
    table.string('scope_kind', 16).notNullable();
    table.string('scope_ref', 255).nullable();
  });

  await knex.schema.createTable('dora_settings', table => {
    table.comment('Options the stored rollups were built with; a change rebuilds them');
    table.string('key', 64).primary();
    table.text('value').notNullable();
  });

  // Rebuilding an entity's rollups looks up remediations that name its deployments.
  await knex.schema.alterTable('deployments', table => {
    table.index(['rollback_of'], 'dora_deployments_rollback_of_idx');
    table.index(['replaces'], 'dora_deployments_replaces_idx');
  });

  // A ledger that predates this migration is rolled up by the scheduled task.
  await knex.raw(
    `insert into dora_entities (entity_ref, stale_version, built_version, stale_from)
     select distinct entity_ref, 1, 0, '0000-00-00' from deployments where entity_ref is not null`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.dropIndex(['rollback_of'], 'dora_deployments_rollback_of_idx');
    table.dropIndex(['replaces'], 'dora_deployments_replaces_idx');
  });
  for (const table of [
    'dora_settings',
    'dora_reviews',
    'dora_unmapped_deployments',
    'dora_entities',
    'dora_weekly_rollups',
    'dora_daily_rollups',
  ]) {
    await knex.schema.dropTable(table);
  }
};
