import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { greenlightPermissions } from '@greenlight/backstage-plugin-greenlight-common';
import {
  AttestationVerifier,
  greenlightMetricProvidersExtensionPoint,
  greenlightIngestionSourcesExtensionPoint,
  greenlightRollbackExecutorsExtensionPoint,
  greenlightVerifiersExtensionPoint,
  IngestionSource,
  MetricProvider,
  RollbackExecutor,
} from '@greenlight/backstage-plugin-greenlight-node';
import { readEnvironments, readMaxBodySize } from './config';
import { GreenlightContext } from './context';
import { KnexLedgerStore } from './database/KnexLedgerStore';
import { doraFeature } from './dora/feature';
import { governanceFeature } from './governance/feature';
import { provenanceFeature } from './provenance/feature';
import { BUILTIN_VERIFIER } from './provenance/service/judge';
import { registrationsFeature } from './registrations/feature';
import { rolloutsFeature } from './rollouts/feature';
import { createRouter } from './router';
import { ServiceScopes } from './router/serviceScopes';
import { CatalogEntityResolver } from './service/EntityResolver';
import { IngestService } from './service/IngestService';
import { auditWrites } from './platform/auditWrites';
import { assertSourceId, registerSources } from './sources/registerSources';
import { sourceRoutes } from './sources/sourceRoutes';
import { SourceStateStore } from './sources/SourceStateStore';
import { EntitySignals } from './platform/entitySignals';

function addUnique<T extends { id: string }>(map: Map<string, T>, item: T, what: string) {
  if (map.has(item.id)) throw new Error(`A ${what} with id '${item.id}' is already registered`);
  map.set(item.id, item);
}

/**
 * The Greenlight backend plugin: the delivery ledger and everything that reads it.
 *
 * @public
 */
export const greenlightPlugin = createBackendPlugin({
  pluginId: 'greenlight',
  register(env) {
    const metricProviders = new Map<string, MetricProvider>();
    const rollbackExecutors = new Map<string, RollbackExecutor>();
    const verifiers: AttestationVerifier[] = [];
    const ingestionSources = new Map<string, IngestionSource>();
    env.registerExtensionPoint(greenlightMetricProvidersExtensionPoint, {
      // Variadic, as the extension point declares: every provider of one call is added.
      addMetricProvider: (...providers) =>
        providers.forEach(provider => addUnique(metricProviders, provider, 'metric provider')),
    });
    env.registerExtensionPoint(greenlightRollbackExecutorsExtensionPoint, {
      addRollbackExecutor: (...executors) =>
        executors.forEach(executor => addUnique(rollbackExecutors, executor, 'rollback executor')),
    });
    env.registerExtensionPoint(greenlightVerifiersExtensionPoint, {
      // Verdicts are keyed by (attestation, digest, verifier id): a shared id would overwrite
      // another verifier's verdict (SQLite) or fail the whole insert (PostgreSQL).
      addVerifier: (...added) =>
        added.forEach(verifier => {
          if (verifier.id === BUILTIN_VERIFIER) {
            throw new Error(`The verifier id '${verifier.id}' is reserved for the built-in verifier`);
          }
          addUnique(new Map(verifiers.map(v => [v.id, v])), verifier, 'verifier');
          verifiers.push(verifier);
        }),
    });
    env.registerExtensionPoint(greenlightIngestionSourcesExtensionPoint, {
      addIngestionSource: (...sources) =>
        sources.forEach(source => {
          assertSourceId(source.id);
          addUnique(ingestionSources, source, 'ingestion source');
        }),
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        auditor: coreServices.auditor,
        notifications: notificationService,
        // Its default implementation publishes through the events service, so the plugin runs
        // without the signals backend; open pages then keep polling.
        signals: signalsServiceRef,
      },
      async init(deps) {
        const { config, logger, database, httpRouter, scheduler } = deps;
        const store = await KnexLedgerStore.create({ database, logger });
        const resolver = new CatalogEntityResolver(deps.catalog, deps.auth);
        const ingest = new IngestService(store, resolver, logger);
        deps.permissionsRegistry.addPermissions(greenlightPermissions);
        const serviceScopes = ServiceScopes.fromConfig(config, deps);
        const entitySignals = new EntitySignals(deps.signals, logger);
        // Registered first, so open pages hear of new events before slower listeners (DORA) run.
        ingest.onApplied(rows =>
          entitySignals.changed(
            rows.map(r => r.entityRef),
            'ledger',
          ),
        );

        await scheduler.scheduleTask({
          id: 'greenlight-attach-unmapped',
          frequency: { seconds: 60 },
          timeout: { seconds: 50 },
          initialDelay: { seconds: 30 },
          scope: 'global',
          fn: async () => {
            resolver.forgetMisses();
            const attached = await ingest.attachUnmapped(keys => resolver.resolveAll(keys), 1000);
            if (attached > 0) logger.info(`Attached ${attached} previously unmapped event(s)`);
          },
        });

        const ctx: GreenlightContext = {
          config,
          logger,
          knex: store.knex,
          skipMigrations: Boolean(database.migrations?.skip),
          scheduler,
          auth: deps.auth,
          httpAuth: deps.httpAuth,
          permissions: deps.permissions,
          auditor: deps.auditor,
          notifications: deps.notifications,
          entitySignals,
          catalog: deps.catalog,
          serviceScopes,
          urlReader: deps.urlReader,
          store,
          ingest,
          environments: readEnvironments(config),
          metricProviders,
          rollbackExecutors,
          verifiers,
          releaseEnrichers: [],
        };
        const features = [
          provenanceFeature,
          rolloutsFeature,
          doraFeature,
          governanceFeature,
          registrationsFeature,
        ];
        const featureRouters = [];
        for (const feature of features) {
          const router = await feature(ctx);
          if (router) featureRouters.push(router);
        }

        const sources = await registerSources([...ingestionSources.values()], {
          logger,
          auth: deps.auth,
          catalog: deps.catalog,
          ingest,
          scheduler,
          state: new SourceStateStore(store.knex),
        });

        httpRouter.use(auditWrites({ auditor: deps.auditor, logger }));
        // Before the main router: source webhooks need their raw bodies for signatures.
        httpRouter.use(
          sourceRoutes({
            sources,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            serviceScopes,
            maxBodySize: readMaxBodySize(config),
          }),
        );
        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            serviceScopes,
            store,
            ingest,
            environments: ctx.environments,
            maxBodySize: readMaxBodySize(config),
            config,
            featureRouters,
            releaseEnrichers: ctx.releaseEnrichers,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // GitHub cannot present Backstage credentials; its HMAC signature is checked instead.
        httpRouter.addAuthPolicy({ path: '/v1/webhooks/github', allow: 'unauthenticated' });
        // Likewise each source's tool: its webhook checks the tool's own signature or token.
        httpRouter.addAuthPolicy({
          path: '/v1/sources/:sourceId/webhook',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
