// @ts-check

/**
 * Durable state of ingestion sources (cursors, progress, ETags), so a pull resumes where
 * it stopped after a restart and every replica sees the same cursor.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('source_state', table => {
    table.comment(
      'Per-source durable values: pull cursors, backfill progress, ETags',
    );
    table.string('source_id', 32).notNullable();
    table.string('key', 255).notNullable();
    table.text('value').notNullable().comment('JSON');
    table.bigInteger('updated_at').notNullable();
    table.primary(['source_id', 'key']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('source_state');
};
