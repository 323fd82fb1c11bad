import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_PARENT_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';

const MAX_GROUPS = 500;

function childRefs(group: Entity): string[] {
  const refs = (group.relations ?? [])
    .filter(r => r.type === RELATION_PARENT_OF)
    .map(r => r.targetRef);
  const children = (group.spec?.children as string[] | undefined) ?? [];
  for (const child of children) {
    try {
      refs.push(
        stringifyEntityRef(
          parseEntityRef(child, { defaultKind: 'group', defaultNamespace: group.metadata.namespace ?? 'default' }),
        ),
      );
    } catch {
      // a malformed child is the catalog's to report
    }
  }
  return refs.map(r => r.toLocaleLowerCase('en-US'));
}

/**
 * The group and every group below it, as the caller may see them (credentials forwarded).
 * Walks `parentOf` relations and `spec.children`, guarding against cycles.
 */
export async function groupWithDescendants(
  catalog: CatalogService,
  groupRef: string,
  credentials: BackstageCredentials,
): Promise<string[]> {
  const root = await catalog.getEntityByRef(groupRef, { credentials });
  if (!root || root.kind.toLocaleLowerCase('en-US') !== 'group') {
    throw new NotFoundError(`No group ${groupRef} is visible to you`);
  }
  const seen = new Set([stringifyEntityRef(root).toLocaleLowerCase('en-US')]);
  let frontier = childRefs(root).filter(r => !seen.has(r));
  while (frontier.length > 0 && seen.size < MAX_GROUPS) {
    for (const ref of frontier) seen.add(ref);
    const { items } = await catalog.getEntitiesByRefs({ entityRefs: frontier }, { credentials });
    frontier = [
      ...new Set(items.flatMap(e => (e ? childRefs(e) : [])).filter(r => !seen.has(r))),
    ];
  }
  return [...seen];
}

/** Components owned by any of the groups, as the caller may see them. */
export async function componentsOwnedBy(
  catalog: CatalogService,
  groupRefs: string[],
  credentials: BackstageCredentials,
): Promise<Entity[]> {
  const { items } = await catalog.getEntities(
    { filter: { kind: 'Component', [`relations.${RELATION_OWNED_BY}`]: groupRefs } },
    { credentials },
  );
  return items;
}

/** The entity's owner as an entity ref, from its relations or else from `spec.owner`. */
export function ownerOf(entity: Entity): string | null {
  const relation = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
  if (relation) return relation.targetRef.toLocaleLowerCase('en-US');
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || owner === '') return null;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? 'default' }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return null;
  }
}
