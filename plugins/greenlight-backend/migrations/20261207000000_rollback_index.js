// @ts-check

/**
 * The rollbacks of each entity's environment. A write re-applies the rollback rule to an
 * environment only when one of its rollbacks could depend on what the write changed (a
 * rollback that started at or after a changed deployment, or that names one); this index
 * answers that for a whole batch by reading the rollbacks alone, a small part of the
 * deployments, instead of every deployment of those environments.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.index(['entity_ref', 'environment'], 'deployments_rollbacks_idx', {
      predicate: knex.whereRaw("intent = 'rollback'"),
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.dropIndex(['entity_ref', 'environment'], 'deployments_rollbacks_idx');
  });
};
