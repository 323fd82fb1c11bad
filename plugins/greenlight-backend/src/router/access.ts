import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { greenlightReadPermission, canonicalEntityRef } from '@greenlight/backstage-plugin-greenlight-common';
import { Request } from 'express';

export type AccessDeps = {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
};

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
