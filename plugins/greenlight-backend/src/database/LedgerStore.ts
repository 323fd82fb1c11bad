import {
  ChangeItem,
  CommitView,
  EnvironmentState,
  Release,
  ReleaseDetail,
} from '@greenlight/backstage-plugin-greenlight-common';
import { DeploymentRow, IncidentRow, StoredEvent } from '../service/projection';

export type { ChangeItem, CommitView, EnvironmentState, Release, ReleaseDetail };

/** An event as it is about to be written, with everything the ledger derives from it. */
export type NewEventRow = StoredEvent & {
  source: string;
  subjectKey: string;
  receivedAt: number;
  actor: string;
  mappingKeys: Record<string, string | undefined>;
};

/**
 * The batch's own deployments and incidents as the write folded them: now, and before the
 * batch where they existed. Listeners that compare the two (DORA's stale marking) take them
 * from here instead of reading and folding the subjects' events a second time.
 */
export type BatchFolds = {
  deployments: DeploymentRow[];
  previousDeployments: DeploymentRow[];
  /** As stored: with the deployment their placement or a person's attribution names. */
  incidents: IncidentRow[];
  previousIncidents: IncidentRow[];
};

export type ApplyResult = {
  accepted: string[];
  duplicates: string[];
  folds: BatchFolds;
};

export type ReleaseQuery = {
  entityRef: string;
  environment?: string;
  status?: string;
  from?: number;
  to?: number;
  limit: number;
  cursor?: { sortTime: number; id: string };
};

export type AuditEntry = {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  entityRef?: string | null;
  details?: unknown;
};

/** The delivery ledger: where every event lands and what every read comes from. */
export interface LedgerStore {
  /**
   * Writes a batch atomically: new events are stored and their subjects re-projected. With
   * `allowedEntities` (per subject key, the entities the batch's events were permission-checked
   * for), a subject whose stored events name another entity fails the write with
   * `SubjectsOfOtherEntities`, checked under the subject's lock; nothing is written then.
   */
  applyEvents(
    rows: NewEventRow[],
    audit: AuditEntry,
    options?: { allowedEntities?: Map<string, Set<string>> },
  ): Promise<ApplyResult>;
  /** The entity of each of these deployments that is recorded; null for one without an entity. */
  deploymentEntities(ids: string[]): Promise<Map<string, string | null>>;
  /**
   * Re-tries entity mapping for events that had none; returns the events it attached, with their
   * entities. `resolveAll` maps every event's keys at once, in their order (see `EntityResolver`).
   */
  attachUnmapped(
    resolveAll: (keys: Array<Record<string, string | undefined>>) => Promise<Array<string | null>>,
    limit: number,
    options?: {
      /**
       * Called with the events about to be attached, before they are: what it writes is written
       * again on the next run if attaching them fails, rather than never if it came after. The
       * events it answers are left unattached, for the next run.
       */
      beforeAttach?: (attaching: NewEventRow[]) => Promise<NewEventRow[] | void>;
    },
  ): Promise<NewEventRow[]>;
  listUnmapped(limit: number): Promise<
    Array<{ id: string; type: string; receivedAt: string; keys: Record<string, string> }>
  >;
  listReleases(query: ReleaseQuery): Promise<{ items: Release[]; nextCursor?: string }>;
  /** The newest releases of any entity, newest first; callers filter by what the reader may see. */
  listLatestReleases(query: { limit: number; environment?: string }): Promise<Release[]>;
  /** How many releases match the query's filters, over all its pages. */
  countReleases(query: Omit<ReleaseQuery, 'limit' | 'cursor'>): Promise<number>;
  getRelease(id: string): Promise<ReleaseDetail | undefined>;
  getEnvironments(
    entityRef: string,
    environments: Array<{ name: string; tier: string; order: number }>,
  ): Promise<EnvironmentState[]>;
  listChanges(entityRefs: string[], from: number, to: number, limit: number): Promise<ChangeItem[]>;
  appendAudit(entry: AuditEntry): Promise<void>;
}
