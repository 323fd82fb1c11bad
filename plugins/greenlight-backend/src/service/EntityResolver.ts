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
   * `resolve` for many events at once, in their order. A resolver that has it looks up the
   * keys it has not cached in one catalog request rather than one per key.
   */
  resolveAll?(keys: MappingKeys[]): Promise<Array<string | null>>;
  /**
   * The entity's `github.com/project-slug`, or null when the entity is not in the catalog.
   * A resolver without it cannot bind GitHub events to explicitly named entities.
   */
  githubSlugOfEntity?(entityRef: string): Promise<string | null>;
  /**
   * Every entity whose `github.com/project-slug` is the repository, in sort order (`resolve`
   * picks the first): several in a monorepo.
   */
  entitiesNamingRepository?(repository: string): Promise<string[]>;
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
 * Keys per catalog request in `resolveAll`: the request is a GET with one `filter` per key,
 * and 50 of them (about 3.5 kB) stay well inside servers' usual 8 kB request-line limits.
 */
const KEYS_PER_REQUEST = 50;

/** The annotation lookups that map an event to an entity, in order of precedence. */
function lookupsOf(keys: MappingKeys): Array<[string, string]> {
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
  return lookups.filter((l): l is [string, string] => Boolean(l[1]));
}

/** The catalog compares filter values without regard to case; so does the batch's matching. */
function sameValue(a: unknown, b: string) {
  return typeof a === 'string' && a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}

/**
 * Looks entities up by the annotations Greenlight reads. Lookups are the plugin's own
 * indexing work, so they run with the plugin's service credentials rather than the
 * pipeline's token, and answers are cached briefly because a batch repeats its keys.
 */
export class CatalogEntityResolver implements EntityResolver {
  private readonly cache = new Map<
    string,
    { value: string | null; all: string[]; expires: number }
  >();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  async resolve(keys: MappingKeys): Promise<string | null> {
    if (keys.entityRef) return canonicalEntityRef(keys.entityRef);
    for (const [annotation, value] of lookupsOf(keys)) {
      const found = await this.lookup(annotation, value);
      if (found) return found;
    }
    return null;
  }

  /**
   * A batch of 500 events names a few dozen services; looked up one after another on a cold
   * cache (at start, and each time the entries expire) they held a batch for 170 ms. Here
   * the keys not cached are asked for together, one filter per key: each round asks, for
   * every event, for the first key `resolve` would ask for next, so no more is looked up
   * than one event at a time would, in at most one round per kind of key.
   */
  async resolveAll(all: MappingKeys[]): Promise<Array<string | null>> {
    for (let round = 0; round < 3; round++) {
      const missing = new Map<string, [string, string]>();
      for (const keys of all) {
        if (keys.entityRef) continue;
        for (const [annotation, value] of lookupsOf(keys)) {
          const key = `${annotation}=${value}`;
          const cached = this.cached(key);
          if (!cached) missing.set(key, [annotation, value]);
          if (!cached || cached.value) break;
        }
      }
      if (missing.size === 0) break;
      const pending = [...missing.values()];
      const parts: Array<Array<[string, string]>> = [];
      for (let i = 0; i < pending.length; i += KEYS_PER_REQUEST) {
        parts.push(pending.slice(i, i + KEYS_PER_REQUEST));
      }
      await Promise.all(parts.map(part => this.lookupMany(part)));
    }
    const refs: Array<string | null> = [];
    for (const keys of all) refs.push(this.resolveCached(keys) ?? (await this.resolve(keys)));
    return refs;
  }

  /** `resolve` from the cache alone; undefined when it would have to ask the catalog. */
  private resolveCached(keys: MappingKeys): string | null | undefined {
    if (keys.entityRef) return canonicalEntityRef(keys.entityRef);
    for (const [annotation, value] of lookupsOf(keys)) {
      const cached = this.cached(`${annotation}=${value}`);
      if (!cached) return undefined;
      if (cached.value) return cached.value;
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

  private cached(key: string) {
    const entry = this.cache.get(key);
    return entry && entry.expires > Date.now() ? entry : undefined;
  }

  async entitiesNamingRepository(repository: string): Promise<string[]> {
    const slug = githubSlugOf(repository);
    if (!slug) return [];
    const key = `${GREENLIGHT_ANNOTATIONS.githubProjectSlug}=${slug}`;
    if (!this.cached(key)) await this.lookupMany([[GREENLIGHT_ANNOTATIONS.githubProjectSlug, slug]]);
    return this.cache.get(key)!.all;
  }

  private async lookup(annotation: string, value: string): Promise<string | null> {
    const key = `${annotation}=${value}`;
    const cached = this.cached(key);
    if (cached) return cached.value;
    await this.lookupMany([[annotation, value]]);
    return this.cache.get(key)!.value;
  }

  /** Looks the keys up in one request and caches each answer: the first ref in sort order. */
  private async lookupMany(lookups: Array<[string, string]>): Promise<void> {
    if (lookups.length === 0) return;
    const { items } = await this.catalog.getEntities(
      {
        filter: lookups.map(([annotation, value]) => ({
          [`metadata.annotations.${annotation}`]: value,
        })),
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.annotations'],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const expires = Date.now() + TTL_MS;
    for (const [annotation, value] of lookups) {
      const refs = items
        .filter(e => sameValue(e.metadata.annotations?.[annotation], value))
        .map(e => canonicalRefOf(e))
        .sort();
      this.cache.set(`${annotation}=${value}`, { value: refs[0] ?? null, all: refs, expires });
    }
  }
}
