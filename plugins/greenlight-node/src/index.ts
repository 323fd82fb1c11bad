/**
 * Extension points of the Greenlight backend: metric providers for SLO gates, rollback
 * executors, attestation verifiers and ingestion sources; and `greenlightServiceRef`, the Greenlight API for
 * other backend plugins.
 *
 * @packageDocumentation
 */

export * from './metricProvider';
export * from './rollbackExecutor';
export * from './attestationVerifier';
export * from './ingestionSource';
export * from './extensions';
export * from './service';
export * from './githubIds';
export * from './webhookSecrets';
