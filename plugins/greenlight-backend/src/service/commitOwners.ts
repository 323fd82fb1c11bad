import { NewEventRow } from '../database/LedgerStore';
import { EntityResolver, githubSlugOf } from './EntityResolver';

/**
 * Per event: the entities whose repositories its commit details describe, other than its own.
 * Commit details (author, commit and merge times) are facts of a repository that DORA's lead
 * time reads for every entity deploying that commit, so reporting them is a change to the
 * entity the catalog maps that repository to (`github.com/project-slug`): `entitiesTouched`
 * checks the caller on it too. Not touched: a repository no entity names, the event's own
 * entity's, and one the event's entity also names (a monorepo of several entities).
 */
export async function commitRepositoryOwners(
  rows: NewEventRow[],
  resolver: EntityResolver,
): Promise<string[][]> {
  const repositories = new Set<string>();
  for (const { event } of rows) {
    if (event.type === 'commits')
      for (const c of event.commits) repositories.add(c.repository);
  }
  if (repositories.size === 0) return rows.map(() => []);
  const list = [...repositories];
  const keys = list.map(repository => ({ repository }));
  const refs = resolver.resolveAll
    ? await resolver.resolveAll(keys)
    : await Promise.all(keys.map(k => resolver.resolve(k)));
  const ownerOf = new Map(list.map((repository, i) => [repository, refs[i]]));
  // The slug of each event's entity, asked for only when a commit's owner is another entity.
  const slugOf = new Map<string, Promise<string | null>>();
  const ownSlug = (entityRef: string) => {
    if (!resolver.githubSlugOfEntity) return Promise.resolve(null);
    if (!slugOf.has(entityRef))
      slugOf.set(entityRef, resolver.githubSlugOfEntity(entityRef));
    return slugOf.get(entityRef)!;
  };
  const out: string[][] = [];
  for (const row of rows) {
    const touched = new Set<string>();
    if (row.event.type === 'commits') {
      for (const { repository } of row.event.commits) {
        const owner = ownerOf.get(repository);
        if (!owner || owner === row.entityRef) continue;
        const own = row.entityRef ? await ownSlug(row.entityRef) : null;
        const theirs = githubSlugOf(repository);
        if (own && theirs && own.toLowerCase() === theirs.toLowerCase())
          continue;
        touched.add(owner);
      }
    }
    out.push([...touched]);
  }
  return out;
}
