import { Entity } from '@backstage/catalog-model';
import { GREENLIGHT_ANNOTATIONS } from '@greenlight/backstage-plugin-greenlight-common';

/**
 * The GitHub web URL of a repository written as `github.com/owner/repo`, an https or
 * git URL, or an `owner/repo` slug. Other hosts have no commit URL we can build safely.
 */
export function githubRepositoryUrl(repository: string | null | undefined): string | undefined {
  if (!repository) return undefined;
  const trimmed = repository
    .trim()
    .replace(/^git\+/, '')
    .replace(/^(https?|ssh|git):\/\//, '')
    .replace(/^git@github\.com:/, 'github.com/')
    .replace(/\.git$/, '')
    .replace(/\/$/, '');
  const withHost = /^[\w.-]+\/[\w.-]+$/.test(trimmed) ? `github.com/${trimmed}` : trimmed;
  const match = /^(?:www\.)?github\.com\/([\w.-]+)\/([\w.-]+)(?:\/.*)?$/i.exec(withHost);
  return match ? `https://github.com/${match[1]}/${match[2]}` : undefined;
}

export function commitUrl(repository: string | null | undefined, sha: string): string | undefined {
  const base = githubRepositoryUrl(repository);
  return base && /^[0-9a-f]{4,40}$/i.test(sha) ? `${base}/commit/${sha}` : undefined;
}

export function pullRequestUrl(repository: string | null | undefined, prNumber: number): string | undefined {
  const base = githubRepositoryUrl(repository);
  return base ? `${base}/pull/${prNumber}` : undefined;
}

/** The repository an entity's commits live in, from its `github.com/project-slug`. */
export function entityRepository(entity: Entity | undefined): string | undefined {
  const slug = entity?.metadata.annotations?.[GREENLIGHT_ANNOTATIONS.githubProjectSlug];
  return slug ? `github.com/${slug}` : undefined;
}
