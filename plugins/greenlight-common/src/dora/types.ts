/** @public */
export type DoraDeploymentStatus =
  | 'succeeded'
  | 'failed'
  | 'rolled-back'
  | 'cancelled'
  | 'started';

/** @public */
export type DoraChangeIntent = 'planned' | 'hotfix' | 'rollback' | 'revert';

/**
 * Environment tier. Only `production` counts for DORA metrics; the open string
 * keeps custom tiers (e.g. `sandbox`) representable without a cast.
 *
 * @public
 */
export type DoraEnvironmentTier =
  | 'production'
  | 'staging'
  | 'development'
  | (string & {});

/** @public */
export interface DoraDeployment {
  /** Unique across all deployments; other deployments and incidents refer to it. */
  id: string;
  entityRef: string;
  environment: string;
  tier: DoraEnvironmentTier;
  status: DoraDeploymentStatus;
  intent: DoraChangeIntent;
  /** Epoch milliseconds. */
  startedAt?: number;
  /** Epoch milliseconds. */
  finishedAt?: number;
  /** Id of the deployment this one rolls back. */
  rollbackOf?: string;
  /** Id of the deployment this one replaces (e.g. a hotfix on top of it). */
  replaces?: string;
  /** An SLO gate failed during this deployment's rollout. */
  gateFailed?: boolean;
  artifactDigest?: string;
  /**
   * Commit times (epoch ms) of the commits this deployment newly brought to its
   * environment. Empty for a redeploy or a rollback to an older version.
   */
  commitTimes: readonly number[];
  /**
   * Of `commitTimes`, those that are merge times: the source knew no commit time (a
   * CDEvents `change.merged`), so their lead time is measured from the merge. A subset of
   * `commitTimes` as a multiset; absent means none.
   */
  mergeTimes?: readonly number[];
}

/** @public */
export interface DoraIncident {
  id: string;
  entityRefs: readonly string[];
  /** Epoch milliseconds. */
  detectedAt: number;
  /** Epoch milliseconds; absent while the incident is open. */
  resolvedAt?: number;
  /** The deployment this incident was attributed to, with evidence. */
  deploymentId?: string;
}

/**
 * A half-open time range `[from, to)` in epoch milliseconds.
 *
 * @public
 */
export interface DoraWindow {
  from: number;
  to: number;
}

/** @public */
export interface DoraInput {
  deployments: readonly DoraDeployment[];
  incidents?: readonly DoraIncident[];
  /** Commit times of commits that have not reached production (yet). */
  notInProductionCommitTimes?: readonly number[];
}
