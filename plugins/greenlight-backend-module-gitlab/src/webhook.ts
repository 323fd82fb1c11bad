import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  IngestionSourceWebhook,
  PathSecrets,
  secretForPath,
} from '@greenlight/backstage-plugin-greenlight-node';
import { mapDeployment } from './deployments';
import { mapMergeRequest } from './mergeRequests';
import { mapPipeline } from './pipelines';
import { projectPathOf } from './projectSecrets';
import { headerMatchesSecret } from './secretHeader';
import { Translation } from './translation';

/** The catalog annotation of the community GitLab plugin: the project's path with namespace. */
export const GITLAB_PROJECT_SLUG = 'gitlab.com/project-slug';

const MAPPERS: Record<string, (payload: unknown) => Translation> = {
  deployment: mapDeployment,
  merge_request: mapMergeRequest,
  pipeline: mapPipeline,
};

/**
 * GitLab project or group webhooks. GitLab sends the webhook's secret token as is in
 * `X-Gitlab-Token` (it does not sign the body), compared here in constant time with the
 * secret of the project the delivery names (`secretForPath`). Events map to every entity whose
 * `gitlab.com/project-slug` is that project.
 */
export function gitlabWebhook(secrets: PathSecrets): IngestionSourceWebhook {
  return {
    authenticate: ({ headers, rawBody }) =>
      headerMatchesSecret(
        headers['x-gitlab-token'],
        secretForPath(secrets, projectPathOf(rawBody)),
      ),
    async handle({ body }, ctx) {
      const kind = (body as { object_kind?: unknown } | null)?.object_kind;
      const mapper = typeof kind === 'string' ? MAPPERS[kind] : undefined;
      if (!mapper) {
        return {
          batches: [],
          ignoredReason: `GitLab ${String(
            kind ?? 'event',
          )} events are not used`,
        };
      }
      const translation = mapper(body);
      if ('ignored' in translation) {
        return { batches: [], ignoredReason: translation.ignored };
      }
      const slug = (body as { project: { path_with_namespace: string } })
        .project.path_with_namespace;
      const entities = await ctx.findEntities(GITLAB_PROJECT_SLUG, slug);
      if (entities.length === 0) {
        return {
          batches: [],
          ignoredReason: `no entity names GitLab project ${slug}`,
        };
      }
      return {
        batches: entities.map(e => ({
          entityRef: stringifyEntityRef(e),
          events: translation.events,
        })),
      };
    },
  };
}
