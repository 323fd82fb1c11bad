// @ts-check

/**
 * People's decisions about incidents that no evidence tied to a deployment: caused by a
 * given deployment, or by no change. The ledger applies them whenever it re-derives the
 * incident, so they hold until undone, whatever events arrive later.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('incident_attributions', table => {
    table.comment(
      'Attributions of incidents made by people, which DORA counts',
    );
    table.string('incident_id', 255).primary();
    table
      .string('verdict', 16)
      .notNullable()
      .comment('deployment or not-a-change');
    table.string('deployment_id', 255).nullable();
    table.text('note').nullable();
    table.string('actor', 255).notNullable();
    table.bigInteger('attributed_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('incident_attributions');
};
