import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { greenlightIngestionSourcesExtensionPoint } from '@greenlight/backstage-plugin-greenlight-node';
import { ARGOCD_ANNOTATIONS } from './annotations';
import { readArgocdConfig } from './config';
import { pullArgocd } from './pull';
import { argocdWebhook } from './webhook';

/**
 * The `argocd` ingestion source: Argo CD sync history as deployments, pulled from the
 * Argo CD API and posted live by Argo CD notifications. Without
 * `greenlight.sources.argocd` it logs that it is disabled and adds nothing.
 *
 * @public
 */
export const greenlightModuleArgocd = createBackendModule({
  pluginId: 'greenlight',
  moduleId: 'argocd-source',
  register(env) {
    env.registerInit({
      deps: {
        sources: greenlightIngestionSourcesExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ sources, config, logger }) {
        const argocd = readArgocdConfig(config);
        if (!argocd) {
          logger.info(
            'The Argo CD ingestion source is disabled: greenlight.sources.argocd is not configured',
          );
          return;
        }
        // The entity's own annotations name the applications: without `projects`, any
        // application the instance's token can read may be recorded for any entity.
        for (const instance of argocd.instances) {
          if (!instance.projects) {
            logger.warn(
              `Argo CD instance ${instance.name} lists no projects (greenlight.sources.argocd.instances[].projects): any entity that names an application in argocd/app-name or argocd/app-selector has it read with the instance's token and its syncs recorded. List the Argo CD projects to record.`,
            );
          }
        }
        // A notification names its instance; the source-wide secret lets any instance's sender
        // name one without a secret of its own, and so step around its `environments`.
        if (argocd.webhookSecret) {
          for (const instance of argocd.instances) {
            if (instance.environments && !instance.webhookSecret) {
              logger.warn(
                `Argo CD instance ${instance.name} lists its environments but has no webhookSecret of its own: notifications signed with the source-wide secret may name it`,
              );
            }
          }
        }
        sources.addIngestionSource({
          id: 'argocd',
          annotations: [
            ARGOCD_ANNOTATIONS.appName,
            ARGOCD_ANNOTATIONS.appSelector,
          ],
          webhook: argocdWebhook(argocd),
          pull: {
            schedule: argocd.schedule,
            run: ctx => pullArgocd(argocd, ctx),
          },
        });
      },
    });
  },
});
