import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { greenlightPermissions } from '@greenlight/backstage-plugin-greenlight-common';
import { readEnvironments, readMaxBodySize } from './config';
import { KnexLedgerStore } from './database/KnexLedgerStore';
import { createRouter } from './router';
import { CatalogEntityResolver } from './service/EntityResolver';
import { IngestService } from './service/IngestService';

/**
 * The Greenlight backend plugin: the delivery ledger and everything that reads it.
 *
 * @public
 */
export const greenlightPlugin = createBackendPlugin({
  pluginId: 'greenlight',
  register(env) {
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
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, logger, database, httpRouter, scheduler } = deps;
        const store = await KnexLedgerStore.create({ database });
        const resolver = new CatalogEntityResolver(deps.catalog, deps.auth);
        const ingest = new IngestService(store, resolver, logger);
        deps.permissionsRegistry.addPermissions(greenlightPermissions);

        await scheduler.scheduleTask({
          id: 'greenlight-attach-unmapped',
          frequency: { seconds: 60 },
          timeout: { seconds: 50 },
          initialDelay: { seconds: 30 },
          scope: 'global',
          fn: async () => {
            resolver.forgetMisses();
            const attached = await store.attachUnmapped(keys => resolver.resolve(keys), 1000);
            if (attached > 0) logger.info(`Attached ${attached} previously unmapped event(s)`);
          },
        });

        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            store,
            ingest,
            environments: readEnvironments(config),
            maxBodySize: readMaxBodySize(config),
            config,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // GitHub cannot present Backstage credentials; its HMAC signature is checked instead.
        httpRouter.addAuthPolicy({ path: '/v1/webhooks/github', allow: 'unauthenticated' });
      },
    });
  },
});
