import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { greenlightIngestionSourcesExtensionPoint } from '@greenlight/backstage-plugin-greenlight-node';
import { GITLAB_PROJECT_SLUG, gitlabWebhook } from './webhook';

/**
 * The `gitlab` ingestion source: GitLab deployment, pipeline and merge request webhooks.
 * Without `greenlight.sources.gitlab.webhookSecret` it logs that it is disabled and adds
 * nothing.
 *
 * @public
 */
export const greenlightModuleGitlab = createBackendModule({
  pluginId: 'greenlight',
  moduleId: 'gitlab-source',
  register(env) {
    env.registerInit({
      deps: {
        sources: greenlightIngestionSourcesExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ sources, config, logger }) {
        const secret = config.getOptionalString(
          'greenlight.sources.gitlab.webhookSecret',
        );
        if (!secret) {
          logger.info(
            'The GitLab ingestion source is disabled: greenlight.sources.gitlab.webhookSecret is not configured',
          );
          return;
        }
        sources.addIngestionSource({
          id: 'gitlab',
          annotations: [GITLAB_PROJECT_SLUG],
          webhook: gitlabWebhook(secret),
        });
      },
    });
  },
});
