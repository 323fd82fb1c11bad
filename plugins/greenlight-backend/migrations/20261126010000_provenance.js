// @ts-check

/**
 * Artifact provenance: attestations as received, the verdicts reached on them, and the
 * position of the task that catches up on artifact events the ingest listener missed.
 * Times are epoch milliseconds (bigint), like the ledger's.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('attestations', table => {
    table.comment(
      'Attestations (DSSE envelopes, Sigstore bundles, …) stored as received',
    );
    table
      .string('id', 64)
      .notNullable()
      .comment('sha256 hex of the canonical content');
    table.string('artifact_digest', 140).notNullable();
    table.string('media_type', 255).notNullable();
    table.text('content').notNullable().comment('the attestation as received');
    table
      .string('entity_ref', 255)
      .nullable()
      .comment('entity named when it was posted');
    table
      .string('source_event_id', 255)
      .nullable()
      .comment('the artifact event that carried it, if any');
    table.string('received_by', 255).notNullable();
    table.bigInteger('received_at').notNullable();
    // One statement may name several subjects, so the same content can attest several artifacts.
    table.primary(['id', 'artifact_digest']);
    table.index(['artifact_digest'], 'attestations_digest_idx');
  });

  await knex.schema.createTable('attestation_verdicts', table => {
    table.comment(
      'The latest verdict of each verifier on each attestation of an artifact',
    );
    table.string('attestation_id', 64).notNullable();
    table.string('artifact_digest', 140).notNullable();
    table
      .string('verifier', 100)
      .notNullable()
      .comment('greenlight, or the id of an extension verifier');
    table.string('status', 16).notNullable();
    table.text('reason').nullable();
    table.text('key_id').nullable();
    table.text('key_ids').nullable().comment('JSON array');
    table
      .text('identity')
      .nullable()
      .comment('JSON { issuer, subject } of a keyless signer');
    table.text('builder_id').nullable();
    table.integer('slsa_level').nullable();
    table.text('build_type').nullable();
    table.text('predicate_type').nullable();
    table.text('source_repository').nullable();
    table.string('source_commit', 64).nullable();
    table.text('invocation_id').nullable();
    table.text('subjects').nullable().comment('JSON array of in-toto subjects');
    table
      .text('build_inputs')
      .nullable()
      .comment('canonical externalParameters and resolvedDependencies');
    table
      .text('details')
      .nullable()
      .comment('JSON details from an extension verifier');
    table.bigInteger('verified_at').notNullable();
    table.string('policy_fingerprint', 64).notNullable();
    table.primary(['attestation_id', 'artifact_digest', 'verifier']);
    table.index(['artifact_digest'], 'attestation_verdicts_digest_idx');
    table.index(['verified_at'], 'attestation_verdicts_time_idx');
  });

  // Promotion verdicts look up a release's earlier deployments by entity and commit.
  await knex.schema.alterTable('deployments', table => {
    table.index(['entity_ref', 'commit_sha'], 'deployments_entity_commit_idx');
  });

  await knex.schema.createTable('provenance_cursors', table => {
    table.comment('How far a provenance task has read the events table');
    table.string('name', 64).primary();
    table.bigInteger('received_at').notNullable();
    table.string('event_id', 255).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('provenance_cursors');
  await knex.schema.alterTable('deployments', table => {
    table.dropIndex(
      ['entity_ref', 'commit_sha'],
      'deployments_entity_commit_idx',
    );
  });
  await knex.schema.dropTable('attestation_verdicts');
  await knex.schema.dropTable('attestations');
};
