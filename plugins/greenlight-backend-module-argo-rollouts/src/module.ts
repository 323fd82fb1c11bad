import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { greenlightRollbackExecutorsExtensionPoint } from '@greenlight/backstage-plugin-greenlight-node';
import { ArgoRolloutsExecutor } from './ArgoRolloutsExecutor';
import { readArgoExecutorConfig } from './config';

/**
 * The annotation naming an entity's Argo Rollout, as Argo CD's own tooling uses it; the
 * entity's name when absent. It only names the Rollout: whoever edits the entity could name
 * any, so the Rollout itself must carry `greenlight.dev/entity-ref` naming the entity.
 *
 * @public
 */
export const ARGO_ROLLOUT_NAME_ANNOTATION = 'argocd/rollout-name';

/**
 * Rolls back Argo Rollouts through the Kubernetes API, configured under
 * `greenlight.rollouts.argo`.
 *
 * @public
 */
export const greenlightModuleArgoRollouts = createBackendModule({
  pluginId: 'greenlight',
  moduleId: 'argo-rollouts',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        executors: greenlightRollbackExecutorsExtensionPoint,
      },
      async init({ config, logger, auth, catalog, executors }) {
        const argo = readArgoExecutorConfig(config);
        if (!argo) {
          // Installed but not configured: say so, and let the plugin start without it.
          logger.warn(
            'greenlight.rollouts.argo is not configured; the Argo Rollouts rollback executor is not registered',
          );
          return;
        }
        executors.addRollbackExecutor(
          new ArgoRolloutsExecutor(argo, async entityRef => {
            // A rollback is the plugin's own background work, not a user's request.
            const entity = await catalog.getEntityByRef(entityRef, {
              credentials: await auth.getOwnServiceCredentials(),
            });
            if (!entity)
              throw new Error(`entity ${entityRef} is not in the catalog`);
            return (
              entity.metadata.annotations?.[ARGO_ROLLOUT_NAME_ANNOTATION] ??
              entity.metadata.name
            );
          }),
        );
      },
    });
  },
});
