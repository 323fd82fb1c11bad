// @ts-check

/**
 * A cancelled rollback, revert or hotfix no longer makes the deployment it names a failed
 * change (docs/dora.md, change fail rate). Stored rollups were built with the earlier rule:
 * every entity is marked stale from its first day, so the next refresh rebuilds them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex('dora_entities').update({
    stale_version: knex.raw('stale_version + 1'),
    stale_from: '0000-00-00',
  });
};

/**
 * Nothing to undo: rebuilding is always safe, and the earlier code rebuilds with its rule.
 *
 * @param {import('knex').Knex} _knex
 */
exports.down = async function down(_knex) {};
