// @ts-check

/**
 * DORA review sign-offs: a team member's explicit statement that the team reviewed its figures,
 * with notes. The governance checklist counts these, not page views.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dora_signoffs', table => {
    table.comment('Explicit sign-offs of a team DORA review');
    table.string('id', 36).primary();
    table
      .string('group_ref', 255)
      .notNullable()
      .comment('lower-cased group entity ref');
    table.string('signed_by', 255).notNullable();
    table.bigInteger('signed_at').notNullable();
    table.text('notes').notNullable();
    table.bigInteger('window_from').notNullable();
    table.bigInteger('window_to').notNullable();
    table.index(['group_ref', 'signed_at'], 'dora_signoffs_group_time_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dora_signoffs');
};
