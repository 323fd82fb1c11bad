import {
  BackstageCredentials,
  createBackendModule,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  greenlightMetricProvidersExtensionPoint,
  greenlightRollbackExecutorsExtensionPoint,
  MetricProvider,
  RollbackExecutor,
} from '@greenlight/backstage-plugin-greenlight-node';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { greenlightPlugin } from '../../plugin';

export { component } from '@greenlight/test-utils';

/**
 * A catalog in which entities whose name starts with `restricted-` are visible to
 * services only, so that forwarding the caller's credentials is observable.
 */
export function catalogFor(entities: Entity[]) {
  const byRef = new Map(
    entities.map(e => [`component:default/${e.metadata.name}`, e]),
  );
  const visible = (ref: string, options: unknown) => {
    const entity = byRef.get(String(ref).toLowerCase());
    const principal = (options as { credentials?: BackstageCredentials })
      ?.credentials?.principal as any;
    if (!entity) return undefined;
    if (
      entity.metadata.name.startsWith('restricted-') &&
      principal?.type !== 'service'
    ) {
      return undefined;
    }
    return entity;
  };
  return catalogServiceMock.mock({
    getEntityByRef: async (ref, options) => visible(String(ref), options),
    getEntitiesByRefs: async (req, options) => ({
      items: req.entityRefs.map(ref => visible(ref, options)),
    }),
  });
}

/**
 * Permission decisions per user: `user:default/mallory` may only read, `user:default/eve`
 * may act on rollouts but not override gates; everyone else (and services) may do all.
 */
export function permissionsByUser() {
  return mockServices.permissions.mock({
    authorize: async (requests: any[], options: any) => {
      const principal = options?.credentials?.principal;
      const user =
        principal?.type === 'user' ? principal.userEntityRef : undefined;
      return requests.map(r => {
        const name: string = r.permission.name;
        let allowed = true;
        if (user === 'user:default/mallory')
          allowed = name === 'greenlight.release.read';
        if (user === 'user:default/eve')
          allowed = name !== 'greenlight.gate.override';
        return {
          result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
        };
      });
    },
  } as any);
}

/** Registers metric providers and rollback executors the way a backend module does. */
export function extensionsModule(
  providers: MetricProvider[],
  executors: RollbackExecutor[],
) {
  return createBackendModule({
    pluginId: 'greenlight',
    moduleId: 'rollout-test-extensions',
    register(env) {
      env.registerInit({
        deps: {
          metrics: greenlightMetricProvidersExtensionPoint,
          rollbacks: greenlightRollbackExecutorsExtensionPoint,
        },
        async init({ metrics, rollbacks }) {
          if (providers.length) metrics.addMetricProvider(...providers);
          if (executors.length) rollbacks.addRollbackExecutor(...executors);
        },
      });
    },
  });
}

/** The real plugin on a given database, with the catalog, config and extensions a test needs. */
export async function startRolloutBackend(options: {
  knex: Knex;
  entities: Entity[];
  config?: JsonObject;
  providers?: MetricProvider[];
  executors?: RollbackExecutor[];
  scheduler?: ServiceFactory;
  extra?: Array<ServiceFactory | ReturnType<typeof createBackendModule>>;
}) {
  return startTestBackend({
    features: [
      greenlightPlugin,
      mockServices.database.factory({ knex: options.knex }),
      catalogFor(options.entities).factory,
      mockServices.rootConfig.factory({
        data: { greenlight: options.config ?? {} },
      }),
      permissionsByUser().factory,
      extensionsModule(options.providers ?? [], options.executors ?? []),
      ...(options.scheduler ? [options.scheduler] : []),
      ...(options.extra ?? []),
    ],
  });
}

/** A production `deployment.started` of `entityRef`, as a pipeline reports a rolling one now. */
export function deploymentStarted(
  id: string,
  entityRef: string,
  artifactDigest?: string,
) {
  return {
    id: `evt-${id}`,
    type: 'deployment.started' as const,
    entityRef,
    deployment: {
      id,
      environment: 'production',
      status: 'started' as const,
      strategy: 'rolling',
      startedAt: new Date().toISOString(),
      ...(artifactDigest ? { artifactDigest } : {}),
    },
  };
}
