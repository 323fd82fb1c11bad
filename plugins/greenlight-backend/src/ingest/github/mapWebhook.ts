import { finalize, IngestOutcome, Translation } from '../outcome';
import { mapDeployment, mapDeploymentStatus } from './deployments';
import { mapPush } from './pushes';
import { mapWorkflowRun } from './workflowRuns';

export type GithubWebhook = {
  /** The `X-GitHub-Event` header. */
  event: string | undefined;
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
 *
 * The idempotency key comes from the signed body (the deployment, deployment status,
 * workflow run attempt or pushed head), never from the `X-GitHub-Delivery` header: the
 * signature does not cover headers, so a replayed body with a new delivery id must still
 * be recognised as the same event.
 */
export function mapGithubWebhook({
  event,
  payload,
}: GithubWebhook): IngestOutcome {
  if (!event)
    return {
      outcome: 'invalid',
      path: 'X-GitHub-Event',
      message: 'missing header',
    };
  const mapper = Object.hasOwn(MAPPERS, event) ? MAPPERS[event] : undefined;
  if (!mapper)
    return {
      outcome: 'ignored',
      reason: `GitHub ${event} events are not used by Greenlight`,
    };
  const translation = mapper(payload);
  if ('events' in translation && !translation.id) {
    // Every mapper names its event by signed content; a mapper that does not is a bug.
    throw new Error(`GitHub ${event} mapper gave no idempotency key`);
  }
  return finalize('events' in translation ? translation.id! : '', translation);
}
