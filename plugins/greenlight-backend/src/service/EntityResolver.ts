import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { GREENLIGHT_ANNOTATIONS, canonicalEntityRef, canonicalRefOf } from '@greenlight/backstage-plugin-greenlight-common';

/** The fields of an event that can tie it to a catalog entity, in order of precedence. */
export type MappingKeys = {
  entityRef?: string;
  serviceId?: string;
  artifactPurl?: string;
  repository?: string;
};

export interface EntityResolver {
  /** The entity an event belongs to, or null when no entity matches yet. */
  resolve(keys: MappingKeys): Promise<string | null>;
  /**
   * The entity's `github.com/project-slug`, or null when the entity is not in the catalog.
   * A resolver without it cannot bind GitHub events to explicitly named entities.
   */
  githubSlugOfEntity?(entityRef: string): Promise<string | null>;
}

/** `pkg:oci/acme/payments@sha256:…?arch=amd64` → `pkg:oci/acme/payments`. */
export function purlWithoutVersion(purl: string): string {
  return purl.replace(/[?#].*$/, '').replace(/@[^/]*$/, '');
}

/** `https://github.com/acme/payments.git` or `github.com/acme/payments` → `acme/payments`. */
export function githubSlugOf(repository: string): string | undefined {
  const match = repository.match(/github\.com[/:]([^/]+\/[^/]+?)(?:\.git)?\/?$/);
  return match?.[1];
}

const TTL_MS = 30_000;

/**
 * Looks entities up by the annotations Greenlight reads. Lookups are the plugin's own
 * indexing work, so they run with the plugin's service credentials rather than the
 * pipeline's token, and answers are cached briefly because a batch repeats its keys.
 */
export class CatalogEntityResolver implements EntityResolver {
  private readonly cache = new Map<string, { value: string | null; expires: number }>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  async resolve(keys: MappingKeys): Promise<string | null> {
    if (keys.entityRef) return canonicalEntityRef(keys.entityRef);
    const lookups: Array<[string, string | undefined]> = [
      [GREENLIGHT_ANNOTATIONS.serviceId, keys.serviceId],
      [
        GREENLIGHT_ANNOTATIONS.artifact,
        keys.artifactPurl ? purlWithoutVersion(keys.artifactPurl) : undefined,
      ],
      [
        GREENLIGHT_ANNOTATIONS.githubProjectSlug,
        keys.repository ? githubSlugOf(keys.repository) : undefined,
      ],
    ];
    for (const [annotation, value] of lookups) {
      if (!value) continue;
      const found = await this.lookup(annotation, value);
      if (found) return found;
    }
    return null;
  }

  async githubSlugOfEntity(entityRef: string): Promise<string | null> {
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials: await this.auth.getOwnServiceCredentials(),
    });
    if (!entity) return null;
    return entity.metadata.annotations?.[GREENLIGHT_ANNOTATIONS.githubProjectSlug] ?? '';
  }

  /** Forgets cached misses so that newly registered entities are found. */
  forgetMisses() {
    for (const [key, entry] of this.cache) {
      if (entry.value === null) this.cache.delete(key);
    }
  }

  private async lookup(annotation: string, value: string): Promise<string | null> {
    const key = `${annotation}=${value}`;
    const cached = this.cache.get(key);
    if (cached && cached.expires > Date.now()) return cached.value;
    const { items } = await this.catalog.getEntities(
      {
        filter: { [`metadata.annotations.${annotation}`]: value },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const refs = items.map(e => canonicalRefOf(e)).sort();
    const resolved = refs[0] ?? null;
    this.cache.set(key, { value: resolved, expires: Date.now() + TTL_MS });
    return resolved;
  }
}
