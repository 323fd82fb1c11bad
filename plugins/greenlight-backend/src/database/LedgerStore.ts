import { StoredEvent } from '../service/projection';

/** An event as it is about to be written, with everything the ledger derives from it. */
export type NewEventRow = StoredEvent & {
  source: string;
  subjectKey: string;
  receivedAt: number;
  actor: string;
  mappingKeys: Record<string, string | undefined>;
};

export type ApplyResult = {
  accepted: string[];
  duplicates: string[];
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

export type Release = {
  id: string;
  entityRef: string | null;
  environment: string;
  status: string;
  strategy: string;
  intent: string;
  version: string | null;
  commitSha: string | null;
  artifact: {
    digest: string;
    name: string | null;
    purl: string | null;
    buildId: string | null;
  } | null;
  actor: string | null;
  sourceSystem: string | null;
  url: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  newCommitCount: number;
  rollbackOf: string | null;
  replaces: string | null;
  rolledBackBy: string[];
};

export type CommitView = {
  sha: string;
  repository: string | null;
  author: string | null;
  title: string | null;
  prNumber: number | null;
  committedAt: string | null;
  mergedAt: string | null;
};

export type ReleaseDetail = Release & {
  commits: CommitView[];
  tests: Array<{
    id: string;
    suite: string;
    outcome: string;
    total: number | null;
    failures: number | null;
    finishedAt: string | null;
    url: string | null;
    matchedBy: 'artifact' | 'build' | 'commit';
  }>;
  incidents: Array<{
    id: string;
    title: string | null;
    severity: string | null;
    detectedAt: string | null;
    resolvedAt: string | null;
    evidence: string | null;
  }>;
  audit: Array<{ at: string; actor: string; action: string; details: unknown }>;
};

export type EnvironmentState = {
  name: string;
  tier: string;
  order: number;
  current: {
    releaseId: string;
    artifactDigest: string | null;
    version: string | null;
    commitSha: string | null;
    since: string | null;
    actor: string | null;
  } | null;
  waiting: { count: number; commits: CommitView[] };
};

export type ChangeItem = {
  at: string;
  kind: 'deployment' | 'incident';
  entityRef: string | null;
  id: string;
  summary: string;
  status: string;
  environment?: string;
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
  /** Writes a batch atomically: new events are stored and their subjects re-projected. */
  applyEvents(rows: NewEventRow[], audit: AuditEntry): Promise<ApplyResult>;
  /** Re-tries entity mapping for events that had none; returns how many were attached. */
  attachUnmapped(
    resolve: (keys: Record<string, string | undefined>) => Promise<string | null>,
    limit: number,
  ): Promise<number>;
  listUnmapped(limit: number): Promise<
    Array<{ id: string; type: string; receivedAt: string; keys: Record<string, string> }>
  >;
  listReleases(query: ReleaseQuery): Promise<{ items: Release[]; nextCursor?: string }>;
  getRelease(id: string): Promise<ReleaseDetail | undefined>;
  getEnvironments(
    entityRef: string,
    environments: Array<{ name: string; tier: string; order: number }>,
  ): Promise<EnvironmentState[]>;
  listChanges(entityRefs: string[], from: number, to: number, limit: number): Promise<ChangeItem[]>;
  appendAudit(entry: AuditEntry): Promise<void>;
}
