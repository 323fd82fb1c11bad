import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { greenlightReadPermission, canonicalEntityRef } from '@greenlight/backstage-plugin-greenlight-common';
import { Request } from 'express';
import { ServiceScopes } from './serviceScopes';

export type AccessDeps = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  /** Which entities each narrowed service principal may write. */
  serviceScopes: ServiceScopes;
};

/** A Greenlight write permission: a resource permission on a catalog entity. */
export type EntityWritePermission = ResourcePermission<'catalog-entity'>;

/** Who the audit log names for a principal. */
export function actorOf(
  credentials: BackstageCredentials<BackstageUserPrincipal | BackstageServicePrincipal>,
): string {
  const p = credentials.principal;
  return p.type === 'user' ? p.userEntityRef : `service:${p.subject}`;
}

/** Writes come from pipelines and other plugins, never from a browser session. */
export async function serviceWriter(deps: AccessDeps, req: Request) {
  const credentials = await deps.httpAuth.credentials(req, { allow: ['service'] });
  return { credentials, actor: actorOf(credentials) };
}

export async function requirePermission(
  deps: AccessDeps,
  credentials: BackstageCredentials,
  permission: BasicPermission,
) {
  const [decision] = await deps.permissions.authorize([{ permission }], { credentials });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`Missing permission ${permission.name}`);
  }
}

/**
 * Runs `work` while the `checks` run and answers its result only once every check has passed:
 * the first refused check in the given order is what the caller gets, whichever answered first
 * and whatever `work` did. For reads, whose work has no effect, so that a page waits for the
 * slowest of its permission check, its catalog check and its query rather than for their sum.
 */
export async function afterChecks<T>(
  checks: Array<Promise<unknown>>,
  work: () => Promise<T>,
): Promise<T> {
  // A later check's refusal is not the answer when an earlier one refused too: settled here,
  // before anything else can throw.
  for (const check of checks) check.catch(() => undefined);
  const outcome = Promise.resolve()
    .then(work)
    .then(
      value => ({ ok: true as const, value }),
      error => ({ ok: false as const, error }),
    );
  for (const check of checks) await check;
  const done = await outcome;
  if (!done.ok) throw done.error;
  return done.value;
}

/**
 * The Greenlight read permission, asked at once; `parse` runs while it is decided, and a caller
 * without the permission is refused before it hears what was wrong with its input.
 */
export async function readerWhile<T>(
  deps: AccessDeps,
  req: Request,
  parse: () => T,
): Promise<{ credentials: BackstageCredentials; input: T; allowed: Promise<void> }> {
  const credentials = await deps.httpAuth.credentials(req, { allow: ['user', 'service'] });
  const allowed = requirePermission(deps, credentials, greenlightReadPermission);
  // Settled here too, so that a refusal is never an unhandled rejection while input is parsed.
  allowed.catch(() => undefined);
  try {
    return { credentials, input: parse(), allowed };
  } catch (e) {
    await allowed;
    throw e;
  }
}

/** A reader with Greenlight read permission; returns the credentials to forward. */
export async function reader(deps: AccessDeps, req: Request) {
  const credentials = await deps.httpAuth.credentials(req, { allow: ['user', 'service'] });
  await requirePermission(deps, credentials, greenlightReadPermission);
  return credentials;
}

export function normaliseEntityRef(ref: string, field = 'entityRef'): string {
  try {
    return canonicalEntityRef(ref);
  } catch (e) {
    throw new InputError(`${field}: ${(e as Error).message}`);
  }
}

/**
 * The caller must be able to read the entity in the catalog; the catalog decides, with the
 * caller's own credentials forwarded.
 */
export async function assertCanReadEntity(
  deps: AccessDeps,
  credentials: BackstageCredentials,
  entityRef: string,
) {
  const entity = await deps.catalog.getEntityByRef(entityRef, { credentials });
  if (!entity) throw new NotFoundError(`No entity ${entityRef} is visible to you`);
  return entity;
}

/**
 * `assertCanReadEntity` for a record found by its own id: an entity the caller cannot see
 * answers `missing`, the record's own not-found, so the answer does not say whose the id is.
 */
export async function assertCanReadOwner(
  deps: AccessDeps,
  credentials: BackstageCredentials,
  entityRef: string,
  missing: NotFoundError,
) {
  try {
    return await assertCanReadEntity(deps, credentials, entityRef);
  } catch (e) {
    throw e instanceof NotFoundError ? missing : e;
  }
}

/**
 * Which of the entities the caller can read in the catalog (credentials forwarded), for reads
 * across the organisation: one catalog request for all of them.
 */
export async function visibleEntityRefs(
  deps: Pick<AccessDeps, 'catalog'>,
  credentials: BackstageCredentials,
  entityRefs: string[],
): Promise<Set<string>> {
  const refs = [...new Set(entityRefs)];
  if (refs.length === 0) return new Set();
  const { items } = await deps.catalog.getEntitiesByRefs(
    { entityRefs: refs, fields: ['kind', 'metadata.name', 'metadata.namespace'] },
    { credentials },
  );
  return new Set(refs.filter((_, i) => Boolean(items[i])));
}

/**
 * Whether the caller may do `permission` on each entity; one permission request per entity.
 * User decisions come from the permission policy; conditional ones (IS_ENTITY_OWNER,
 * HAS_ANNOTATION, …) are applied by the catalog, which the permission backend asks because the
 * resource type is the catalog's. Service principals are decided by their access restrictions
 * and then narrowed by their configured scope (see ServiceScopes).
 */
export async function entityDecisions(
  deps: AccessDeps,
  credentials: BackstageCredentials,
  permission: EntityWritePermission,
  entityRefs: string[],
): Promise<Map<string, boolean>> {
  const refs = [...new Set(entityRefs)];
  const out = new Map<string, boolean>();
  if (refs.length === 0) return out;
  const decisions = await deps.permissions.authorize(
    refs.map(resourceRef => ({ permission, resourceRef })),
    { credentials },
  );
  const scope = deps.serviceScopes.scopeOf(credentials);
  for (const [i, ref] of refs.entries()) {
    let allowed = decisions[i]?.result === AuthorizeResult.ALLOW;
    if (allowed && scope) allowed = await deps.serviceScopes.covers(scope, ref);
    out.set(ref, allowed);
  }
  return out;
}

/** Throws 403 unless the caller may do `permission` on the entity. */
export async function authorizeEntityWrite(
  deps: AccessDeps,
  credentials: BackstageCredentials,
  permission: EntityWritePermission,
  entityRef: string,
): Promise<void> {
  const decisions = await entityDecisions(deps, credentials, permission, [entityRef]);
  if (!decisions.get(entityRef)) {
    throw new NotAllowedError(`${permission.name} is not granted on ${entityRef}`);
  }
}

/** How a refusal calls another entity's record, or a deployment not recorded yet. */
const UNNAMED_RECORD = 'a record of another entity, or one not recorded yet';

/** An item of a batch to check: `unnamed` when a refusal must not say which entity it is. */
export type WriteItem = {
  label: string;
  entityRef: string | null;
  unnamed?: boolean;
  /** Why the item needs a writer trusted with every entity (`entityRef` null), for a refusal. */
  reason?: string;
};

/**
 * The items to check for a batch of events: each event on its own entity, and on every other
 * entity it touches (`entitiesTouched`), under the same label. The other entities are mostly
 * learned from records the caller may not read (whose deployment an id is), so a refusal does
 * not name them. A deployment not recorded yet is touched with no entity: like an event that
 * matches none, it needs a writer trusted with every entity.
 */
export function eventItems(
  entityRefs: Array<string | null>,
  touched: Array<Array<string | null>>,
  label: (index: number) => string,
  /** Per event, why it needs a writer trusted with every entity (`connectorIdReasons`). */
  trustReasons: Array<string | undefined> = [],
): WriteItem[] {
  return entityRefs.flatMap((entityRef, i) => [
    { label: label(i), entityRef },
    ...(touched[i] ?? []).map(other => ({ label: label(i), entityRef: other, unnamed: true })),
    ...(trustReasons[i] ? [{ label: label(i), entityRef: null, reason: trustReasons[i] }] : []),
  ]);
}

/**
 * All or nothing for a batch: throws one 403 naming every refused item unless the caller may do
 * `permission` on the entity of each. An item with no entity yet (an event that matches no
 * catalog entity) needs the permission without a resource and an unscoped service principal:
 * it may attach to any entity later, so neither a user nor a narrowed token may write it.
 */
export async function authorizeEntityWrites(
  deps: AccessDeps,
  credentials: BackstageCredentials,
  permission: EntityWritePermission,
  items: WriteItem[],
): Promise<void> {
  const decisions = await entityDecisions(
    deps,
    credentials,
    permission,
    items.flatMap(i => (i.entityRef ? [i.entityRef] : [])),
  );
  let unmappedAllowed = false;
  if (items.some(i => !i.entityRef)) {
    const unscopedService =
      (credentials.principal as { type?: string }).type === 'service' && !deps.serviceScopes.scopeOf(credentials);
    if (unscopedService) {
      // Service principals get a definitive answer from their access restrictions.
      const [decision] = await deps.permissions.authorizeConditional([{ permission }], {
        credentials,
      });
      unmappedAllowed = decision.result === AuthorizeResult.ALLOW;
    }
  }
  const refused = items.filter(i =>
    i.entityRef ? !decisions.get(i.entityRef) : !unmappedAllowed,
  );
  if (refused.length > 0) {
    const lines = refusalLines(refused);
    const detail = lines.slice(0, 20).join(', ');
    const more = lines.length > 20 ? ` and ${lines.length - 20} more` : '';
    throw new NotAllowedError(
      `${permission.name} is not granted for ${detail}${more}; nothing was written`,
    );
  }
}

/**
 * One line per refused label. A label refused on its own entity names that entity alone, so the
 * answer is the same whether or not the other entities it touches were refused too: listing
 * them would tell a caller guessing an `entityRef` whether the guess owns a shared record.
 */
function refusalLines(refused: WriteItem[]): string[] {
  // The event's own entity first, then a reason the caller can act on, then the unnamed.
  const rank = (i: WriteItem) => {
    if (i.unnamed) return 2;
    return i.reason ? 1 : 0;
  };
  const byLabel = new Map<string, WriteItem>();
  for (const item of refused) {
    const seen = byLabel.get(item.label);
    if (!seen || rank(item) < rank(seen)) byLabel.set(item.label, item);
  }
  return [...byLabel.values()].map(
    // One line for both kinds of unnamed item, so a refusal does not tell whether an id exists.
    i => `${i.label} (${i.unnamed ? UNNAMED_RECORD : i.reason ?? i.entityRef ?? 'no entity yet'})`,
  );
}
