import type {
  ProvenanceSummary,
  RolloutState,
  RolloutView,
} from '@greenlight/backstage-plugin-greenlight-common';

export type {
  BreakGlassEntityResponse,
  BreakGlassGroupResponse,
  BreakGlassView,
  ChangeItem,
  ChangeWindowsResponse,
  ChecklistSummaryResponse,
  DoraReviewSignOff,
  DoraReviewSignOffsResponse,
  DriftItemView,
  DriftResponse,
  PolicyViolation,
  ReadinessDecisionView,
  ReadinessListResponse,
  ViolationsResponse,
  ChecklistCheck,
  ChecklistResponse,
  CommitView,
  DataQualityFinding,
  DoraResponse,
  EnvironmentState,
  GateEvaluationView,
  AttributionCandidate,
  AttributionEvidence,
  IncidentAttribution,
  IncidentAttributionRequest,
  UnattributedIncident,
  UnattributedIncidentsResponse,
  ProvenanceStatus,
  ProvenanceSummary,
  PromotionStatus,
  Release,
  ReleaseDetail,
  ReleasePage,
  RolloutState,
  RolloutView,
} from '@greenlight/backstage-plugin-greenlight-common';

/** Filters of the release history. @public */
export type ReleaseQuery = {
  entityRef: string;
  environment?: string;
  status?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
};

/** The incident view's window over several entities. @public */
export type ChangesQuery = {
  entityRefs: string[];
  from: string;
  to: string;
  limit?: number;
};

/** @public */
export type RolloutQuery = {
  entityRef: string;
  state?: RolloutState;
};

/** @public */
export type RolloutAction = RolloutView['allowedActions'][number];

/** @public */
export type RolloutActionRequest = { action: RolloutAction; reason: string };

/** One entity, every entity a group owns, or every entity of a system. @public */
export type DoraScopeQuery =
  | { entityRef: string; groupRef?: undefined; systemRef?: undefined }
  | { groupRef: string; entityRef?: undefined; systemRef?: undefined }
  | { systemRef: string; entityRef?: undefined; groupRef?: undefined };

/** @public */
export type DoraQuery = DoraScopeQuery & {
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, exclusive. */
  to: string;
  bucket?: 'week' | 'month';
};

/** A signed-statement subject: a name and its digests by algorithm. @public */
export type ArtifactSubject = { name?: string; digest: Record<string, string> };

/**
 * One verifier's verdict on one attestation. Every field but `status` is optional
 * because verdicts of different kinds carry different facts.
 *
 * @public
 */
export type ArtifactVerdict = {
  status: 'verified' | 'invalid' | 'unverifiable';
  verifier?: string;
  reason?: string;
  builderId?: string;
  buildType?: string;
  predicateType?: string;
  slsaLevel?: number;
  keyId?: string;
  keyIds?: string[];
  identity?: { issuer: string; subject: string };
  sourceRepository?: string;
  sourceCommit?: string;
  subjects?: ArtifactSubject[];
  verifiedAt?: string;
  /** False when the trust policy changed since the verdict was reached. */
  current?: boolean;
};

/** @public */
export type ArtifactAttestation = {
  id?: string;
  mediaType?: string;
  receivedAt?: string;
  verdicts: ArtifactVerdict[];
};

/** @public */
export type ArtifactBuild = {
  id?: string;
  builderId?: string;
  commitSha?: string;
  repository?: string;
  url?: string;
  status?: string;
  finishedAt?: string;
};

/** Whether rebuilding the same commit and inputs gave the same digest. @public */
export type ArtifactDeterminism = {
  status: 'reproduced' | 'non-reproducible' | 'single-build';
  buildIds?: string[];
  outputs: Array<{ artifactDigest: string; buildIds?: string[] }>;
};

/**
 * `GET /v1/artifacts/:digest`, read defensively: the client keeps only fields whose
 * type it recognises, so a partial or evolving answer still renders.
 *
 * @public
 */
export type ArtifactProvenance = {
  digest: string;
  name?: string;
  purl?: string;
  /** The backend's artifact-level summary over all verdicts. */
  summary?: ProvenanceSummary;
  builds: ArtifactBuild[];
  attestations: ArtifactAttestation[];
  determinism?: ArtifactDeterminism;
};

/**
 * An installed ingestion source as `GET /v1/sources` lists it. Each source chooses the
 * keys and values of its progress; history imports key theirs by entity reference.
 *
 * @public
 */
export type SourceStatus = {
  id: string;
  annotations: string[];
  webhook: boolean;
  pull: boolean;
  progress: Array<{ key: string; value: unknown; updatedAt: string }>;
};

/** An emergency stop in force. @public */
export type EmergencyStopView = {
  scope: 'organisation' | 'environment';
  environment: string | null;
  reason: string;
  pulledBy: string;
  pulledAt: string;
};

/** An event the ledger could not attach to a catalog entity yet. @public */
export type UnmappedEvent = {
  id: string;
  type: string;
  receivedAt: string;
  keys: Record<string, string>;
};

/** A team member's sign-off of the team's DORA review. @public */
export type DoraSignOffRequest = {
  groupRef: string;
  notes: string;
  window: { from: string; to: string };
};
