import { LoggerService } from '@backstage/backend-plugin-api';
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { ApplyResult, AuditEntry, BatchFolds, LedgerStore, NewEventRow } from '../database/LedgerStore';
import { allowedBySubject, entitiesTouched, referencedDeployments, SubjectsOfOtherEntities } from './entitiesTouched';
import { EntityResolver, MappingKeys } from './EntityResolver';
import { GITHUB_WEBHOOK_SOURCE } from '../ingest/github/sourceId';
import { commitsCopyFor, siblingsOfCommits } from './monorepoCommits';
import { bindToRepository } from './repositoryBinding';
import { eventTimeOf, subjectKeyOf } from './subjects';

export type IngestOutcome = {
  accepted: number;
  duplicates: number;
  unmapped: number;
  ignored: number;
  results: Array<{ id: string; status: 'accepted' | 'duplicate'; entityRef: string | null }>;
};

/** Called after a batch is committed, with the events that were new and what they folded into. */
export type IngestListener = (rows: NewEventRow[], folds: BatchFolds) => Promise<void>;

/** Turns validated events into ledger writes: ids qualified by source, entities resolved. */
export class IngestService {
  private readonly listeners: IngestListener[] = [];
  private readonly attachedListeners: Array<(rows: NewEventRow[]) => Promise<void>> = [];

  /**
   * Features that derive data from events (provenance, rollouts, DORA rollups) listen here.
   * A failing listener is logged, not thrown: the events are already safely stored, and
   * each feature also has a scheduled task that catches up on what it missed.
   */
  onApplied(listener: IngestListener) {
    this.listeners.push(listener);
  }

  /**
   * Features whose data depends on which entity an event belongs to listen here for events that
   * matched no entity when they arrived and were attached to one since (DORA: commit details a
   * push left for nobody now count for the entity; deployments attached).
   */
  onAttached(listener: (rows: NewEventRow[]) => Promise<void>) {
    this.attachedListeners.push(listener);
  }

  /** Attaches events that matched no entity to the entities they match now, and tells the features. */
  async attachUnmapped(
    resolveAll: (keys: Array<Record<string, string | undefined>>) => Promise<Array<string | null>>,
    limit: number,
  ): Promise<number> {
    // The copies for a monorepo's other entities first: should attaching fail, the next run
    // attaches the events again and finds their copies written (duplicates), never missing.
    const attached = await this.store.attachUnmapped(resolveAll, limit, {
      beforeAttach: attaching => this.copyToSiblings(attaching),
    });
    if (attached.length === 0) return 0;
    // The events are attached; a failing listener is logged and the others still hear.
    for (const listener of this.attachedListeners) {
      await Promise.resolve()
        .then(() => listener(attached))
        .catch(e => this.logger.error(`Attach listener failed: ${(e as Error).message}`));
    }
    return attached.length;
  }

  /**
   * A GitHub push attached only now reaches every entity naming its repository, as one that
   * matched on arrival does (`siblingsOfCommits`): the copies are new events, written and heard
   * as any, with the ids a later delivery of the push would give them, so it counts as duplicates
   * (and so does a second writing of them, when attaching the push failed after they were
   * written).
   */
  private async copyToSiblings(attached: NewEventRow[]): Promise<NewEventRow[]> {
    const copies: NewEventRow[] = [];
    // A push whose entities cannot be listed now waits for the next run; the others attach.
    const heldBack: NewEventRow[] = [];
    for (const row of attached) {
      if (row.source !== GITHUB_WEBHOOK_SOURCE) continue;
      let siblings: string[];
      try {
        siblings = await siblingsOfCommits(row.event, row.mappingKeys, row.entityRef, this.resolver);
      } catch (e) {
        this.logger.warn(`Push ${row.id} is attached later: its repository's entities could not be listed: ${(e as Error).message}`);
        heldBack.push(row);
        continue;
      }
      for (const sibling of siblings) copies.push(siblingCopyOf(row, sibling));
    }
    if (copies.length === 0) return heldBack;
    const result = await this.store.applyEvents(copies, {
      // The push's own sender, as when a push that matched on arrival is copied.
      actor: copies[0].actor,
      action: 'ingest',
      subjectType: 'batch',
      subjectId: `${GITHUB_WEBHOOK_SOURCE}:${Date.now()}`,
      details: { source: GITHUB_WEBHOOK_SOURCE, attached: true },
    });
    const accepted = new Set(result.accepted);
    await this.tellListeners(copies.filter(r => accepted.has(r.id)), result.folds);
    return heldBack;
  }

  /**
   * The features derive different data and none reads another's: they run side by side, so a
   * batch waits for the slowest listener's statements, not for the sum of them.
   */
  private async tellListeners(fresh: NewEventRow[], folds: BatchFolds) {
    if (fresh.length === 0) return;
    const failed = (e: unknown) =>
      this.logger.error(`Ingest listener failed: ${(e as Error).message}`);
    await Promise.all(
      this.listeners.map(listener =>
        Promise.resolve()
          .then(() => listener(fresh, folds))
          .catch(failed),
      ),
    );
  }

  constructor(
    private readonly store: LedgerStore,
    private readonly resolver: EntityResolver,
    private readonly logger: LoggerService,
  ) {}

  async ingest(options: {
    /** `native`, `cdevents`, `github`, or the id of an ingestion source module. */
    source: string;
    events: GreenlightEvent[];
    actor: string;
    ignored?: number;
    /**
     * Called with each event's resolved entity (null when none matches yet) and, per event, the
     * other entities it changes (`entitiesTouched`) before anything is written; throwing rejects
     * the whole batch. It may be called a second time, with more entities, when the write finds
     * records of the batch that other entities' events made (`SubjectsOfOtherEntities`).
     */
    authorize?: (entityRefs: Array<string | null>, touched: Array<Array<string | null>>) => Promise<void>;
  }): Promise<IngestOutcome> {
    const receivedAt = Date.now();
    const rows: NewEventRow[] = [];
    const allKeys: MappingKeys[] = [];
    for (const event of options.events) {
      allKeys.push(
        options.source === GITHUB_WEBHOOK_SOURCE
          ? await bindToRepository(mappingKeysOf(event), this.resolver)
          : mappingKeysOf(event),
      );
    }
    let entityRefs: Array<string | null> = [];
    if (this.resolver.resolveAll) entityRefs = await this.resolver.resolveAll(allKeys);
    else for (const keys of allKeys) entityRefs.push(await this.resolver.resolve(keys));
    const rowOf = (event: GreenlightEvent, entityRef: string | null, keys: MappingKeys): NewEventRow => ({
      id: `${options.source}:${event.id}`,
      source: options.source,
      subjectKey: subjectKeyOf(event),
      eventTime: eventTimeOf(event, receivedAt),
      receivedAt,
      actor: options.actor,
      entityRef,
      mappingKeys: keys,
      event,
    });
    for (const [i, event] of options.events.entries()) {
      const keys = allKeys[i];
      const row = rowOf(event, entityRefs[i], keys);
      rows.push(row);
      // A source-bound push to a monorepo is each of its entities' (see `siblingsOfCommits`).
      if (options.authorize) continue;
      for (const sibling of await siblingsOfCommits(event, keys, entityRefs[i], this.resolver)) {
        rows.push(siblingCopyOf(row, sibling));
      }
    }
    const result = await writeChecked(this.store, rows, options.authorize, {
      actor: options.actor,
      action: 'ingest',
      subjectType: 'batch',
      subjectId: `${options.source}:${receivedAt}`,
      details: { source: options.source },
    });
    // The first sending of an accepted id is the new event; any repeat of it in the same
    // batch is a duplicate, like an id the ledger already held.
    const pending = new Set(result.accepted);
    const isNew = rows.map(r => pending.delete(r.id));
    const fresh = rows.filter((_, i) => isNew[i]);
    await this.tellListeners(fresh, result.folds);
    const unmapped = fresh.filter(r => !r.entityRef).length;
    if (unmapped > 0) {
      this.logger.info(`${unmapped} ${options.source} event(s) matched no catalog entity yet`);
    }
    return {
      accepted: fresh.length,
      duplicates: rows.length - fresh.length,
      unmapped,
      ignored: options.ignored ?? 0,
      results: rows.map((r, i) => ({
        id: r.id,
        status: isNew[i] ? 'accepted' : 'duplicate',
        entityRef: r.entityRef,
      })),
    };
  }
}

/**
 * The row of a commits event's copy for one more entity of its repository (`commitsCopyFor`):
 * the same id whether the push is copied on arrival or when it is attached later, so a second
 * delivery, or a second try, is a duplicate.
 */
function siblingCopyOf(row: NewEventRow, sibling: string): NewEventRow {
  const event = commitsCopyFor(row.event, sibling);
  return {
    ...row,
    id: `${row.source}:${event.id}`,
    subjectKey: subjectKeyOf(event),
    entityRef: sibling,
    mappingKeys: { ...row.mappingKeys, entityRef: sibling },
    event,
  };
}

/**
 * Checks the batch (when the caller passes `authorize`) on every entity it touches, then writes
 * it. The write itself refuses records whose stored events name an entity not checked yet; those
 * entities are then checked too and the write runs once more, or the batch is refused.
 */
async function writeChecked(
  store: LedgerStore,
  rows: NewEventRow[],
  authorize: ((entityRefs: Array<string | null>, touched: Array<Array<string | null>>) => Promise<void>) | undefined,
  audit: AuditEntry,
): Promise<ApplyResult> {
  if (!authorize) return store.applyEvents(rows, audit);
  const referenced = referencedDeployments(rows);
  const ids = referenced.flat();
  const owners = ids.length > 0 ? await store.deploymentEntities(ids) : new Map<string, string | null>();
  const touched = entitiesTouched(rows, referenced, owners);
  const entityRefs = rows.map(r => r.entityRef);
  await authorize(entityRefs, touched);
  try {
    return await store.applyEvents(rows, audit, { allowedEntities: allowedBySubject(rows, touched) });
  } catch (e) {
    if (!(e instanceof SubjectsOfOtherEntities)) throw e;
    rows.forEach((row, i) => {
      for (const ref of e.entitiesBySubject.get(row.subjectKey) ?? []) {
        if (ref !== row.entityRef && !touched[i].includes(ref)) touched[i].push(ref);
      }
    });
    await authorize(entityRefs, touched);
    // A second change of hands in between reaches the caller as a 409 (send the batch again).
    return store.applyEvents(rows, audit, { allowedEntities: allowedBySubject(rows, touched) });
  }
}

export function mappingKeysOf(event: GreenlightEvent): MappingKeys {
  const keys: MappingKeys = {
    entityRef: event.entityRef,
    serviceId: event.serviceId,
    artifactPurl: event.artifactPurl,
    repository: event.repository,
  };
  if (!keys.artifactPurl && event.type === 'artifact') keys.artifactPurl = event.artifact.purl;
  if (!keys.repository) {
    if (event.type === 'build') keys.repository = event.build.repository;
    if (event.type === 'artifact') keys.repository = event.artifact.repository;
    if (event.type === 'commits') keys.repository = event.commits[0]?.repository;
  }
  if (!keys.entityRef && event.type.startsWith('incident.')) {
    const refs = (event as Extract<GreenlightEvent, { type: 'incident.opened' }>).incident.entityRefs;
    if (refs?.length) keys.entityRef = refs[0];
  }
  return Object.fromEntries(Object.entries(keys).filter(([, v]) => v)) as MappingKeys;
}
