/** One deployment of an entity's artifact to an environment. */
export interface DeploymentRecord {
  id: string;
  environment: string;
  /** Position of the environment on the entity's promotion path, lowest first. */
  envOrder: number;
  artifactDigest: string;
  commitSha: string;
  /** `succeeded` (or `success`) counts as a successful deployment. */
  status: string;
  startedAt?: string | Date;
  finishedAt?: string | Date;
  /**
   * When the ledger places the deployment (its finish, else its start, else when it was
   * first reported): stands in for the start of a deployment reported without times.
   */
  sortTime?: string | Date;
}

export type PromotionStatus =
  | 'first-stage'
  | 'promoted'
  | 'rebuilt'
  | 'skipped-stage';

export interface PromotionVerdict {
  deploymentId: string;
  environment: string;
  status: PromotionStatus;
  /** Order of the stage this deployment should have come through. */
  previousEnvOrder?: number;
  /** The earlier deployment that shows the promotion or the rebuild. */
  evidenceDeploymentId?: string;
  /** For `rebuilt`: the digest that was deployed earlier for the same commit. */
  earlierArtifactDigest?: string;
}

export interface PromotionOptions {
  /**
   * The whole promotion path. Without it the stages are inferred from the
   * deployments, so a stage that never saw a deployment cannot be noticed as
   * skipped.
   */
  path?: Array<{ environment: string; envOrder: number }>;
}

const SUCCESS = new Set(['succeeded', 'success', 'successful']);

/**
 * Classifies each deployment against the stage before it on the path.
 *
 * - `first-stage`: the environment is the first on the path.
 * - `promoted`: the same artifact digest finished successfully in the previous
 *   stage before this deployment started. Only a known finish time counts: a
 *   deployment without one proves nothing.
 * - `rebuilt`: not promoted, but the same commit reached an earlier stage
 *   first with a different digest, so what runs here was never tested there.
 * - `skipped-stage`: neither; the artifact bypassed the previous stage.
 */
export function classifyPromotions(
  deployments: DeploymentRecord[],
  options: PromotionOptions = {},
): PromotionVerdict[] {
  const orders = [
    ...new Set([
      ...deployments.map(d => d.envOrder),
      ...(options.path ?? []).map(p => p.envOrder),
    ]),
  ].sort((a, b) => a - b);
  const first = orders[0];

  return deployments.map(deployment => {
    const base = {
      deploymentId: deployment.id,
      environment: deployment.environment,
    };
    if (deployment.envOrder === first) {
      return { ...base, status: 'first-stage' as const };
    }
    const previousEnvOrder = orders.filter(o => o < deployment.envOrder).pop()!;
    // Without any time, nothing is shown to have come before this deployment.
    const startedAt = startOf(deployment) ?? Number.NEGATIVE_INFINITY;
    const digest = deployment.artifactDigest.toLowerCase();
    const commit = deployment.commitSha.toLowerCase();
    const earlier = deployments.filter(
      other =>
        other.id !== deployment.id && other.envOrder < deployment.envOrder,
    );

    const promotedBy = earlier.find(other => {
      const finishedAt = timeOf(other.finishedAt);
      return (
        other.envOrder === previousEnvOrder &&
        other.artifactDigest.toLowerCase() === digest &&
        SUCCESS.has(other.status.toLowerCase()) &&
        finishedAt !== undefined &&
        finishedAt <= startedAt
      );
    });
    if (promotedBy) {
      return {
        ...base,
        status: 'promoted' as const,
        previousEnvOrder,
        evidenceDeploymentId: promotedBy.id,
      };
    }
    const rebuiltFrom = earlier.find(other => {
      const reachedAt = startOf(other);
      return (
        other.commitSha.toLowerCase() === commit &&
        other.artifactDigest.toLowerCase() !== digest &&
        reachedAt !== undefined &&
        reachedAt <= startedAt
      );
    });
    if (rebuiltFrom) {
      return {
        ...base,
        status: 'rebuilt' as const,
        previousEnvOrder,
        evidenceDeploymentId: rebuiltFrom.id,
        earlierArtifactDigest: rebuiltFrom.artifactDigest,
      };
    }
    return { ...base, status: 'skipped-stage' as const, previousEnvOrder };
  });
}

/** A time in ms, or undefined when it is missing or unreadable. */
function timeOf(value: string | Date | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** When a deployment began: its start, else its finish, else when the ledger places it. */
function startOf(d: DeploymentRecord): number | undefined {
  return timeOf(d.startedAt) ?? timeOf(d.finishedAt) ?? timeOf(d.sortTime);
}
