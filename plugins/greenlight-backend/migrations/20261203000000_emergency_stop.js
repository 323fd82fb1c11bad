// @ts-check

/**
 * Emergency stops: one row per scope while it is pulled; lifting deletes the row (the audit log
 * keeps the history).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('emergency_stops', table => {
    table.comment(
      'Emergency stops in force; readiness denies and the rollout watcher holds rollouts in scope',
    );
    table
      .string('scope', 120)
      .primary()
      .comment("'organisation' or the environment name");
    table.text('reason').notNullable();
    table.string('pulled_by', 255).notNullable();
    table.bigInteger('pulled_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('emergency_stops');
};
