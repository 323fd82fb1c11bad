import type { GreenlightEventInput } from '@greenlight/backstage-plugin-greenlight-common';
import {
  githubDeploymentEventIds,
  githubDeploymentId,
  githubFinishedStates,
  githubRepository,
} from '@greenlight/backstage-plugin-greenlight-node';
import type {
  GithubComparison,
  GithubDeployment,
  GithubDeploymentStatus,
  GithubPull,
} from './githubShapes';
import { withoutUnsafeCharacters } from '@greenlight/backstage-plugin-greenlight-common';

export type DeploymentHistory = {
  fullName: string;
  deployment: GithubDeployment;
  statuses: GithubDeploymentStatus[];
  /** The comparison with the previous deployment of the environment, when there was one. */
  comparison?: GithubComparison;
  /** Merged pull requests by their merge commit. */
  pulls: ReadonlyMap<string, GithubPull>;
};

/**
 * Native events for one deployment read back from the REST API. The deployment and its
 * statuses get the ids and fields the built-in webhook gives the same facts, so whichever
 * path delivers them first, the other is a duplicate. What only the backfill knows (the
 * commits it shipped) comes as events of their own ids, so it is kept even when the
 * webhook was first.
 */
export function mapDeploymentHistory(
  history: DeploymentHistory,
): GreenlightEventInput[] {
  const { fullName, deployment: d } = history;
  const repository = githubRepository(fullName);
  const base = {
    id: githubDeploymentId(fullName, d.id),
    environment: d.environment,
    commitSha: d.sha,
    startedAt: d.createdAt,
    actor: d.creator,
    sourceSystem: 'github',
  };
  const events: GreenlightEventInput[] = [
    {
      id: githubDeploymentEventIds.created(fullName, d.id),
      type: 'deployment.started',
      time: d.createdAt,
      repository,
      deployment: { ...base, status: 'started' },
    },
  ];
  const commits = history.comparison?.commits ?? [];
  if (commits.length > 0) {
    events.push({
      id: githubDeploymentEventIds.compare(fullName, d.id),
      type: 'commits',
      time: d.createdAt,
      repository,
      commits: commits.map(c => {
        // Anyone's free text: what the schema would refuse is replaced, so that one commit
        // message does not stop the backfill of the whole repository.
        const title = withoutUnsafeCharacters(
          c.commit.message.split('\n')[0].trim().slice(0, 500),
        );
        const pull = history.pulls.get(c.sha);
        return {
          sha: c.sha,
          repository,
          authoredAt: c.commit.author?.date,
          committedAt: c.commit.committer?.date ?? c.commit.author!.date,
          mergedAt: pull?.mergedAt,
          prNumber: pull?.number,
          author: c.author?.login ?? c.commit.author?.name ?? undefined,
          title: title || undefined,
        };
      }),
    });
    // A started event of its own id carries the shipped commits onto the deployment;
    // it ranks lowest, so it never changes the deployment's status.
    events.push({
      id: githubDeploymentEventIds.commits(fullName, d.id),
      type: 'deployment.started',
      time: d.createdAt,
      repository,
      deployment: {
        ...base,
        status: 'started',
        commits: commits.map(c => c.sha),
      },
    });
  }
  for (const status of history.statuses) {
    const finished = Object.hasOwn(githubFinishedStates, status.state)
      ? githubFinishedStates[status.state]
      : undefined;
    if (!finished) continue;
    events.push({
      id: githubDeploymentEventIds.status(fullName, d.id, status.id),
      type: 'deployment.finished',
      time: status.createdAt,
      repository,
      deployment: {
        ...base,
        environment: status.environment || d.environment,
        status: finished,
        finishedAt: status.createdAt,
        url: status.url,
      },
    });
  }
  return events.map(dropUndefined);
}

/** Stored events should not carry empty keys, as the webhook's do not. */
function dropUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(dropUndefined) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, dropUndefined(v)]),
  ) as T;
}
