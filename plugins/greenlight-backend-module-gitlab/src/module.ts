import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { greenlightIngestionSourcesExtensionPoint } from '@greenlight/backstage-plugin-greenlight-node';
import { readGitlabSecrets } from './projectSecrets';
import { GITLAB_PROJECT_SLUG, gitlabWebhook } from './webhook';

/**
 * The `gitlab` ingestion source: GitLab deployment, pipeline and merge request webhooks.
 * Without a secret (`greenlight.sources.gitlab.webhookSecret` or one under `projects`) it
 * logs that it is disabled and adds nothing.
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
        const secrets = readGitlabSecrets(
          config.getOptionalConfig('greenlight.sources.gitlab'),
        );
        if (!secrets.fallback && secrets.entries.length === 0) {
          logger.info(
            'The GitLab ingestion source is disabled: neither greenlight.sources.gitlab.webhookSecret nor greenlight.sources.gitlab.projects is configured',
          );
          return;
        }
        sources.addIngestionSource({
          id: 'gitlab',
          annotations: [GITLAB_PROJECT_SLUG],
          webhook: gitlabWebhook(secrets),
        });
      },
    });
  },
});
