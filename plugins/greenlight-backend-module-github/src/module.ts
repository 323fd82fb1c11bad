import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { greenlightIngestionSourcesExtensionPoint } from '@greenlight/backstage-plugin-greenlight-node';
import { readGithubBackfillConfig } from './config';
import { githubBackfillSource } from './githubBackfillSource';

/**
 * Reads each annotated repository's recent deployments, the commits they shipped and the
 * merged pull requests from GitHub's REST API into the Greenlight ledger.
 *
 * @public
 */
export const greenlightModuleGithub = createBackendModule({
  pluginId: 'greenlight',
  moduleId: 'github',
  register(env) {
    env.registerInit({
      deps: {
        sources: greenlightIngestionSourcesExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ sources, config, logger }) {
        const read = readGithubBackfillConfig(config);
        if ('disabled' in read) {
          logger.info(`GitHub backfill disabled: ${read.disabled}`);
          return;
        }
        const credentials = DefaultGithubCredentialsProvider.fromIntegrations(
          ScmIntegrations.fromConfig(config),
        );
        sources.addIngestionSource(
          githubBackfillSource({
            config: read.config,
            async headers(fullName) {
              // App installation tokens are minted and cached by the provider per repository.
              const { headers } = await credentials.getCredentials({
                url: `https://${read.config.host}/${fullName}`,
              });
              return headers ?? {};
            },
          }),
        );
        logger.info(
          `GitHub backfill enabled for ${read.config.host}: ${read.config.days} days, at most ${read.config.requestsPerHour} requests per hour`,
        );
        if (!read.config.repositories) {
          logger.warn(
            'greenlight.sources.github.repositories is not set: any entity that names a repository in github.com/project-slug has its history read with the integration credentials. List the owners or repositories to backfill.',
          );
        }
      },
    });
  },
});
