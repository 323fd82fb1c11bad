import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DoraScope, canonicalRefOf } from '@greenlight/backstage-plugin-greenlight-common';

export type ScopeRequest =
  | { kind: 'entity' | 'group' | 'system'; ref: string }
  | { kind: 'organization'; ref: null };

export type ResolvedScope = {
  kind: DoraScope['kind'];
  ref: string | null;
  /** Sorted, normalised entity refs the caller can see. */
  entityRefs: string[];
};

/** Kinds that are organisation structure, not something that is deployed. */
const NOT_DEPLOYED = new Set(['group', 'user', 'system', 'domain', 'location', 'template']);
const MAX_GROUP_DEPTH = 20;
const OWNERS_PER_REQUEST = 50;
const FIELDS = ['kind', 'metadata.name', 'metadata.namespace'];

/** `team-a` means `group:default/team-a` in a group parameter. */
export function normaliseScopeRef(ref: string, field: string, kind: 'group' | 'system'): string {
  let parsed;
  try {
    parsed = parseEntityRef(ref, { defaultKind: kind, defaultNamespace: 'default' });
  } catch (e) {
    throw new InputError(`${field}: ${(e as Error).message}`);
  }
  if (parsed.kind.toLocaleLowerCase('en-US') !== kind) {
    throw new InputError(`${field}: must refer to a ${kind}, got kind ${parsed.kind}`);
  }
  return stringifyEntityRef(parsed);
}

function relationTargets(entity: Entity, type: string): string[] {
  return (entity.relations ?? []).filter(r => r.type === type).map(r => r.targetRef);
}

function deployable(entities: Array<Entity | undefined>): string[] {
  return entities
    .filter((e): e is Entity => Boolean(e) && !NOT_DEPLOYED.has(e!.kind.toLocaleLowerCase('en-US')))
    .map(e => canonicalRefOf(e));
}

type CatalogDeps = { catalog: CatalogService };

async function requireVisible(deps: CatalogDeps, ref: string, credentials: BackstageCredentials) {
  const entity = await deps.catalog.getEntityByRef(ref, { credentials });
  if (!entity) throw new NotFoundError(`No entity ${ref} is visible to you`);
  return entity;
}

/**
 * The group and every group below it, through `parentOf` relations (the catalog's mirror of
 * `spec.parent` / `childOf`) and `spec.children`, as far as the caller can see them.
 */
async function groupTree(deps: CatalogDeps, root: Entity, credentials: BackstageCredentials): Promise<Entity[]> {
  const seen = new Set([stringifyEntityRef(root)]);
  const groups = [root];
  let frontier = [root];
  for (let depth = 0; depth < MAX_GROUP_DEPTH && frontier.length > 0; depth++) {
    const children = new Set<string>();
    for (const group of frontier) {
      const namespace = group.metadata.namespace ?? 'default';
      const declared = ((group.spec?.children as string[] | undefined) ?? []).flatMap(c => {
        try {
          return [stringifyEntityRef(parseEntityRef(c, { defaultKind: 'group', defaultNamespace: namespace }))];
        } catch {
          return []; // the catalog reports malformed children itself
        }
      });
      for (const ref of [...relationTargets(group, 'parentOf'), ...declared]) {
        if (!seen.has(ref)) children.add(ref);
      }
    }
    if (children.size === 0) break;
    const { items } = await deps.catalog.getEntitiesByRefs(
      { entityRefs: [...children], fields: [...FIELDS, 'spec.children', 'relations'] },
      { credentials },
    );
    frontier = items.filter((e): e is Entity => Boolean(e));
    for (const e of frontier) seen.add(stringifyEntityRef(e));
    groups.push(...frontier);
  }
  return groups;
}

/**
 * Resolves a scope to the entity refs it covers, with the caller's credentials forwarded to
 * the catalog, so a scope never reaches past what the caller may read.
 *
 * @param entitiesWithData - every entity that has deliveries, for the organisation scope
 */
export async function resolveScope(
  deps: CatalogDeps,
  request: ScopeRequest,
  credentials: BackstageCredentials,
  entitiesWithData: () => Promise<string[]>,
): Promise<ResolvedScope> {
  if (request.kind === 'entity') {
    const entity = await requireVisible(deps, request.ref, credentials);
    return { kind: 'entity', ref: request.ref, entityRefs: [canonicalRefOf(entity)] };
  }
  if (request.kind === 'group') {
    const root = await requireVisible(deps, request.ref, credentials);
    const groups = await groupTree(deps, root, credentials);
    // Entities owned by the groups, and by their members (as the catalog's ownership views do).
    const owners = new Set<string>();
    for (const g of groups) {
      owners.add(stringifyEntityRef(g));
      for (const member of relationTargets(g, 'hasMember')) owners.add(member);
    }
    const ownerList = [...owners];
    const pages = [];
    // Filters travel in the query string; many owners go in several requests.
    for (let i = 0; i < ownerList.length; i += OWNERS_PER_REQUEST) {
      pages.push(
        deps.catalog.getEntities(
          { filter: { 'relations.ownedBy': ownerList.slice(i, i + OWNERS_PER_REQUEST) }, fields: FIELDS },
          { credentials },
        ),
      );
    }
    const items = (await Promise.all(pages)).flatMap(page => page.items);
    return { kind: 'group', ref: request.ref, entityRefs: [...new Set(deployable(items))].sort() };
  }
  if (request.kind === 'system') {
    const system = await requireVisible(deps, request.ref, credentials);
    const namespace = system.metadata.namespace ?? 'default';
    const names = [request.ref, ...(namespace === 'default' ? [system.metadata.name] : [])];
    const { items } = await deps.catalog.getEntities(
      {
        filter: [{ 'relations.partOf': request.ref }, { 'spec.system': names }],
        fields: FIELDS,
      },
      { credentials },
    );
    return { kind: 'system', ref: request.ref, entityRefs: [...new Set(deployable(items))].sort() };
  }
  const candidates = await entitiesWithData();
  const visible: string[] = [];
  for (let i = 0; i < candidates.length; i += 1000) {
    const part = candidates.slice(i, i + 1000);
    const { items } = await deps.catalog.getEntitiesByRefs({ entityRefs: part, fields: FIELDS }, { credentials });
    items.forEach((e, index) => {
      if (e) visible.push(part[index]);
    });
  }
  return { kind: 'organization', ref: null, entityRefs: visible.sort() };
}
