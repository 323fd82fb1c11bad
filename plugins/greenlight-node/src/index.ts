/**
 * Extension points of the Greenlight backend: metric providers for SLO gates, rollback
 * executors and attestation verifiers.
 *
 * @packageDocumentation
 */

export * from './metricProvider';
export * from './rollbackExecutor';
export * from './attestationVerifier';
export * from './extensions';
