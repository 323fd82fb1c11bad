// @ts-check

/**
 * Indexes that every ingested row paid for and no query used (index statistics after a
 * 20,000-event load on PostgreSQL, docs/benchmarks.md):
 *
 * - `deployments_rollback_of_idx` repeats `dora_deployments_rollback_of_idx` column for column;
 * - `environment_commits_deployment_idx`: no query looks commits up by their first deployment
 *   (they are read by entity and environment, or by commit);
 * - `events_entity_idx` indexed the entity of every event, while the only queries on that
 *   column look for events that match no entity yet. A partial index of those, in the order
 *   they are read, is empty in a healthy ledger instead of as large as it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.dropIndex(['rollback_of'], 'deployments_rollback_of_idx');
  });
  await knex.schema.alterTable('environment_commits', table => {
    table.dropIndex(
      ['first_deployment_id'],
      'environment_commits_deployment_idx',
    );
  });
  await knex.schema.alterTable('events', table => {
    table.dropIndex(['entity_ref'], 'events_entity_idx');
    table.index(['received_at'], 'events_unmapped_idx', {
      predicate: knex.whereNull('entity_ref'),
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('events', table => {
    table.dropIndex(['received_at'], 'events_unmapped_idx');
    table.index(['entity_ref'], 'events_entity_idx');
  });
  await knex.schema.alterTable('environment_commits', table => {
    table.index(['first_deployment_id'], 'environment_commits_deployment_idx');
  });
  await knex.schema.alterTable('deployments', table => {
    table.index(['rollback_of'], 'deployments_rollback_of_idx');
  });
};
