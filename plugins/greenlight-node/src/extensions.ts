import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { AttestationVerifier } from './attestationVerifier';
import type { IngestionSource } from './ingestionSource';
import type { MetricProvider } from './metricProvider';
import type { RollbackExecutor } from './rollbackExecutor';

/** @public */
export interface GreenlightMetricProvidersExtensionPoint {
  addMetricProvider(...providers: MetricProvider[]): void;
}

/**
 * Lets backend modules contribute metric providers that gates query.
 *
 * @public
 */
export const greenlightMetricProvidersExtensionPoint =
  createExtensionPoint<GreenlightMetricProvidersExtensionPoint>({
    id: 'greenlight.metric-providers',
  });

/** @public */
export interface GreenlightRollbackExecutorsExtensionPoint {
  addRollbackExecutor(...executors: RollbackExecutor[]): void;
}

/**
 * Lets backend modules contribute rollback executors.
 *
 * @public
 */
export const greenlightRollbackExecutorsExtensionPoint =
  createExtensionPoint<GreenlightRollbackExecutorsExtensionPoint>({
    id: 'greenlight.rollback-executors',
  });

/** @public */
export interface GreenlightVerifiersExtensionPoint {
  addVerifier(...verifiers: AttestationVerifier[]): void;
}

/**
 * Lets backend modules contribute attestation verifiers.
 *
 * @public
 */
export const greenlightVerifiersExtensionPoint =
  createExtensionPoint<GreenlightVerifiersExtensionPoint>({
    id: 'greenlight.verifiers',
  });

/** @public */
export interface GreenlightIngestionSourcesExtensionPoint {
  addIngestionSource(...sources: IngestionSource[]): void;
}

/**
 * Lets backend modules contribute ingestion sources: webhooks and scheduled pulls that map
 * a tool's history (Argo CD, GitLab, PagerDuty, …) onto native events.
 *
 * @public
 */
export const greenlightIngestionSourcesExtensionPoint =
  createExtensionPoint<GreenlightIngestionSourcesExtensionPoint>({
    id: 'greenlight.ingestion-sources',
  });
