/**
 * The shapes the Greenlight backend answers with (see docs/api.md). The backend builds
 * them, the frontend client and the CLI read them; keeping them here is the contract.
 */
import type { DoraMetrics, DoraHeadlineChange, DoraTrendPoint } from './dora';
import type { Comparator, EvidenceUnit } from './gates';

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
  /**
   * For a rollback: the deployment that first shipped the artifact it restores. When the
   * rollback did not name its artifact, version or commit, they are that deployment's.
   */
  restoredFrom?: string | null;
  /** Filled in by the provenance service when it knows the artifact. */
  provenance?: ProvenanceSummary;
  promotion?: PromotionStatus;
  /** Filled in by governance when a readiness decision was asked about this release. */
  readiness?: ReleaseReadiness;
  /** Filled in by governance when this release breaks a delivery policy. */
  violations?: PolicyViolation[];
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
  audit: Array<{
    /** When Greenlight recorded the entry. */
    at: string;
    /** For a ledger event: when it happened, as its source reported it. */
    eventAt?: string;
    actor: string;
    action: string;
    details: unknown;
  }>;
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
    /** Set when a rollback put this artifact back: the deployment that first shipped it. */
    restoredFrom?: string | null;
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
  /** `policy` for a policy gate (provenance, promotion, readiness), which measures no metric. */
  kind: 'threshold' | 'burn-rate' | 'canary-vs-baseline' | 'policy';
  shadow: boolean;
  /** The query as sent to the provider, placeholders resolved; for a policy gate, what it checked. */
  query: string;
  value: number | null;
  threshold: number | null;
  /**
   * A value JSON cannot carry: `Infinity` when a latency quantile is above every histogram
   * bucket (`value` is then null).
   */
  nonFiniteValue?: 'Infinity' | '-Infinity';
  /** For threshold gates, the passing condition `value <comparator> threshold`; absent on older rows. */
  comparator?: Comparator;
  /** The unit of `value` and `threshold`, when known. */
  unit?: EvidenceUnit;
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
  /** The version being rolled out, as the ledger records its deployment. */
  version?: string | null;
  state: RolloutState;
  /**
   * Why the rollout is in its state: for an analysing rollout whose gates would promote it,
   * what holds the promotion (a failing policy gate, an emergency stop).
   */
  stateReason?: string;
  startedAt: string;
  updatedAt: string;
  nextEvaluationAt: string | null;
  gates: Array<{
    id: string;
    kind: string;
    shadow: boolean;
    description?: string;
    /** How many failures roll back: in a row, or k within the last n evaluations. */
    failureRule?: { kind: 'consecutive'; count: number } | { kind: 'k-of-n'; k: number; n: number };
    /** Passing evaluations after which the gate promotes. */
    evaluations?: number;
  }>;
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
    | 'entities-without-production'
    /** Entities whose newest events are not rolled up yet, so the figures leave them out. */
    | 'rollups-refreshing';
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

/** One verifier's verdict on one attestation. @public */
export type AttestationVerdictView = {
  /** `greenlight` for the built-in verifier, else the id of an extension verifier. */
  verifier: string;
  status: 'verified' | 'invalid' | 'unverifiable';
  reason?: string;
  keyId?: string;
  keyIds?: string[];
  identity?: { issuer: string; subject: string };
  builderId?: string;
  slsaLevel?: number;
  buildType?: string;
  predicateType?: string;
  sourceRepository?: string;
  sourceCommit?: string;
  invocationId?: string;
  subjects?: Array<{ name?: string; digest: Record<string, string> }>;
  /** What an extension verifier reported beyond the status. */
  details?: Record<string, unknown>;
  verifiedAt: string;
  /** False when the trust policy changed since; the verdict is re-verified soon. */
  current: boolean;
};

/** An attestation stored as received, with the verdicts on it. @public */
export type AttestationView = {
  /** SHA-256 of the canonical content. */
  id: string;
  artifactDigest: string;
  mediaType: string;
  receivedAt: string;
  receivedBy: string;
  /** The artifact event that carried it; null when posted to `/v1/attestations`. */
  sourceEventId: string | null;
  verdicts: AttestationVerdictView[];
};

/** A build as the ledger recorded it. @public */
export type BuildView = {
  id: string;
  repository: string | null;
  commitSha: string | null;
  url: string | null;
  builder: string | null;
  buildType: string | null;
  inputsDigest: string | null;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
};

/** Where and when an artifact ran, judged against the promotion path. @public */
export type ArtifactDeploymentView = {
  id: string;
  entityRef: string | null;
  environment: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  actor: string | null;
  /** Whether this is what runs in the environment now. */
  current: boolean;
  /** Null for environments outside the configured promotion path. */
  promotion: PromotionStatus | null;
  /** The earlier deployment that shows the promotion or the rebuild. */
  evidenceDeploymentId?: string;
  /** For `rebuilt`: the digest that was deployed earlier for the same commit. */
  earlierArtifactDigest?: string;
};

/** @public */
export type DeterminismStatus = 'reproduced' | 'non-reproducible' | 'single-build';

/** Another build of the same commit, compared with the one that made this artifact. @public */
export type BuildComparison = {
  buildId: string;
  builderId: string | null;
  artifactDigest: string;
  sameInputs: boolean;
  /** Each input that differs, e.g. `resolvedDependencies: only here: {"uri":…}`. */
  inputDifferences: string[];
};

/** Whether the artifact's commit, built again from the same inputs, gives the same digest. @public */
export type DeterminismView = {
  status: DeterminismStatus;
  commitSha: string;
  /** The builds that made this artifact. */
  buildIds: string[];
  /** Canonical inputs shared by the group, when known. */
  inputs: string | null;
  /** Every digest produced from the same commit and inputs. */
  outputs: Array<{ artifactDigest: string; buildIds: string[]; builderIds: string[] }>;
  /** Every other build of the commit. */
  otherBuilds: BuildComparison[];
};

/** `GET /v1/artifacts/:digest`. @public */
export type ArtifactView = {
  digest: string;
  entityRef: string | null;
  name: string | null;
  purl: string | null;
  buildId: string | null;
  commitSha: string | null;
  repository: string | null;
  createdAt: string | null;
  summary: ProvenanceSummary;
  attestations: AttestationView[];
  builds: BuildView[];
  /** Every deployment of the digest, in promotion order, then time. */
  deployments: ArtifactDeploymentView[];
  /** The commit as the artifact, its build and its verified provenance name it. */
  commits: Array<CommitView & { namedBy: Array<'artifact' | 'build' | 'provenance'> }>;
  determinism: DeterminismView | null;
};

/** `GET /v1/trace`: what ran in an environment at a time, back to its source. @public */
export type TraceView = {
  entityRef: string;
  environment: string;
  at: string;
  /** The last successful deployment finished by `at`, with provenance and promotion. */
  release: Release | null;
  /** The successful deployment that replaced it, if one did. */
  replacedBy: { releaseId: string; at: string | null } | null;
  build: BuildView | null;
  /** The release's head commit with its PR details. */
  commit: CommitView | null;
  /** The commits the release brought to the environment. */
  commits: CommitView[];
};

/** One environment in `GET /v1/commits/:sha/where`. @public */
export type CommitEnvironmentView = {
  name: string;
  tier: string;
  order: number;
  /** Whether the current deployment of the environment contains the commit. */
  running: boolean;
  /** The earliest successful deployment that brought the commit here. */
  firstArrival: { releaseId: string; at: string } | null;
  current: {
    releaseId: string;
    artifactDigest: string | null;
    version: string | null;
    since: string | null;
  } | null;
  /** The rollback that took the commit out again, when one did. */
  removedBy: string | null;
};

/** `GET /v1/commits/:sha/where`. @public */
export type CommitLocationView = {
  /** The commit SHA as the ledger knows it. */
  sha: string;
  entityRef: string;
  commit: CommitView | null;
  environments: CommitEnvironmentView[];
};

/** One control of a readiness decision, with the evidence it used. @public */
export type ReadinessControlView = {
  id: string;
  title: string;
  satisfied: boolean;
  reason: string;
  evidence: Record<string, unknown>;
};

/** The latest readiness decision about a release, as release reads show it. @public */
export type ReleaseReadiness = {
  decisionId: string;
  decision: 'allow' | 'block';
  assessed: 'allow' | 'block';
  decidedAt: string;
  missingControls: string[];
  overridden: boolean;
};

/** A release (or a change about to become one) that breaks a delivery policy. @public */
export type PolicyViolation = {
  kind: 'untested-production-deployment';
  entityRef: string;
  /** The deployment; null when the change has not been deployed yet (a readiness answer). */
  releaseId: string | null;
  environment: string;
  at: string | null;
  artifactDigest: string | null;
  commitSha: string | null;
  /** Whether the entity's policy blocks such changes (`greenlight.dev/require-tests`). */
  enforced: boolean;
  reason: string;
};

/** `POST /v1/readiness`, `GET /v1/readiness/:decisionId`. @public */
export type ReadinessDecisionView = {
  decisionId: string;
  /** The answer to act on: the assessment, or `allow` when an override applies. */
  decision: 'allow' | 'block';
  /** What the controls alone decided. */
  assessed: 'allow' | 'block';
  entityRef: string;
  environment: string;
  classes: Array<{
    class: 'code' | 'config' | 'database' | 'cross-service' | 'security-sensitive';
    matchedBy: { paths: string[]; labels: string[]; commits: string[]; assumed?: string };
    controls: ReadinessControlView[];
  }>;
  /** Policy checks (mandatory tests); only enforced ones block. */
  policy: Array<ReadinessControlView & { enforced: boolean }>;
  missingControls: string[];
  violations: PolicyViolation[];
  release: { deploymentId: string | null; artifactDigest: string | null; commitSha: string | null };
  actor: string;
  decidedAt: string;
  override: { decisionId: string; by: string; at: string; reason: string } | null;
  /** When change windows or freezes are configured: whether the change is inside them now. */
  window?: {
    allowed: boolean;
    reasons: string[];
    /** The first time the change may ship (ISO 8601); null when none is found within 400 days. */
    nextAllowedAt: string | null;
    timeZone: string;
    freezes: Array<{ name: string; until: string; reason?: string }>;
    /** The break-glass change that took the change through a closed window or a freeze. */
    breakGlassId: string | null;
  };
  /** The rollout each class of the change needs. */
  rolloutConstraints?: Array<{
    class: string;
    strategy: 'canary' | 'blue-green' | 'any';
    minSoakMinutes?: number;
    description: string;
  }>;
};

/** `GET /v1/violations`. @public */
export type ViolationsResponse = {
  entityRef: string;
  policy: { requireTests: boolean; source: 'annotation' | 'config' };
  window: { from: string; to: string };
  items: PolicyViolation[];
};

/** `GET /v1/checklist/summary`: per check, how the group's entities fare. @public */
export type ChecklistSummaryResponse = {
  groupRef: string;
  /** The group and its descendants. */
  groups: string[];
  entityCount: number;
  checks: Array<{
    id: ChecklistCheck['id'];
    title: string;
    passing: number;
    failing: number;
    failingEntities: Array<{ entityRef: string; reason: string }>;
  }>;
};

/** A drifted infrastructure resource. @public */
export type DriftItemView = {
  id: string;
  source: string;
  entityRef: string | null;
  address: string;
  /** `drift`: changed outside the tool; `pending-change`: the plan would change it; `reported`: a generic report. */
  kind: 'drift' | 'pending-change' | 'reported';
  status: 'open' | 'closed';
  details: unknown;
  openedAt: string;
  lastSeenAt: string;
  closedAt: string | null;
};

/** `POST /v1/drift`. @public */
export type DriftReportResult = {
  reportId: string;
  source: string;
  scope: string;
  observedAt: string;
  /** Older than a report already applied for the source: recorded, changed nothing. */
  stale: boolean;
  resources: number;
  drifted: number;
  opened: number;
  closed: number;
  unattributed: number;
};

/** `GET /v1/drift`. @public */
export type DriftResponse = {
  entityRef: string;
  open: DriftItemView[];
  recentlyClosed: DriftItemView[];
};

/** An emergency change made outside the normal path. @public */
export type BreakGlassView = {
  id: string;
  entityRef: string;
  environment: string | null;
  performedBy: string;
  recordedBy: string;
  what: string;
  why: string;
  performedAt: string;
  recordedAt: string;
  reconcileBy: string;
  status: 'open' | 'overdue' | 'reconciled';
  reconciledLate: boolean;
  reconciliation: { at: string; by: string; link: string; note: string | null } | null;
};

/** `GET /v1/break-glass?entityRef=`. @public */
export type BreakGlassEntityResponse = {
  entityRef: string;
  open: number;
  overdue: number;
  items: BreakGlassView[];
};

/** `GET /v1/break-glass?groupRef=`: per team, then the overdue ones. @public */
export type BreakGlassGroupResponse = {
  groupRef: string;
  groups: string[];
  teams: Array<{
    groupRef: string;
    open: number;
    overdue: number;
    reconciled: number;
    reconciledLate: number;
  }>;
  entities: Array<{ entityRef: string; owner: string | null; open: number; overdue: number }>;
  overdue: BreakGlassView[];
};

/** `GET /v1/readiness?entityRef=`: the entity's latest readiness decisions, newest first. @public */
export type ReadinessListResponse = {
  entityRef: string;
  items: ReadinessDecisionView[];
};

/** `GET /v1/change-windows?entityRef=`: whether a plain code change may ship now, per environment. @public */
export type ChangeWindowsResponse = {
  entityRef: string;
  /** Whether any change windows or freezes are configured at all. */
  configured: boolean;
  environments: Array<{ environment: string } & NonNullable<ReadinessDecisionView['window']>>;
};

/** `POST /v1/dora/reviews`: a team member signs off the team's DORA review. @public */
export type DoraReviewSignOff = {
  id: string;
  groupRef: string;
  signedBy: string;
  signedAt: string;
  notes: string;
  /** The window of figures that was reviewed. */
  window: { from: string; to: string };
};

/** `GET /v1/dora/reviews?groupRef=`: the team's sign-offs, newest first. @public */
export type DoraReviewSignOffsResponse = {
  groupRef: string;
  items: DoraReviewSignOff[];
};
