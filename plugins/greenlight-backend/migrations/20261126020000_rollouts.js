// @ts-check

/**
 * Rollouts watched by SLO gates, and every gate evaluation kept as evidence. Times are
 * epoch milliseconds (bigint), like the ledger's.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('rollouts', table => {
    table.comment(
      'Progressive deployments under watch: a persisted state machine',
    );
    table.string('id', 64).primary();
    table
      .string('deployment_id', 255)
      .notNullable()
      .unique('rollouts_deployment_uq');
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 100).notNullable();
    table.string('artifact_digest', 140).nullable();
    table.string('strategy', 16).notNullable();
    table.string('state', 32).notNullable();
    table.text('state_reason').nullable();
    table
      .text('gates')
      .notNullable()
      .comment('JSON gate definitions, fixed when the rollout starts');
    table
      .string('gate_source', 255)
      .notNullable()
      .comment('where the gates came from');
    table
      .text('gate_states')
      .notNullable()
      .comment('JSON per gate: next due time and outcomes so far');
    table.bigInteger('started_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table
      .bigInteger('next_evaluation_at')
      .nullable()
      .comment('earliest due gate; null unless analysing');
    table
      .string('lease_owner', 128)
      .nullable()
      .comment('watcher instance evaluating the rollout now');
    table.bigInteger('leased_until').nullable();
    table
      .string('rollback_status', 16)
      .nullable()
      .comment('pending, succeeded or failed; set once, by the claim');
    table.string('rollback_executor', 100).nullable();
    table.integer('rollback_attempts').notNullable().defaultTo(0);
    table.text('rollback_reason').nullable();
    table.text('rollback_evidence').nullable();
    table.text('rollback_last_error').nullable();
    table.bigInteger('rollback_next_attempt_at').nullable();
    table.bigInteger('rollback_executed_at').nullable();
    table.index(['state', 'next_evaluation_at'], 'rollouts_due_idx');
    table.index(
      ['rollback_status', 'rollback_next_attempt_at'],
      'rollouts_rollback_due_idx',
    );
    table.index(['entity_ref', 'started_at'], 'rollouts_entity_idx');
  });

  await knex.schema.createTable('rollout_evaluations', table => {
    table.comment(
      'Every gate evaluation of every rollout: query, samples, verdict, decision',
    );
    table.bigIncrements('seq').primary();
    table.string('rollout_id', 64).notNullable();
    table.bigInteger('at').notNullable();
    table
      .bigInteger('due_at')
      .notNullable()
      .comment('when the evaluation was due; at - due_at is the lag');
    table.string('gate_id', 255).notNullable();
    table.string('kind', 32).notNullable();
    table.boolean('shadow').notNullable();
    table.text('query').notNullable();
    table.double('value').nullable();
    table.double('threshold').nullable();
    table.string('verdict', 16).notNullable();
    table.string('outcome', 16).notNullable();
    table.string('decision', 32).notNullable();
    table.text('reason').notNullable();
    table.integer('sample_count').notNullable();
    table
      .text('evidence')
      .nullable()
      .comment('JSON: bounded sample summary per query and evaluation details');
    table.index(['rollout_id', 'seq'], 'rollout_evaluations_rollout_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('rollout_evaluations');
  await knex.schema.dropTable('rollouts');
};
