// @ts-check

/**
 * A version per source state value, raised by every write, so that a write can be made
 * conditional on nobody having written the key since it was read (two replicas pulling, or a
 * pull and a webhook, must not undo each other's cursor).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('source_state', table => {
    table
      .integer('version')
      .notNullable()
      .defaultTo(1)
      .comment('Raised by every write; conditional writes compare it');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('source_state', table => {
    table.dropColumn('version');
  });
};
