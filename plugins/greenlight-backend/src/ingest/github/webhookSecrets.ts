import { Config } from '@backstage/config';
import {
  PathSecrets,
  pathSecrets,
} from '@greenlight/backstage-plugin-greenlight-node';

/**
 * The secrets GitHub signs webhook deliveries with: `greenlight.webhooks.github.secret` for
 * every repository, and `repositories: [{ path, secret }]` for a repository (`acme/payments`)
 * or an organisation (`acme`) with its own. A delivery must be signed with the secret of the
 * entry covering the repository it names (`secretForPath`); the shared secret is accepted only
 * for repositories no entry covers.
 */
export function readGithubSecrets(config: Config): PathSecrets {
  const github = config.getOptionalConfig('greenlight.webhooks.github');
  return pathSecrets({
    fallback: github?.getOptionalString('secret'),
    entries: (github?.getOptionalConfigArray('repositories') ?? []).map(
      entry => ({
        path: entry.getString('path'),
        secret: entry.getString('secret'),
      }),
    ),
    field: i => `greenlight.webhooks.github.repositories[${i}]`,
    kind: 'a repository or organisation',
  });
}

/**
 * What a delivery is about, from the exact bytes GitHub sent and parsed as the route then
 * parses them: its repository (`repository.full_name`), else, for an organisation's events,
 * the organisation (`organization.login`).
 */
export function githubPathOf(rawBody: Buffer): string | undefined {
  try {
    const body = JSON.parse(rawBody.toString('utf8')) as {
      repository?: { full_name?: unknown };
      organization?: { login?: unknown };
    } | null;
    const repository = body?.repository?.full_name;
    if (typeof repository === 'string') return repository;
    const organisation = body?.organization?.login;
    return typeof organisation === 'string' ? organisation : undefined;
  } catch {
    return undefined;
  }
}
