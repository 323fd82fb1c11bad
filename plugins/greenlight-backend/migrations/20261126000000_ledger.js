// @ts-check

/**
 * The delivery ledger. Times are epoch milliseconds (bigint) so that ordering and range
 * scans behave the same on SQLite and PostgreSQL.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('events', table => {
    table.comment('Every accepted event, as received; the ledger is a projection of it');
    table.string('id', 255).primary().comment('source-qualified event id');
    table.string('source', 32).notNullable();
    table.string('type', 64).notNullable();
    table.string('subject_key', 255).notNullable().comment('what the event is about, e.g. deployment:<id>');
    table.bigInteger('event_time').notNullable();
    table.bigInteger('received_at').notNullable();
    table.string('actor', 255).notNullable().comment('principal that posted the event');
    table.string('entity_ref', 255).nullable();
    table.text('mapping_keys').nullable().comment('JSON subject fields used to find the entity');
    table.text('payload').notNullable();
    table.index(['subject_key'], 'events_subject_idx');
    table.index(['entity_ref'], 'events_entity_idx');
  });

  await knex.schema.createTable('builds', table => {
    table.string('id', 255).primary();
    table.string('entity_ref', 255).nullable();
    table.string('repository', 255).nullable();
    table.string('commit_sha', 64).nullable();
    table.text('url').nullable();
    table.string('builder', 255).nullable();
    table.string('build_type', 255).nullable();
    table.string('inputs_digest', 255).nullable();
    table.string('status', 16).notNullable();
    table.bigInteger('started_at').nullable();
    table.bigInteger('finished_at').nullable();
    table.index(['commit_sha'], 'builds_commit_idx');
  });

  await knex.schema.createTable('artifacts', table => {
    table.string('digest', 140).primary();
    table.string('entity_ref', 255).nullable();
    table.string('name', 255).notNullable();
    table.string('purl', 500).nullable();
    table.string('build_id', 255).nullable();
    table.string('commit_sha', 64).nullable();
    table.string('repository', 255).nullable();
    table.bigInteger('created_at').nullable();
    table.index(['entity_ref'], 'artifacts_entity_idx');
    table.index(['commit_sha'], 'artifacts_commit_idx');
  });

  await knex.schema.createTable('deployments', table => {
    table.string('id', 255).primary();
    table.string('entity_ref', 255).nullable();
    table.string('environment', 100).notNullable();
    table.string('artifact_digest', 140).nullable();
    table.string('version', 255).nullable();
    table.string('commit_sha', 64).nullable();
    table.string('strategy', 16).notNullable();
    table.string('status', 16).notNullable();
    table.string('intent', 16).notNullable();
    table.bigInteger('started_at').nullable();
    table.bigInteger('finished_at').nullable();
    table.bigInteger('sort_time').notNullable().comment('finished_at, else started_at, else event time');
    table.string('actor', 255).nullable();
    table.string('source_system', 100).nullable();
    table.text('url').nullable();
    table.string('rollback_of', 255).nullable();
    table.string('replaces', 255).nullable();
    table.index(['entity_ref', 'sort_time', 'id'], 'deployments_entity_time_idx');
    table.index(['entity_ref', 'environment', 'sort_time'], 'deployments_env_time_idx');
    table.index(['artifact_digest'], 'deployments_digest_idx');
  });

  await knex.schema.createTable('deployment_commits', table => {
    table.comment('The commits each deployment contains, as reported by its pipeline');
    table.string('deployment_id', 255).notNullable();
    table.string('commit_sha', 64).notNullable();
    table.primary(['deployment_id', 'commit_sha']);
    table.index(['commit_sha'], 'deployment_commits_sha_idx');
  });

  await knex.schema.createTable('environment_commits', table => {
    table.comment('Where each commit first arrived: the earliest successful deployment per entity and environment that contained it');
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 100).notNullable();
    table.string('commit_sha', 64).notNullable();
    table.string('first_deployment_id', 255).notNullable();
    table.bigInteger('first_time').notNullable();
    table.primary(['entity_ref', 'environment', 'commit_sha']);
    table.index(['first_deployment_id'], 'environment_commits_deployment_idx');
    table.index(['commit_sha'], 'environment_commits_sha_idx');
  });

  await knex.schema.createTable('commits', table => {
    table.string('sha', 64).notNullable();
    table.string('repository', 255).notNullable();
    table.bigInteger('authored_at').nullable();
    table.bigInteger('committed_at').notNullable();
    table.bigInteger('merged_at').nullable();
    table.string('author', 255).nullable();
    table.integer('pr_number').nullable();
    table.string('title', 500).nullable();
    table.primary(['sha', 'repository']);
    table.index(['sha'], 'commits_sha_idx');
  });

  await knex.schema.createTable('incidents', table => {
    table.string('id', 255).primary();
    table.string('severity', 32).nullable();
    table.string('title', 500).nullable();
    table.bigInteger('detected_at').nullable();
    table.bigInteger('resolved_at').nullable();
    table.string('deployment_id', 255).nullable();
    table.text('evidence').nullable();
    table.index(['deployment_id'], 'incidents_deployment_idx');
  });

  await knex.schema.createTable('incident_entities', table => {
    table.string('incident_id', 255).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.primary(['incident_id', 'entity_ref']);
    table.index(['entity_ref'], 'incident_entities_entity_idx');
  });

  await knex.schema.createTable('test_runs', table => {
    table.string('id', 255).primary();
    table.string('entity_ref', 255).nullable();
    table.string('suite', 255).notNullable();
    table.string('outcome', 16).notNullable();
    table.string('build_id', 255).nullable();
    table.string('commit_sha', 64).nullable();
    table.string('artifact_digest', 140).nullable();
    table.string('environment', 100).nullable();
    table.integer('total').nullable();
    table.integer('failures').nullable();
    table.bigInteger('started_at').nullable();
    table.bigInteger('finished_at').nullable();
    table.text('url').nullable();
    table.index(['commit_sha'], 'test_runs_commit_idx');
    table.index(['artifact_digest'], 'test_runs_digest_idx');
    table.index(['build_id'], 'test_runs_build_idx');
  });

  await knex.schema.createTable('audit_log', table => {
    table.comment('Append-only: every write with its actor');
    table.bigIncrements('seq').primary();
    table.bigInteger('at').notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 64).notNullable();
    table.string('subject_type', 32).notNullable();
    table.string('subject_id', 255).notNullable();
    table.string('entity_ref', 255).nullable();
    table.text('details').nullable();
    table.index(['subject_type', 'subject_id'], 'audit_subject_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of [
    'audit_log',
    'test_runs',
    'incident_entities',
    'incidents',
    'commits',
    'environment_commits',
    'deployment_commits',
    'deployments',
    'artifacts',
    'builds',
    'events',
  ]) {
    await knex.schema.dropTable(table);
  }
};
