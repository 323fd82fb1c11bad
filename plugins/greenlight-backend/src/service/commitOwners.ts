import { NewEventRow } from '../database/LedgerStore';
import { EntityResolver, githubSlugOf } from './EntityResolver';

/**
 * Per event: the entities whose repositories its commit details describe, other than its own:
 * the entity the catalog maps each commit's repository to (`github.com/project-slug`), unless
 * the event's own entity names that repository too (a monorepo of several entities).
 * `entitiesTouched` checks the caller on each, so a pipeline speaks only for the repositories
 * of entities it may write.
 *
 * What the details change is bound by the reads, not by this check: they are kept for the
 * entity whose event reported them and read for the deploying entity only
 * (`database/commitDetails.ts`). So the same SHA reported by another team, before or after a
 * deployment of it, changes nothing the deploying team sees.
 */
export async function commitRepositoryOwners(
  rows: NewEventRow[],
  resolver: EntityResolver,
): Promise<string[][]> {
  const repositories = new Set<string>();
  for (const { event } of rows) {
    if (event.type !== 'commits') continue;
    for (const c of event.commits) repositories.add(c.repository);
  }
  if (repositories.size === 0) return rows.map(() => []);
  const list = [...repositories];
  const keys = list.map(repository => ({ repository }));
  const refs = resolver.resolveAll
    ? await resolver.resolveAll(keys)
    : await Promise.all(keys.map(k => resolver.resolve(k)));
  const ownerOf = new Map(list.map((repository, i) => [repository, refs[i]]));
  // Entities' slugs, asked for only when another entity is involved.
  const slugs = new Map<string, Promise<string | null>>();
  const slugOf = (entityRef: string) => {
    if (!resolver.githubSlugOfEntity) return Promise.resolve(null);
    if (!slugs.has(entityRef))
      slugs.set(entityRef, resolver.githubSlugOfEntity(entityRef));
    return slugs.get(entityRef)!;
  };
  const names = async (entityRef: string | null, repository: string) => {
    const theirs = githubSlugOf(repository);
    const own = entityRef ? await slugOf(entityRef) : null;
    return Boolean(own && theirs && own.toLowerCase() === theirs.toLowerCase());
  };
  const out: string[][] = [];
  for (const row of rows) {
    const touched = new Set<string>();
    if (row.event.type === 'commits') {
      for (const { repository } of row.event.commits) {
        const owner = ownerOf.get(repository);
        if (!owner || owner === row.entityRef || touched.has(owner)) continue;
        // A repository the event's entity names too (a monorepo) is its own.
        if (await names(row.entityRef, repository)) continue;
        touched.add(owner);
      }
    }
    out.push([...touched]);
  }
  return out;
}
