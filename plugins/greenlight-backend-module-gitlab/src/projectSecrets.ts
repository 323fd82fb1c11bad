import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/**
 * The webhook secrets of the GitLab source: one per project or group, and optionally one for
 * every project not listed. A project's deliveries must carry the secret of its own entry, so
 * whoever holds one project's token (or the source-wide one) cannot post for another project
 * that has its own.
 */
export type GitlabSecrets = {
  /** Accepted for projects that no entry of `projects` covers. */
  webhookSecret?: string;
  /** Paths lowercased, without leading or trailing slashes. */
  projects: Array<{ path: string; webhookSecret: string }>;
};

/** GitLab paths are case-insensitive: `Acme/Payments` is the project `acme/payments`. */
const normalise = (path: string) =>
  path
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .toLowerCase();

export function readGitlabSecrets(config: Config | undefined): GitlabSecrets {
  const projects = (config?.getOptionalConfigArray('projects') ?? []).map(
    (entry, i) => {
      const path = normalise(entry.getString('path'));
      if (!path) {
        throw new InputError(
          `greenlight.sources.gitlab.projects[${i}].path: must name a project or group`,
        );
      }
      return { path, webhookSecret: entry.getString('webhookSecret') };
    },
  );
  const seen = new Set<string>();
  for (const [i, { path }] of projects.entries()) {
    if (seen.has(path)) {
      throw new InputError(
        `greenlight.sources.gitlab.projects[${i}].path: ${path} is listed twice`,
      );
    }
    seen.add(path);
  }
  return {
    webhookSecret: config?.getOptionalString('webhookSecret') || undefined,
    projects,
  };
}

/**
 * The secret a delivery for the project must carry: that of the entry with the longest path
 * that is the project itself or a group above it, else the source-wide one. `undefined` (no
 * project could be read, or nothing covers it and there is no source-wide secret) refuses.
 */
export function secretFor(
  secrets: GitlabSecrets,
  projectPath: string | undefined,
): string | undefined {
  if (projectPath !== undefined) {
    const path = normalise(projectPath);
    let best: { path: string; webhookSecret: string } | undefined;
    for (const entry of secrets.projects) {
      const covers = path === entry.path || path.startsWith(`${entry.path}/`);
      if (covers && (!best || entry.path.length > best.path.length))
        best = entry;
    }
    if (best) return best.webhookSecret;
  }
  return secrets.webhookSecret;
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
