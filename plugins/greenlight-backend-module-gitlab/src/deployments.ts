import { gitlabTime } from './gitlabTime';
import { deploymentEventSchema } from './payloads';
import { absoluteUrl, gitlabRepository, gitSha } from './repository';
import { ignore, Translation, unreadable } from './translation';

const FINISHED = {
  success: 'succeeded',
  failed: 'failed',
  canceled: 'cancelled',
} as const;

/** The full commit SHA is only in `commit_url`; `short_sha` is the fallback. */
function commitOf(commitUrl?: string | null, shortSha?: string | null) {
  const last = commitUrl?.split('/').pop();
  return (
    gitSha(last && last.length === 40 ? last : undefined) ?? gitSha(shortSha)
  );
}

/**
 * Deployment Hook → `deployment.started` (running) or `deployment.finished` (success,
 * failed, canceled), one deployment per GitLab `deployment_id`, so each status of it
 * folds into the same deployment and a redelivered status is a duplicate.
 */
export function mapDeployment(payload: unknown): Translation {
  const parsed = deploymentEventSchema.safeParse(payload);
  if (!parsed.success) return unreadable('Deployment Hook', parsed.error);
  const d = parsed.data;
  const repository = gitlabRepository(d.project);
  // Deployments made before GitLab sent `deployment_id` are known by their job.
  let key: string | undefined;
  if (d.deployment_id) key = `deployments/${d.deployment_id}`;
  else if (d.deployable_id) key = `jobs/${d.deployable_id}`;
  if (!key) return ignore('deployment without deployment_id or deployable_id');
  const at = gitlabTime(d.status_changed_at);
  const deployment = {
    id: `${repository}/${key}`,
    environment: d.environment,
    commitSha: commitOf(d.commit_url, d.short_sha),
    actor: d.user?.username,
    sourceSystem: 'gitlab',
    url: absoluteUrl(d.deployable_url),
  };
  if (d.status === 'running') {
    return {
      events: [
        {
          id: `${deployment.id}/running`,
          type: 'deployment.started',
          time: at,
          deployment: { ...deployment, status: 'started', startedAt: at },
        },
      ],
    };
  }
  if (!Object.hasOwn(FINISHED, d.status)) {
    return ignore(`deployment status ${d.status} is not used`);
  }
  return {
    events: [
      {
        id: `${deployment.id}/${d.status}`,
        type: 'deployment.finished',
        time: at,
        deployment: {
          ...deployment,
          status: FINISHED[d.status as keyof typeof FINISHED],
          finishedAt: at,
        },
      },
    ],
  };
}
