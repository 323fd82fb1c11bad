import {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { EnvironmentState, Release } from '@greenlight/backstage-plugin-greenlight-common';
import {
  AttestationVerifier,
  MetricProvider,
  RollbackExecutor,
} from '@greenlight/backstage-plugin-greenlight-node';
import express from 'express';
import { Knex } from 'knex';
import { EnvironmentConfig } from './config';
import { KnexLedgerStore } from './database/KnexLedgerStore';
import { EntitySignals } from './platform/entitySignals';
import { ServiceScopes } from './router/serviceScopes';
import { IngestService } from './service/IngestService';

/** What every Greenlight feature is built from; assembled once in plugin.ts. */
export type GreenlightContext = {
  config: RootConfigService;
  logger: LoggerService;
  knex: Knex;
  /** Whether the database service asked plugins to skip their migrations. */
  skipMigrations: boolean;
  scheduler: SchedulerService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Security-relevant events for the platform's audit log (coreServices.auditor). */
  auditor: AuditorService;
  /** Tells entity owners about automatic decisions; a no-op without the notifications backend. */
  notifications: NotificationService;
  /** Tells an entity's open pages that its delivery data changed (Backstage signals). */
  entitySignals: EntitySignals;
  catalog: CatalogService;
  /** Which entities each narrowed service principal may write (greenlight.permissions). */
  serviceScopes: ServiceScopes;
  /** Reads files behind URLs through the configured integrations, e.g. an entity's SLO file. */
  urlReader: UrlReaderService;
  store: KnexLedgerStore;
  ingest: IngestService;
  environments: EnvironmentConfig[];
  /** Registered through greenlightMetricProvidersExtensionPoint, keyed by id. */
  metricProviders: Map<string, MetricProvider>;
  /** Registered through greenlightRollbackExecutorsExtensionPoint, keyed by id. */
  rollbackExecutors: Map<string, RollbackExecutor>;
  /** Registered through greenlightVerifiersExtensionPoint. */
  verifiers: AttestationVerifier[];
  /** Features that add to release and environment reads (e.g. provenance) register here. */
  releaseEnrichers: ReleaseEnricher[];
};

/**
 * Adds a feature's findings to a page of releases or environment states, in one batch per page.
 * `enrichReleases` answers the same releases in the same order with only its own fields added:
 * the enrichers of a page run at the same time and their fields are merged.
 */
export type ReleaseEnricher = {
  enrichReleases<T extends Release>(releases: T[]): Promise<T[]>;
  enrichEnvironments(states: EnvironmentState[]): Promise<EnvironmentState[]>;
};

/**
 * A capability of the plugin (provenance, rollouts, DORA, governance, registrations):
 * it may run migrations, schedule tasks and listen to ingestion, and returns its routes.
 */
export type GreenlightFeature = (ctx: GreenlightContext) => Promise<express.Router | undefined>;
