import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { parseEventBatch } from '@greenlight/backstage-plugin-greenlight-common';
import {
  IngestionSource,
  IngestionSourceBatch,
  IngestionSourceContext,
} from '@greenlight/backstage-plugin-greenlight-node';
import { describeIssues } from '../router/describeIssues';
import { IngestService } from '../service/IngestService';
import { SourceStateStore } from './SourceStateStore';
import { commitsCopyFor } from '../service/monorepoCommits';

export type SourceContextDeps = {
  logger: LoggerService;
  auth: AuthService;
  catalog: CatalogService;
  ingest: IngestService;
  state: SourceStateStore;
};

/**
 * The context one source works in. Its writes are bound to it: every event is written for
 * the batch's entity, which must carry one of the source's annotations, so a PagerDuty
 * webhook cannot write to a service that never named a PagerDuty service.
 */
export function createSourceContext(
  source: IngestionSource,
  deps: SourceContextDeps,
): IngestionSourceContext {
  const logger = deps.logger.child({ source: source.id });
  const credentials = () => deps.auth.getOwnServiceCredentials();

  return {
    logger,
    async findEntities(annotation, value) {
      const { items } = await deps.catalog.getEntities(
        {
          filter: {
            [`metadata.annotations.${annotation}`]:
              value ?? CATALOG_FILTER_EXISTS,
          },
        },
        { credentials: await credentials() },
      );
      return items;
    },
    async ingest(batch: IngestionSourceBatch) {
      const { entityRef, events } = validateSourceBatch(source, batch);
      await assertSourceMayWrite(source, deps, entityRef);
      const outcome = await deps.ingest.ingest({
        source: source.id,
        events,
        actor: `source:${source.id}`,
      });
      return { accepted: outcome.accepted, duplicates: outcome.duplicates };
    },
    state: {
      get: key => deps.state.get(source.id, key),
      set: (key, value) => deps.state.set(source.id, key, value),
      compareAndSet: (key, expected, value) =>
        deps.state.compareAndSet(source.id, key, expected, value),
      update: (key, fn) => deps.state.update(source.id, key, fn),
      list: prefix => deps.state.list(source.id, prefix),
    },
  };
}

/**
 * Throws a `NotAllowedError` unless the entity carries one of the source's annotations, read
 * with the plugin's own credentials.
 */
export async function assertSourceMayWrite(
  source: IngestionSource,
  deps: Pick<SourceContextDeps, 'auth' | 'catalog'>,
  entityRef: string,
) {
  const entity = await deps.catalog.getEntityByRef(entityRef, {
    credentials: await deps.auth.getOwnServiceCredentials(),
  });
  const annotations = entity?.metadata.annotations ?? {};
  if (!entity || !source.annotations.some(a => annotations[a])) {
    throw new NotAllowedError(
      `${entityRef} does not carry ${source.annotations.join(' or ')}; the ${
        source.id
      } source cannot write to it`,
    );
  }
}

/**
 * Checks a batch without writing it: the entity reference, that no event names another
 * entity, and every event against the native schema. Throws an `InputError` naming the field.
 */
export function validateSourceBatch(
  source: IngestionSource,
  batch: IngestionSourceBatch,
) {
  let entityRef: string;
  try {
    entityRef = stringifyEntityRef(
      parseEntityRef(batch.entityRef),
    ).toLocaleLowerCase('en-US');
  } catch {
    throw new InputError(
      `entityRef: not an entity reference: ${batch.entityRef}`,
    );
  }
  const foreign = batch.events.findIndex(
    e => e.entityRef && e.entityRef.toLocaleLowerCase('en-US') !== entityRef,
  );
  if (foreign >= 0) {
    throw new InputError(
      `events[${foreign}].entityRef: a batch of ${entityRef} cannot name another entity`,
    );
  }
  const parsed = parseEventBatch({
    events: batch.events.map(e => ({ ...e, entityRef })),
  });
  if (!parsed.ok) {
    throw new InputError(
      `Invalid ${source.id} events: ${describeIssues(
        parsed.issues,
      )}; nothing was written`,
    );
  }
  // Commit details are kept and read per entity, and a source often gives the same commits to
  // several entities (a project or repository several entities name): each entity's have an id
  // of their own, so none is taken for a duplicate of another's. Other records keep one id.
  const events = parsed.events.map(e =>
    e.type === 'commits' ? commitsCopyFor(e, entityRef) : e,
  );
  return { entityRef, events };
}
