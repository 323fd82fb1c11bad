import type {
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { GreenlightEventInput } from '@greenlight/backstage-plugin-greenlight-common';

/**
 * Events a source has mapped from its tool, for the one entity they belong to.
 *
 * @public
 */
export interface IngestionSourceBatch {
  /**
   * The entity the events belong to. It must carry one of the source's `annotations`:
   * a source speaks only for entities that named it in the catalog.
   */
  entityRef: string;
  /**
   * Native events (the shape `POST /v1/events` accepts). Their ids are qualified by the
   * source id, so the same id sent twice, by a webhook and by a pull, is one event.
   */
  events: GreenlightEventInput[];
}

/** @public */
export interface IngestionSourceOutcome {
  accepted: number;
  duplicates: number;
}

/**
 * What the Greenlight backend lends a source: catalog lookups with the plugin's own
 * credentials, the ledger write, and durable state for resumable pulls.
 *
 * @public
 */
export interface IngestionSourceContext {
  logger: LoggerService;
  /** Entities with the annotation, and with that exact value when one is given. */
  findEntities(annotation: string, value?: string): Promise<Entity[]>;
  /**
   * Validates and writes one entity's events. Invalid events reject the whole batch with
   * an `InputError` naming the field; nothing is written then.
   */
  ingest(batch: IngestionSourceBatch): Promise<IngestionSourceOutcome>;
  /**
   * Durable JSON values per key, shared by every replica: cursors, progress, ETags.
   * `GET /v1/sources` shows the values under `progress:<key>`: an entry keyed by an entity
   * reference only to callers who may see that entity in the catalog, one keyed without a
   * colon to every reader (so it must not name an entity).
   */
  state: {
    get<T = unknown>(key: string): Promise<T | undefined>;
    /** Writes the value whatever is stored: for values only one writer ever changes. */
    set(key: string, value: unknown): Promise<void>;
    /**
     * Writes `value` only if the stored value still equals `expected` (compared as JSON;
     * `undefined` for a key never written), and says whether it did. `false` means another
     * writer (a replica's pull, a webhook) changed the key since the caller read it; nothing
     * was written, and the caller decides whether to read again or stop.
     */
    compareAndSet(
      key: string,
      expected: unknown,
      value: unknown,
    ): Promise<boolean>;
    /**
     * Reads the value, computes the next one with `fn` and writes it only if nobody wrote the
     * key in between, reading again and calling `fn` again until it does; so `fn` must have
     * no side effects. Resolves to the value written; rejects with a `ConflictError` when
     * other writers keep winning.
     */
    update<T = unknown>(
      key: string,
      fn: (current: T | undefined) => T | Promise<T>,
    ): Promise<T>;
    /** Keys that start with the prefix, with their values. */
    list(
      prefix: string,
    ): Promise<Array<{ key: string; value: unknown; updatedAt: Date }>>;
  };
}

/**
 * A webhook the source's tool calls, at `POST /api/greenlight/v1/sources/<id>/webhook`.
 * It cannot present Backstage credentials, so `authenticate` checks the tool's own
 * signature or token, in constant time; a request it refuses answers 401 and writes nothing.
 *
 * @public
 */
export interface IngestionSourceWebhook {
  authenticate(request: {
    headers: Record<string, string | string[] | undefined>;
    rawBody: Buffer;
  }): boolean | Promise<boolean>;
  /**
   * Maps the parsed payload to batches. Returning no batch answers 202 with the reason:
   * an event the source does not use, or one for which no entity is annotated.
   */
  handle(
    request: {
      headers: Record<string, string | string[] | undefined>;
      body: unknown;
    },
    context: IngestionSourceContext,
  ): Promise<{ batches: IngestionSourceBatch[]; ignoredReason?: string }>;
}

/**
 * Work the source does on a schedule, such as reading a tool's history through its API.
 *
 * @public
 */
export interface IngestionSourcePull {
  schedule: SchedulerServiceTaskScheduleDefinition;
  run(context: IngestionSourceContext & { signal: AbortSignal }): Promise<void>;
}

/**
 * A tool Greenlight learns release history from: Argo CD, GitLab, PagerDuty and the like.
 * Each maps its tool's facts onto native events, so idempotency, entity mapping, the
 * rollback rule and DORA apply to it unchanged.
 *
 * @public
 */
export interface IngestionSource {
  /**
   * Lowercase letters, digits and dashes, at most 32 characters: the ledger's source of
   * its events and the prefix of their ids. `native` and `cdevents` are taken.
   */
  readonly id: string;
  /** The catalog annotations through which an entity opts in to this source. */
  readonly annotations: readonly string[];
  readonly webhook?: IngestionSourceWebhook;
  readonly pull?: IngestionSourcePull;
}
