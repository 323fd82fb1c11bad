/**
 * Extension points of the Greenlight backend: metric providers for SLO gates, rollback
 * executors and attestation verifiers; and `greenlightServiceRef`, the Greenlight API for
 * other backend plugins.
 *
 * @packageDocumentation
 */

export * from './metricProvider';
export * from './rollbackExecutor';
export * from './attestationVerifier';
export * from './extensions';
export * from './service';
