import { finalize, IngestOutcome, Translation } from '../outcome';
import { mapDeployment, mapDeploymentStatus } from './deployments';
import { mapPush } from './pushes';
import { mapWorkflowRun } from './workflowRuns';

export type GithubWebhook = {
  /** The `X-GitHub-Event` header. */
  event: string | undefined;
  /** The `X-GitHub-Delivery` header: a redelivery keeps it, so it is the idempotency key. */
  deliveryId: string | undefined;
  /** The parsed JSON body (verify the signature on the raw bytes first). */
  payload: unknown;
};

const MAPPERS: Record<string, (payload: unknown) => Translation> = {
  deployment: mapDeployment,
  deployment_status: mapDeploymentStatus,
  workflow_run: mapWorkflowRun,
  push: mapPush,
};

/** The GitHub webhook events that can produce Greenlight events. */
export const MAPPED_GITHUB_EVENTS = Object.keys(MAPPERS);

/**
 * Translates one GitHub webhook delivery. Events are attributed to
 * `github.com/<owner>/<repo>`, which the ledger matches with the catalog's
 * `github.com/project-slug` annotation.
 */
export function mapGithubWebhook({
  event,
  deliveryId,
  payload,
}: GithubWebhook): IngestOutcome {
  if (!event)
    return {
      outcome: 'invalid',
      path: 'X-GitHub-Event',
      message: 'missing header',
    };
  if (!deliveryId) {
    return {
      outcome: 'invalid',
      path: 'X-GitHub-Delivery',
      message: 'missing header',
    };
  }
  const mapper = Object.hasOwn(MAPPERS, event) ? MAPPERS[event] : undefined;
  if (!mapper)
    return {
      outcome: 'ignored',
      reason: `GitHub ${event} events are not used by Greenlight`,
    };
  return finalize(deliveryId, mapper(payload), 'X-GitHub-Delivery');
}
