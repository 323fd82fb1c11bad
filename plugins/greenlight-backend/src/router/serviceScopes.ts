import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** The entities a service principal (e.g. a pipeline's static token) may write. */
export type ServiceScope = { subject: string; owners: string[] };

const lower = (s: string) => s.toLocaleLowerCase('en-US');

function ownersOf(entity: Entity): Set<string> {
  const owners = new Set<string>();
  for (const r of entity.relations ?? []) {
    if (r.type === 'ownedBy') owners.add(lower(r.targetRef));
  }
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner === 'string') {
    try {
      const ref = parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      });
      owners.add(lower(stringifyEntityRef(ref)));
    } catch {
      // An owner the catalog would reject scopes nothing.
    }
  }
  return owners;
}

/**
 * Backstage decides service principals by their `accessRestrictions` alone: a permission
 * policy never sees them, so it cannot tell one pipeline token from another. Which entities
 * a token may write is therefore configured here, keyed by the token's subject
 * (`greenlight.permissions.serviceScopes`), and checked against the entity's owner in the
 * catalog. Subjects that are not listed are not narrowed beyond their access restrictions.
 */
export class ServiceScopes {
  static fromConfig(
    config: Config,
    deps: { catalog: CatalogService; auth: AuthService },
  ) {
    const scopes = (
      config.getOptionalConfigArray('greenlight.permissions.serviceScopes') ??
      []
    ).map(c => ({
      subject: c.getString('subject'),
      owners: c.getStringArray('owners').map(o =>
        lower(
          stringifyEntityRef(
            parseEntityRef(o, {
              defaultKind: 'group',
              defaultNamespace: 'default',
            }),
          ),
        ),
      ),
    }));
    return new ServiceScopes(scopes, deps);
  }

  private readonly bySubject: Map<string, ServiceScope>;

  constructor(
    scopes: ServiceScope[],
    private readonly deps: { catalog: CatalogService; auth: AuthService },
  ) {
    this.bySubject = new Map(scopes.map(s => [s.subject, s]));
  }

  /** The scope of a service principal, or undefined when it is not narrowed. */
  scopeOf(credentials: BackstageCredentials): ServiceScope | undefined {
    const principal = credentials.principal as {
      type?: string;
      subject?: string;
    };
    if (principal.type !== 'service' || !principal.subject) return undefined;
    return this.bySubject.get(principal.subject);
  }

  /**
   * Whether the scope covers the entity. The entity is read with the plugin's own
   * credentials: the scope is about ownership, which the token need not be able to see.
   */
  async covers(
    scope: ServiceScope,
    entityRef: string | null,
  ): Promise<boolean> {
    if (!entityRef) return false;
    const entity = await this.deps.catalog.getEntityByRef(entityRef, {
      credentials: await this.deps.auth.getOwnServiceCredentials(),
    });
    if (!entity) return false;
    const owners = ownersOf(entity);
    return scope.owners.some(o => owners.has(o));
  }
}
