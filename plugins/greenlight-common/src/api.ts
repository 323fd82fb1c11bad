/**
 * The shapes the Greenlight backend answers with (see docs/api.md). The backend builds
 * them, the frontend client and the CLI read them; keeping them here is the contract.
 */
import type { DoraMetrics, DoraHeadlineChange, DoraTrendPoint } from './dora';

/** @public */
export type CommitView = {
  sha: string;
  repository: string | null;
  author: string | null;
  title: string | null;
  prNumber: number | null;
  committedAt: string | null;
  mergedAt: string | null;
};

/** Provenance of the artifact a release deployed. @public */
export type ProvenanceStatus = 'verified' | 'unsigned' | 'invalid' | 'unverifiable';

/** @public */
export type ProvenanceSummary = {
  status: ProvenanceStatus;
  /** Why, for invalid and unverifiable; the first reason when there are several. */
  reason?: string;
  builderId?: string;
  slsaLevel?: number;
  signer?: string;
  sourceRepository?: string;
  sourceCommit?: string;
  verifiedAt?: string;
};

/** Whether a deployment ran the digest that passed the previous environment. @public */
export type PromotionStatus = 'promoted' | 'rebuilt' | 'skipped-stage' | 'first-stage';

/** @public */
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
  /** Filled in by the provenance service when it knows the artifact. */
  provenance?: ProvenanceSummary;
  promotion?: PromotionStatus;
};

/** @public */
export type ReleasePage = { items: Release[]; nextCursor?: string };

/** @public */
export type TestEvidence = {
  id: string;
  suite: string;
  outcome: string;
  total: number | null;
  failures: number | null;
  finishedAt: string | null;
  url: string | null;
  matchedBy: 'artifact' | 'build' | 'commit';
};

/** @public */
export type ReleaseDetail = Release & {
  commits: CommitView[];
  tests: TestEvidence[];
  incidents: Array<{
    id: string;
    title: string | null;
    severity: string | null;
    detectedAt: string | null;
    resolvedAt: string | null;
    evidence: string | null;
  }>;
  audit: Array<{ at: string; actor: string; action: string; details: unknown }>;
  /** The rollout that watched this release, when it was progressive. */
  rolloutId?: string;
};

/** @public */
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
    provenance?: ProvenanceSummary;
    promotion?: PromotionStatus;
  } | null;
  waiting: { count: number; commits: CommitView[] };
};

/** @public */
export type ChangeItem = {
  at: string;
  kind: 'deployment' | 'incident';
  entityRef: string | null;
  id: string;
  summary: string;
  status: string;
  environment?: string;
};

/** A rollout's lifecycle, as the watcher persists it. @public */
export type RolloutState =
  | 'analysing'
  | 'paused'
  | 'paused-inconclusive'
  | 'promoted'
  | 'rolled-back'
  | 'aborted';

/** One gate evaluation, kept as evidence. @public */
export type GateEvaluationView = {
  at: string;
  gateId: string;
  kind: 'threshold' | 'burn-rate' | 'canary-vs-baseline';
  shadow: boolean;
  /** The query as sent to the provider, placeholders resolved. */
  query: string;
  value: number | null;
  threshold: number | null;
  verdict: 'pass' | 'fail' | 'inconclusive' | 'underpowered' | 'no-data';
  /** What the rollout decided after this evaluation. */
  decision: 'continue' | 'promote' | 'rollback' | 'pause-inconclusive';
  reason: string;
};

/** @public */
export type RolloutView = {
  id: string;
  entityRef: string;
  environment: string;
  deploymentId: string;
  artifactDigest: string | null;
  strategy: 'canary' | 'blue-green';
  state: RolloutState;
  startedAt: string;
  updatedAt: string;
  nextEvaluationAt: string | null;
  gates: Array<{ id: string; kind: string; shadow: boolean; description?: string }>;
  evaluations: GateEvaluationView[];
  rollback: {
    status: 'pending' | 'succeeded' | 'failed';
    executor: string;
    attempts: number;
    reason: string;
    lastError?: string;
    executedAt?: string;
  } | null;
  /** Manual actions the caller may take now (already permission-checked). */
  allowedActions: Array<'pause' | 'resume' | 'promote' | 'rollback' | 'override'>;
};

/** The scope a DORA answer covers. @public */
export type DoraScope = {
  kind: 'entity' | 'group' | 'system' | 'organization';
  ref: string | null;
  entityRefs: number;
};

/** A finding about the data behind a DORA answer. @public */
export type DataQualityFinding = {
  id:
    | 'deployments-without-commit'
    | 'commits-without-time'
    | 'incidents-without-entity'
    | 'incidents-without-attribution'
    | 'entities-without-production';
  count: number;
  examples: string[];
};

/** `GET /v1/dora`. @public */
export type DoraResponse = {
  scope: DoraScope;
  window: { from: string; to: string };
  bucket: 'week' | 'month';
  /** True when quantiles come from sketches (within the documented relative error). */
  approximate: boolean;
  current: DoraMetrics;
  previous: DoraMetrics;
  change: DoraHeadlineChange;
  trend: DoraTrendPoint[];
  /** Per entity, for team, system and organisation scopes. */
  breakdown: Array<{ entityRef: string; metrics: DoraMetrics }>;
  dataQuality: DataQualityFinding[];
};

/** One check of the production-grade checklist. @public */
export type ChecklistCheck = {
  id: 'mandatory-tests' | 'signed-traceable' | 'progressive-rollback' | 'dora-reviewed';
  title: string;
  status: 'pass' | 'fail';
  reason: string;
};

/** `GET /v1/checklist`. @public */
export type ChecklistResponse = { entityRef: string; checks: ChecklistCheck[] };
