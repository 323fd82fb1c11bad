import {
  DoraChangeIntent,
  DoraDeployment,
  DoraDeploymentStatus,
  DoraIncident,
} from '@greenlight/backstage-plugin-greenlight-common';
import { EnvironmentConfig } from '../config';

/** The environment's tier from the promotion path; environments outside it are not production. */
export type TierOf = (environment: string) => string;

export function tierResolver(environments: EnvironmentConfig[]): TierOf {
  const tiers = new Map(environments.map(e => [e.name, e.tier as string]));
  return environment => tiers.get(environment) ?? 'unknown';
}

export const num = (v: unknown): number | undefined =>
  v === null || v === undefined ? undefined : Number(v);

/** The columns of a `deployments` row that DORA reads. */
export const DEPLOYMENT_COLUMNS = [
  'id',
  'entity_ref',
  'environment',
  'status',
  'intent',
  'started_at',
  'finished_at',
  'sort_time',
  'rollback_of',
  'replaces',
  'artifact_digest',
];

export type DeploymentRow = {
  id: string;
  entity_ref: string | null;
  environment: string;
  status: string;
  intent: string;
  started_at: unknown;
  finished_at: unknown;
  sort_time?: unknown;
  rollback_of: string | null;
  replaces: string | null;
  artifact_digest?: string | null;
};

export function toDoraDeployment(
  row: DeploymentRow,
  tierOf: TierOf,
  extra: { commitTimes?: number[]; mergeTimes?: number[]; gateFailed?: boolean } = {},
): DoraDeployment {
  const deployment: DoraDeployment = {
    id: row.id,
    // Unmapped deployments matter only as evidence against the deployments they name.
    entityRef: row.entity_ref ?? '',
    environment: row.environment,
    tier: tierOf(row.environment),
    status: row.status as DoraDeploymentStatus,
    intent: row.intent as DoraChangeIntent,
    commitTimes: extra.commitTimes ?? [],
  };
  if (extra.mergeTimes && extra.mergeTimes.length > 0) deployment.mergeTimes = extra.mergeTimes;
  const startedAt = num(row.started_at);
  const finishedAt = num(row.finished_at);
  if (startedAt !== undefined) deployment.startedAt = startedAt;
  if (finishedAt !== undefined) deployment.finishedAt = finishedAt;
  if (row.rollback_of) deployment.rollbackOf = row.rollback_of;
  if (row.replaces) deployment.replaces = row.replaces;
  if (row.artifact_digest) deployment.artifactDigest = row.artifact_digest;
  if (extra.gateFailed) deployment.gateFailed = true;
  return deployment;
}

export type IncidentRow = {
  id: string;
  detected_at: unknown;
  resolved_at: unknown;
  deployment_id: string | null;
};

/**
 * An incident as DORA reads it. A `resolved` event without a detection time is dated by
 * its resolution, so it can still mark its deployment failed; with no time at all it has
 * nothing to place and is left out.
 */
export function toDoraIncident(row: IncidentRow, entityRefs: string[] = []): DoraIncident | undefined {
  const detectedAt = num(row.detected_at) ?? num(row.resolved_at);
  if (detectedAt === undefined) return undefined;
  const incident: DoraIncident = { id: row.id, entityRefs, detectedAt };
  const resolvedAt = num(row.resolved_at);
  if (resolvedAt !== undefined) incident.resolvedAt = resolvedAt;
  if (row.deployment_id) incident.deploymentId = row.deployment_id;
  return incident;
}

/** When DORA places a deployment: its finish, else its start. */
export function doraTimeOf(row: DeploymentRow): number | undefined {
  return num(row.finished_at) ?? num(row.started_at);
}
