import { Config } from '@backstage/config';
import {
  PathSecrets,
  pathSecrets,
} from '@greenlight/backstage-plugin-greenlight-node';

/**
 * The webhook secrets of the GitLab source: one per project or group
 * (`projects: [{ path, webhookSecret }]`), and optionally `webhookSecret` for every project not
 * listed. A project's deliveries must carry the secret of its own entry (`secretForPath`), so
 * whoever holds one project's token (or the source-wide one) cannot post for another project
 * that has its own.
 */
export function readGitlabSecrets(config: Config | undefined): PathSecrets {
  return pathSecrets({
    fallback: config?.getOptionalString('webhookSecret'),
    entries: (config?.getOptionalConfigArray('projects') ?? []).map(entry => ({
      path: entry.getString('path'),
      secret: entry.getString('webhookSecret'),
    })),
    field: i => `greenlight.sources.gitlab.projects[${i}]`,
    kind: 'a project or group',
  });
}

/**
 * The project a delivery is about, from the exact bytes GitLab sent: every event Greenlight
 * uses names it in `project.path_with_namespace`. Read the same way as the body the webhook
 * then maps, so the project checked is the project mapped.
 */
export function projectPathOf(rawBody: Buffer): string | undefined {
  try {
    const body = JSON.parse(rawBody.toString('utf8')) as {
      project?: { path_with_namespace?: unknown };
    } | null;
    const path = body?.project?.path_with_namespace;
    return typeof path === 'string' ? path : undefined;
  } catch {
    return undefined;
  }
}
