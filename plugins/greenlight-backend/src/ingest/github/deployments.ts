import { z } from 'zod';
import { firstIssue, ignore, reject, Translation } from '../outcome';
import {
  githubDeploymentEventIds,
  githubDeploymentId,
  githubFinishedStates,
} from '@greenlight/backstage-plugin-greenlight-node';
import { githubRepository } from '../repository';
import { readDeploymentExtras } from './deploymentExtras';
import {
  deploymentEventSchema,
  deploymentSchema,
  deploymentStatusEventSchema,
  repositorySchema,
} from './payloads';

type Deployment = z.infer<typeof deploymentSchema>;
type Repository = z.infer<typeof repositorySchema>;

export { githubDeploymentId };

const absoluteUrl = (value?: string | null) =>
  value && z.url().safeParse(value).success ? value : undefined;

/** The fields a `deployment` and its `deployment_status` events share. */
function common(deployment: Deployment, repository: Repository) {
  const extras = readDeploymentExtras(deployment.payload, id =>
    githubDeploymentId(repository.full_name, id),
  );
  if (!extras.ok) return extras;
  const x = extras.extras;
  return {
    ok: true as const,
    subject: {
      entityRef: x.entityRef,
      serviceId: x.serviceId,
      artifactPurl: x.artifactPurl,
      repository: githubRepository(repository.full_name),
    },
    deployment: {
      id: githubDeploymentId(repository.full_name, deployment.id),
      environment: deployment.environment,
      artifactDigest: x.digest,
      version: x.version,
      commitSha: deployment.sha,
      strategy: x.strategy,
      startedAt: deployment.created_at,
      actor: deployment.creator?.login,
      sourceSystem: 'github',
      rollbackOf: x.rollbackOf,
      replaces: x.replaces,
      intent: x.intent,
    },
  };
}

export function mapDeployment(payload: unknown): Translation {
  const parsed = deploymentEventSchema.safeParse(payload);
  if (!parsed.success) return { invalid: firstIssue(parsed.error) };
  const { action, deployment, repository } = parsed.data;
  if (action && action !== 'created')
    return ignore(`deployment ${action} is not used`);
  const shared = common(deployment, repository);
  if (!shared.ok) return reject(shared.path, shared.message);
  return {
    id: githubDeploymentEventIds.created(repository.full_name, deployment.id),
    events: [
      {
        type: 'deployment.started',
        time: deployment.created_at,
        ...shared.subject,
        deployment: { ...shared.deployment, status: 'started' },
      },
    ],
  };
}

export function mapDeploymentStatus(payload: unknown): Translation {
  const parsed = deploymentStatusEventSchema.safeParse(payload);
  if (!parsed.success) return { invalid: firstIssue(parsed.error) };
  const {
    action,
    deployment_status: status,
    deployment,
    repository,
  } = parsed.data;
  if (action && action !== 'created')
    return ignore(`deployment_status ${action} is not used`);
  // Shared with the GitHub backfill module, so both read a status the same way.
  if (!Object.hasOwn(githubFinishedStates, status.state)) {
    return ignore(`deployment state ${status.state} is not a finished state`);
  }
  const shared = common(deployment, repository);
  if (!shared.ok) return reject(shared.path, shared.message);
  return {
    id: githubDeploymentEventIds.status(
      repository.full_name,
      deployment.id,
      status.id,
    ),
    events: [
      {
        type: 'deployment.finished',
        time: status.created_at,
        ...shared.subject,
        deployment: {
          ...shared.deployment,
          environment: status.environment || deployment.environment,
          status: githubFinishedStates[status.state],
          finishedAt: status.created_at,
          url: absoluteUrl(status.log_url) ?? absoluteUrl(status.target_url),
        },
      },
    ],
  };
}
