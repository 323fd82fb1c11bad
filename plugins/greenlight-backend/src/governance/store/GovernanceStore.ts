import type {
  ClassAssessment,
  Evidence,
  PolicyResult,
} from '@greenlight/backstage-plugin-greenlight-common';
import { AuditEntry } from '../../database/LedgerStore';

export type { AuditEntry };

export type StoredOverride = { by: string; reason: string; at: number };

export type StoredDecision = {
  id: string;
  entityRef: string;
  environment: string;
  assessed: 'allow' | 'block';
  classes: ClassAssessment[];
  policy: PolicyResult[];
  missingControls: string[];
  change: Record<string, unknown>;
  evidence: Evidence;
  changeKey: string | null;
  deploymentId: string | null;
  artifactDigest: string | null;
  commitSha: string | null;
  actor: string;
  decidedAt: number;
  /** Set on the decision that was overridden. */
  override: StoredOverride | null;
  /** Set on a later decision that an earlier override of the same change allowed. */
  overrideOf: string | null;
};

export type ReleaseLink = { deploymentId?: string | null; artifactDigest?: string | null; commitSha?: string | null };

/** Readiness decisions: every answer is kept, linked to the release it was about. */
export interface ReadinessStore {
  record(decision: StoredDecision, audit: AuditEntry[]): Promise<void>;
  get(id: string): Promise<StoredDecision | undefined>;
  /** The latest overridden decision of the same change, if any. */
  findOverride(changeKey: string): Promise<StoredDecision | undefined>;
  /** Overrides a blocked decision once; false when it was already overridden. */
  override(id: string, override: StoredOverride, audit: AuditEntry[]): Promise<boolean>;
  listForRelease(entityRef: string, link: ReleaseLink, limit: number): Promise<StoredDecision[]>;
  /** The entity's latest decisions, newest first. */
  listForEntity(entityRef: string, limit: number): Promise<StoredDecision[]>;
  /** Decisions naming any of the deployments or artifacts, for a page of releases. */
  listForReleases(deploymentIds: string[], artifactDigests: string[]): Promise<StoredDecision[]>;
}

export type DriftKind = 'drift' | 'pending-change' | 'reported';

export type DriftResource = {
  address: string;
  entityRef: string | null;
  drifted: boolean;
  kind: DriftKind;
  details: unknown;
};

export type DriftReport = {
  source: string;
  /** An entity ref when the report covers only that entity; `*` when it covers the whole source. */
  scope: string;
  format: 'terraform' | 'generic';
  observedAt: number;
  actor: string;
  resources: DriftResource[];
};

export type DriftItem = {
  id: string;
  source: string;
  entityRef: string | null;
  address: string;
  kind: DriftKind;
  status: 'open' | 'closed';
  details: unknown;
  openedAt: number;
  lastSeenAt: number;
  closedAt: number | null;
};

export type DriftApplyResult = {
  reportId: string;
  stale: boolean;
  drifted: number;
  opened: number;
  closed: number;
  unattributed: number;
};

/** Infrastructure drift: reports as received, and drifted resources until a clean report. */
export interface DriftStore {
  applyReport(report: DriftReport): Promise<DriftApplyResult>;
  listForEntity(entityRef: string, closedLimit: number): Promise<{ open: DriftItem[]; closed: DriftItem[] }>;
}

export type BreakGlassRecord = {
  id: string;
  entityRef: string;
  environment: string | null;
  performedBy: string;
  recordedBy: string;
  what: string;
  why: string;
  performedAt: number;
  recordedAt: number;
  reconcileBy: number;
  reconciliation: { at: number; by: string; link: string; note: string | null } | null;
};

/** Break-glass changes, from the emergency to the change that reconciles it. */
export interface BreakGlassStore {
  record(entry: BreakGlassRecord, audit: AuditEntry[]): Promise<void>;
  get(id: string): Promise<BreakGlassRecord | undefined>;
  /** Reconciles an open entry once; false when it was already reconciled. */
  reconcile(
    id: string,
    reconciliation: NonNullable<BreakGlassRecord['reconciliation']>,
    audit: AuditEntry[],
  ): Promise<boolean>;
  listForEntities(entityRefs: string[], limit: number): Promise<BreakGlassRecord[]>;
  /** Marks entries past their deadline once, with an audit entry each; returns them. */
  flagOverdue(now: number): Promise<BreakGlassRecord[]>;
}
