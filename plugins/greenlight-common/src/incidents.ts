import { z } from 'zod';
import { safeString, safeText } from './strings';

/**
 * Why a deployment is offered as the cause of an incident:
 * - `referenced`: the incident's title or evidence names the deployment's id, version,
 *   artifact digest or commit;
 * - `running`: it was what ran in the incident's environment when the incident was detected;
 * - `recent-change`: the entity deployed it within the window before detection.
 *
 * @public
 */
export type AttributionEvidenceKind =
  | 'referenced'
  | 'running'
  | 'recent-change';

/** @public */
export type AttributionEvidence = {
  kind: AttributionEvidenceKind;
  /** A sentence a person can check, e.g. "title names version 1.4.2". */
  detail: string;
};

/**
 * A deployment that may have caused an incident, with the evidence for it. Candidates are
 * ranked by `score`: the sum of the weights of their evidence (referenced 4, running 2,
 * recent change 1), then by how recent they are.
 *
 * @public
 */
export type AttributionCandidate = {
  deploymentId: string;
  entityRef: string;
  environment: string;
  status: string;
  version?: string;
  artifactDigest?: string;
  commitSha?: string;
  /** When the deployment finished, else started (ISO 8601). */
  time: string;
  score: number;
  evidence: AttributionEvidence[];
};

/** @public */
export type UnattributedIncident = {
  id: string;
  title?: string;
  severity?: string;
  detectedAt: string;
  resolvedAt?: string;
  /** The environment the incident's events name, if any. */
  environment?: string;
  entityRefs: string[];
  candidates: AttributionCandidate[];
};

/**
 * A person's decision about an incident: it was caused by a deployment, or by no change.
 *
 * @public
 */
export type IncidentAttribution = {
  incidentId: string;
  title?: string;
  detectedAt?: string;
  verdict: 'deployment' | 'not-a-change';
  deploymentId?: string;
  note?: string;
  actor: string;
  attributedAt: string;
};

/**
 * `GET /v1/incidents/unattributed?entityRef=`: the entity's incidents that no evidence ties
 * to a deployment, with candidates, and the decisions people made, which can be undone.
 *
 * @public
 */
export type UnattributedIncidentsResponse = {
  entityRef: string;
  /** The window before detection in which a deployment counts as a recent change. */
  windowHours: number;
  items: UnattributedIncident[];
  decided: IncidentAttribution[];
};

/**
 * The body of `POST /v1/incidents/:id/attribution`.
 *
 * @public
 */
export const incidentAttributionRequestSchema = z.union([
  z.strictObject({
    deploymentId: safeString().min(1).max(200),
    note: safeText().max(1000).optional(),
  }),
  z.strictObject({
    notCausedByChange: z.literal(true),
    note: safeText().max(1000).optional(),
  }),
]);

/** @public */
export type IncidentAttributionRequest = z.infer<
  typeof incidentAttributionRequestSchema
>;
