// @ts-check

/**
 * What the rollback rule (src/service/rollbackRule.ts) completed on a deployment row: the
 * deployment whose artifact a rollback restores, and the values the deployment's own events
 * reported for the fields the rule changed, so the rule can be re-applied from the facts.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('deployments', table => {
    table
      .string('restored_from', 255)
      .nullable()
      .comment(
        'for a rollback: the deployment that first shipped the artifact it restores',
      );
    table
      .text('rule_overrides')
      .nullable()
      .comment(
        'JSON of the reported values of the fields the rollback rule changed',
      );
    table.index(['rollback_of'], 'deployments_rollback_of_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.dropIndex(['rollback_of'], 'deployments_rollback_of_idx');
    table.dropColumn('rule_overrides');
    table.dropColumn('restored_from');
  });
};
