import {
  AuthService,
  BackstageCredentials,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Entity, getEntitySourceLocation } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  GREENLIGHT_ANNOTATIONS,
  parseOpenSloDocuments,
  type GateDefinition,
  type GateParseResult,
  canonicalEntityRef,
} from '@greenlight/backstage-plugin-greenlight-common';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EnvironmentConfig } from '../config';
import { parseGateYaml, readGatePolicyDefaults } from '../gates';

export type LoadedGates = { gates: GateDefinition[]; source: string };

/** Why gates could not be had; `missing` means the entity simply declares none. */
export class GateSourceError extends Error {
  constructor(message: string, readonly missing = false) {
    super(message);
  }
}

const MAX_SLO_BYTES = 512 * 1024;

/**
 * Finds and parses an entity's gates: an inline entry of `greenlight.gates.entities`
 * wins (the operator's word), else the entity's `greenlight.dev/slo` annotation, a URL
 * read through the URL reader or a path relative to the entity's source location.
 * Policy defaults come from `greenlight.gates.*` for the environment's tier.
 */
export class GateLoader {
  private readonly inline = new Map<string, unknown>();

  constructor(
    private readonly deps: {
      config: Config;
      catalog: CatalogService;
      auth: AuthService;
      urlReader: UrlReaderService;
      environments: EnvironmentConfig[];
    },
  ) {
    const entries =
      deps.config.getOptionalConfigArray('greenlight.gates.entities') ?? [];
    entries.forEach((entry, i) => {
      const where = `greenlight.gates.entities[${i}]`;
      const ref = canonicalEntityRef(entry.getString('entityRef'));
      const slo = entry.get('slo');
      // Invalid inline gates are a configuration error: fail at startup, not at the first deployment.
      const parsed = this.parse(slo, 'production');
      if (!parsed.ok)
        throw new Error(`${where}.slo: ${parsed.errors.join('; ')}`);
      this.inline.set(ref, slo);
    });
    readGatePolicyDefaults(deps.config, 'production');
  }

  /** Parses OpenSLO given as YAML text, one document, or a list of documents. */
  parse(input: unknown, environment: string): GateParseResult {
    const tier =
      this.deps.environments.find(e => e.name === environment)?.tier ??
      'development';
    const defaults = readGatePolicyDefaults(this.deps.config, tier);
    if (typeof input === 'string') return parseGateYaml(input, { defaults });
    const documents = Array.isArray(input) ? input : [input];
    return parseOpenSloDocuments(documents, {
      defaults,
      parseEmbedded: text => parseYaml(text),
    });
  }

  /**
   * The gates of an entity for a deployment to `environment`. Catalog reads use the
   * given credentials (a caller's), else the plugin's own.
   */
  async forEntity(
    entityRef: string,
    environment: string,
    credentials?: BackstageCredentials,
  ): Promise<LoadedGates> {
    const inline = this.inline.get(entityRef);
    if (inline !== undefined) {
      return this.parsed(
        inline,
        environment,
        'config greenlight.gates.entities',
      );
    }
    const entity = await this.deps.catalog.getEntityByRef(entityRef, {
      credentials:
        credentials ?? (await this.deps.auth.getOwnServiceCredentials()),
    });
    if (!entity)
      throw new GateSourceError(`entity ${entityRef} was not found`, true);
    const annotation =
      entity.metadata.annotations?.[GREENLIGHT_ANNOTATIONS.slo];
    if (!annotation) {
      throw new GateSourceError(
        `entity ${entityRef} has no ${GREENLIGHT_ANNOTATIONS.slo} annotation`,
        true,
      );
    }
    const { text, location } = await this.read(entity, annotation.trim());
    return this.parsed(
      text,
      environment,
      `annotation ${GREENLIGHT_ANNOTATIONS.slo} (${location})`,
    );
  }

  private parsed(
    input: unknown,
    environment: string,
    source: string,
  ): LoadedGates {
    const result = this.parse(input, environment);
    if (!result.ok)
      throw new GateSourceError(`${source}: ${result.errors.join('; ')}`);
    return { gates: result.gates, source };
  }

  private async read(
    entity: Entity,
    annotation: string,
  ): Promise<{ text: string; location: string }> {
    if (/^https?:\/\//i.test(annotation))
      return { text: await this.readUrl(annotation), location: annotation };
    let base: { type: string; target: string };
    try {
      base = getEntitySourceLocation(entity);
    } catch {
      throw new GateSourceError(
        `${GREENLIGHT_ANNOTATIONS.slo} is a relative path but the entity has no source location`,
      );
    }
    if (base.type === 'url') {
      const url = new URL(annotation, base.target).toString();
      return { text: await this.readUrl(url), location: url };
    }
    if (base.type === 'file') {
      const dir = base.target.endsWith('/')
        ? base.target
        : path.dirname(base.target);
      const file = path.resolve(dir, annotation);
      // A catalog file may point at files next to or below it, never elsewhere on the disk.
      const relative = path.relative(dir, file);
      if (relative.startsWith('..') || path.isAbsolute(relative)) {
        throw new GateSourceError(
          `${GREENLIGHT_ANNOTATIONS.slo} must stay within the entity's location directory`,
        );
      }
      try {
        const stat = await fs.stat(file);
        if (stat.size > MAX_SLO_BYTES)
          throw new GateSourceError(
            `${annotation} is larger than ${MAX_SLO_BYTES} bytes`,
          );
        return {
          text: await fs.readFile(file, 'utf8'),
          location: `file:${relative}`,
        };
      } catch (e) {
        if (e instanceof GateSourceError) throw e;
        throw new GateSourceError(
          `cannot read ${annotation} next to the entity's location: ${
            (e as NodeJS.ErrnoException).code ?? 'error'
          }`,
        );
      }
    }
    throw new GateSourceError(
      `locations of type ${base.type} are not supported for ${GREENLIGHT_ANNOTATIONS.slo}`,
    );
  }

  private async readUrl(url: string): Promise<string> {
    try {
      const response = await this.deps.urlReader.readUrl(url);
      const buffer = await response.buffer();
      if (buffer.length > MAX_SLO_BYTES)
        throw new GateSourceError(
          `${url} is larger than ${MAX_SLO_BYTES} bytes`,
        );
      return buffer.toString('utf8');
    } catch (e) {
      if (e instanceof GateSourceError) throw e;
      throw new GateSourceError(`cannot read ${url}: ${(e as Error).message}`);
    }
  }
}
