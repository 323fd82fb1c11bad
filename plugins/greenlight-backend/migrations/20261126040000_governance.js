// @ts-check

/**
 * Governance: readiness decisions, infrastructure drift and break-glass changes. Times are
 * epoch milliseconds (bigint), like the ledger's.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('readiness_decisions', table => {
    table.comment('Every readiness decision, with what it was asked and why it answered');
    table.string('id', 36).primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 100).notNullable();
    table.string('decision', 8).notNullable().comment('allow or block, as assessed');
    table.text('classes').notNullable().comment('JSON classes with their control results');
    table.text('policy').notNullable().comment('JSON policy results (mandatory tests)');
    table.text('missing_controls').notNullable().comment('JSON array of control ids');
    table.text('change').notNullable().comment('JSON change as requested');
    table.text('evidence').notNullable().comment('JSON evidence as requested');
    table.string('change_key', 64).nullable().comment('sha256 of the change identity; null when nothing identifies it');
    table.string('deployment_id', 255).nullable();
    table.string('artifact_digest', 140).nullable();
    table.string('commit_sha', 64).nullable();
    table.string('actor', 255).notNullable();
    table.bigInteger('decided_at').notNullable();
    table.string('override_by', 255).nullable();
    table.text('override_reason').nullable();
    table.bigInteger('overridden_at').nullable();
    table.string('override_of', 36).nullable().comment('the overridden decision this one reused');
    table.index(['entity_ref', 'decided_at'], 'readiness_entity_time_idx');
    table.index(['deployment_id'], 'readiness_deployment_idx');
    table.index(['artifact_digest'], 'readiness_digest_idx');
    table.index(['commit_sha'], 'readiness_commit_idx');
    table.index(['change_key'], 'readiness_change_key_idx');
  });

  await knex.schema.createTable('drift_reports', table => {
    table.comment('Every drift report received, Terraform plans and generic inventories');
    table.string('id', 36).primary();
    table.string('source', 255).notNullable();
    table.string('scope', 255).notNullable().comment('the entity the report is limited to, or * for the whole source');
    table.string('format', 16).notNullable();
    table.bigInteger('observed_at').notNullable();
    table.bigInteger('received_at').notNullable();
    table.string('actor', 255).notNullable();
    table.integer('resource_count').notNullable();
    table.integer('drifted_count').notNullable();
    table.boolean('stale').notNullable().comment('older than a report already applied; changed nothing');
    table.index(['source', 'observed_at'], 'drift_reports_source_idx');
  });

  await knex.schema.createTable('drift_items', table => {
    table.comment('Drifted resources: open until a later report of the same source and scope is clean');
    table.bigIncrements('id').primary();
    table.string('source', 255).notNullable();
    table.string('entity_ref', 255).nullable().comment('null when no entity could be attributed');
    table.string('address', 1000).notNullable();
    table.string('kind', 16).notNullable().comment('drift (changed outside), pending-change (plan differs), reported');
    table.string('status', 8).notNullable();
    table.text('details').nullable().comment('JSON');
    table.bigInteger('opened_at').notNullable();
    table.bigInteger('last_seen_at').notNullable();
    table.string('opened_report_id', 36).notNullable();
    table.bigInteger('closed_at').nullable();
    table.string('closed_report_id', 36).nullable();
    table.index(['entity_ref', 'status'], 'drift_items_entity_idx');
    table.index(['source', 'status'], 'drift_items_source_idx');
  });
  // At most one open item per resource: two reports applied at once cannot both open it.
  await knex.raw(
    `CREATE UNIQUE INDEX drift_items_open_uq ON drift_items (source, COALESCE(entity_ref, ''), address) WHERE status = 'open'`,
  );

  await knex.schema.createTable('break_glass', table => {
    table.comment('Emergency changes made outside the normal path, until reconciled');
    table.string('id', 36).primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 100).nullable();
    table.string('performed_by', 255).notNullable();
    table.string('recorded_by', 255).notNullable();
    table.text('what').notNullable();
    table.text('why').notNullable();
    table.bigInteger('performed_at').notNullable();
    table.bigInteger('recorded_at').notNullable();
    table.bigInteger('reconcile_by').notNullable();
    table.bigInteger('reconciled_at').nullable();
    table.string('reconciled_by', 255).nullable();
    table.text('reconcile_link').nullable();
    table.text('reconcile_note').nullable();
    table.bigInteger('overdue_flagged_at').nullable().comment('when the overdue audit entry was written');
    table.index(['entity_ref', 'performed_at'], 'break_glass_entity_idx');
    table.index(['reconciled_at', 'reconcile_by'], 'break_glass_due_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('break_glass');
  await knex.schema.dropTable('drift_items');
  await knex.schema.dropTable('drift_reports');
  await knex.schema.dropTable('readiness_decisions');
};
