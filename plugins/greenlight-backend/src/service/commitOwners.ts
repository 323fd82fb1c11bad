import { NewEventRow } from '../database/LedgerStore';
import { EntityResolver, githubSlugOf } from './EntityResolver';

/** Per commit SHA, the entities whose deployments brought it somewhere (`LedgerStore.commitDeployers`). */
export type CommitDeployers = (
  shas: string[],
) => Promise<Map<string, string[]>>;

/**
 * Per event: the entities whose records its commit details change, other than its own. Commit
 * details (author, commit and merge times) are facts that DORA's lead time reads, by SHA, for
 * every entity that deployed the commit; `entitiesTouched` checks the caller on each of:
 *
 * - the entity the catalog maps the commit's repository to (`github.com/project-slug`), unless
 *   the event's own entity names that repository too (a monorepo of several entities);
 * - every entity a successful deployment has already brought the commit to (the first
 *   arrivals DORA reads), unless it and the event's entity both name the commit's repository
 *   (the same monorepo).
 *
 * Not touched: a repository no entity names, and a commit no successful deployment has
 * brought anywhere yet. Details of a commit reported before its first successful deployment
 * (the usual order) are therefore not checked against the entity that deploys it later;
 * docs/security.md names that limit.
 */
export async function commitRepositoryOwners(
  rows: NewEventRow[],
  resolver: EntityResolver,
  deployersOf: CommitDeployers,
): Promise<string[][]> {
  const repositories = new Set<string>();
  const shas = new Set<string>();
  for (const { event } of rows) {
    if (event.type !== 'commits') continue;
    for (const c of event.commits) {
      repositories.add(c.repository);
      shas.add(c.sha);
    }
  }
  if (repositories.size === 0) return rows.map(() => []);
  const list = [...repositories];
  const keys = list.map(repository => ({ repository }));
  const [refs, deployers] = await Promise.all([
    resolver.resolveAll
      ? resolver.resolveAll(keys)
      : Promise.all(keys.map(k => resolver.resolve(k))),
    deployersOf([...shas]),
  ]);
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
      for (const { sha, repository } of row.event.commits) {
        const others = [
          ownerOf.get(repository),
          ...(deployers.get(sha) ?? []),
        ].filter(
          (ref): ref is string =>
            Boolean(ref) && ref !== row.entityRef && !touched.has(ref!),
        );
        if (others.length === 0) continue;
        // A repository the event's entity names: its other entities (owner or deployers) are
        // touched only if they do not name it too.
        const ownRepository = await names(row.entityRef, repository);
        for (const other of others) {
          if (
            ownRepository &&
            (other === ownerOf.get(repository) ||
              (await names(other, repository)))
          )
            continue;
          touched.add(other);
        }
      }
    }
    out.push([...touched]);
  }
  return out;
}
