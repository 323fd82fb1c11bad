import { Config } from '@backstage/config';
import {
  githubRepository,
  PathSecrets,
  pathSecrets,
} from '@greenlight/backstage-plugin-greenlight-node';
import { githubSlugOf } from '../../service/EntityResolver';

/**
 * The secrets GitHub signs webhook deliveries with: `greenlight.webhooks.github.secret` for
 * every repository, and `repositories: [{ path, secret }]` for a repository (`acme/payments`)
 * or an organisation (`acme`) with its own. A delivery must be signed with the secret of the
 * entry covering the repository it names (`secretForPath`); the shared secret is accepted only
 * for repositories no entry covers.
 */
export function readGithubSecrets(config: Config): PathSecrets {
  const github = config.getOptionalConfig('greenlight.webhooks.github');
  const entries = (github?.getOptionalConfigArray('repositories') ?? []).map(
    (entry, i) => {
      const path = entry.getString('path').trim();
      // A path in another form (a URL, `github.com/…`, `.git`) would never match, and the
      // shared secret would go on speaking for the repository: refuse it.
      if (!/^[\w.-]+(\/[\w.-]+)?$/.test(path) || /\.git$/i.test(path)) {
        throw new Error(
          `greenlight.webhooks.github.repositories[${i}].path: must be <owner>/<repo> or <owner>, got ${path}`,
        );
      }
      return { path, secret: entry.getString('secret') };
    },
  );
  return pathSecrets({
    fallback: github?.getOptionalString('secret'),
    entries,
    field: i => `greenlight.webhooks.github.repositories[${i}]`,
    kind: 'a repository or organisation',
  });
}

/**
 * What a delivery is about, from the exact bytes GitHub sent and parsed as the route then
 * parses them: its repository (`repository.full_name`, as the slug the events map by), else, for
 * an organisation's events, the organisation (`organization.login`).
 */
export function githubPathOf(rawBody: Buffer): string | undefined {
  try {
    const body = JSON.parse(rawBody.toString('utf8')) as {
      repository?: { full_name?: unknown };
      organization?: { login?: unknown };
    } | null;
    const repository = body?.repository?.full_name;
    // The slug the events will map by (`githubSlugOf`), so a spelling the mapping reads as
    // the same repository picks the same secret.
    if (typeof repository === 'string')
      return githubSlugOf(githubRepository(repository)) ?? repository;
    const organisation = body?.organization?.login;
    return typeof organisation === 'string' ? organisation : undefined;
  } catch {
    return undefined;
  }
}
