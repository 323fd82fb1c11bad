// @ts-check

/**
 * Policy gates of a rollout (fixed when it starts, like its SLO gates), and freezes declared
 * at runtime through the API, which readiness merges with the configured ones.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('rollouts', table => {
    table
      .text('policy_gates')
      .nullable()
      .comment(
        'JSON policy gates (provenance, promotion, readiness); null: none',
      );
  });

  await knex.schema.createTable('runtime_freezes', table => {
    table.comment(
      'Freezes declared through the API; lifting keeps the row (lifted_at) for the record',
    );
    table.string('id', 36).primary();
    table.string('name', 200).notNullable();
    table
      .string('scope', 120)
      .notNullable()
      .comment("'organisation' or the environment name");
    table.bigInteger('starts_at').notNullable();
    table.bigInteger('ends_at').notNullable();
    table.text('reason').notNullable();
    table.string('declared_by', 255).notNullable();
    table.bigInteger('declared_at').notNullable();
    table.string('lifted_by', 255).nullable();
    table.bigInteger('lifted_at').nullable();
    table.text('lift_reason').nullable();
    // One freeze of a name per scope may be in force: set while it is, null once lifted or
    // over. A unique index makes two concurrent declarations of the same freeze write one row.
    table
      .string('active_key', 330)
      .nullable()
      .unique({ indexName: 'runtime_freezes_active_uq' });
    table.index(['lifted_at', 'ends_at'], 'runtime_freezes_active_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('runtime_freezes');
  await knex.schema.alterTable('rollouts', table => {
    table.dropColumn('policy_gates');
  });
};
