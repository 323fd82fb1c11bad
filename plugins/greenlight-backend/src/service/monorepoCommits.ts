import { createHash } from 'node:crypto';
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { EntityResolver, MappingKeys } from './EntityResolver';

/**
 * The other entities a commits event also speaks for: every other entity whose
 * `github.com/project-slug` is the repository the event was mapped by, when it named no entity
 * itself. Commit details are kept per entity and read for the deploying entity only
 * (`database/commitDetails.ts`), so a push to a monorepo, which maps to the first of its
 * entities, must reach each of them for their lead times. Only deliveries bound to their
 * repository by the source itself (a GitHub webhook) are widened: a pipeline's token is checked
 * per entity, and its events name the entity they are for.
 */
export async function siblingsOfCommits(
  event: GreenlightEvent,
  keys: MappingKeys,
  entityRef: string | null,
  resolver: EntityResolver,
): Promise<string[]> {
  if (event.type !== 'commits' || !entityRef || !keys.repository) return [];
  if (keys.entityRef || keys.serviceId || !resolver.entitiesNamingRepository)
    return [];
  const all = await resolver.entitiesNamingRepository(keys.repository);
  // The event was mapped by its repository only if its entity names it.
  if (!all.includes(entityRef)) return [];
  return all.filter(ref => ref !== entityRef);
}

/**
 * The copy of a commits event for one more entity: its own id, so its own subject. The entity
 * is a short digest, so the id stays within the ledger's 255 characters (event ids are at most
 * 200).
 */
export function commitsCopyFor(
  event: GreenlightEvent,
  entityRef: string,
): GreenlightEvent {
  const entity = createHash('sha256')
    .update(entityRef)
    .digest('hex')
    .slice(0, 16);
  return { ...event, id: `${event.id}#${entity}` };
}
