// @ts-check

/**
 * Services registered when they are created (by the scaffolder), before their first
 * pipeline run: the promotion path, the SLO gates and the provenance to expect.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('service_registrations', table => {
    table.comment('What a service declared at creation; one row per entity, replaced by each change');
    table
      .string('entity_ref', 255)
      .primary()
      .comment('lower-cased, so that one entity cannot be registered twice under different spellings');
    table.string('owner', 255).notNullable();
    table.text('environments').notNullable().comment('JSON, sorted in promotion order');
    table.text('gates').notNullable().comment('JSON');
    table.text('provenance').notNullable().comment('JSON');
    table.text('rollout').nullable().comment('JSON');
    table
      .string('content_hash', 64)
      .notNullable()
      .comment('sha256 of the canonical registration; an identical PUT compares equal and writes nothing');
    table.bigInteger('created_at').notNullable();
    table.string('created_by', 255).notNullable();
    table.bigInteger('updated_at').notNullable();
    table.string('updated_by', 255).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('service_registrations');
};
