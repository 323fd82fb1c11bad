import { GreenlightEventInput } from '@greenlight/backstage-plugin-greenlight-common';
import { Application, HistoryEntry } from './application';
import { AppMemory, remember } from './appMemory';

const GIT_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
/** Argo CD records a history entry only for a sync that succeeded; these phases ended badly. */
const FAILED_PHASES = new Set(['Failed', 'Error']);

export type MappedApplication = {
  events: GreenlightEventInput[];
  memory: AppMemory;
};

/** Deployment ids: per Argo CD instance, application and history id, so every path agrees. */
export const argocdDeploymentId = (
  instance: string,
  app: string,
  historyId: number | string,
) => `argocd/${instance}/${app}/${historyId}`;

/** A multi-source application records `revisions`; together they are its version. */
const revisionOf = (entry: HistoryEntry) =>
  entry.revision || entry.revisions?.join(',') || undefined;

const isoTime = (value?: string) =>
  value && !Number.isNaN(Date.parse(value)) ? value : undefined;

function actorOf(entry: HistoryEntry) {
  if (entry.initiatedBy?.username) return entry.initiatedBy.username;
  return entry.initiatedBy?.automated ? 'argocd:automated' : undefined;
}

/**
 * Maps an application's sync history onto deployments of one environment. Entries after
 * the cursor in `memory` become a `deployment.started` at `deployStartedAt` and a
 * `deployment.finished` (succeeded) at `deployedAt`. A sync to a revision that was
 * deployed before the one it replaced is a rollback of that one: intent `rollback` and
 * `rollbackOf` its deployment, so the rollback rule restores the earlier release.
 */
export function mapApplication(options: {
  instance: string;
  environment: string;
  app: Application;
  memory: AppMemory;
  url?: string;
}): MappedApplication {
  const { instance, environment, app, memory } = options;
  const name = app.metadata.name;
  const history = (app.status?.history ?? [])
    .map(entry => ({
      entry,
      id: Number(entry.id),
      revision: revisionOf(entry),
    }))
    .sort((a, b) => a.id - b.id);

  // Every sync known, remembered or visible, by id: the ground for rollback inference.
  const known = new Map<number, string | undefined>(
    memory.revisions.map(r => [r.id, r.revision]),
  );
  for (const h of history) known.set(h.id, h.revision);
  const ids = [...known.keys()].sort((a, b) => a - b);

  const events: GreenlightEventInput[] = [];
  for (const { entry, id, revision } of history) {
    if (id <= memory.lastId) continue;
    const deploymentId = argocdDeploymentId(instance, name, id);
    const previousId = ids.filter(i => i < id).pop();
    const previousRevision =
      previousId === undefined ? undefined : known.get(previousId);
    const deployedBefore = ids
      .filter(i => previousId !== undefined && i < previousId)
      .some(i => known.get(i) === revision);
    const isRollback =
      Boolean(revision) && revision !== previousRevision && deployedBefore;
    const deployment = {
      id: deploymentId,
      environment,
      version: revision,
      commitSha: revision && GIT_SHA.test(revision) ? revision : undefined,
      startedAt: isoTime(entry.deployStartedAt) ?? isoTime(entry.deployedAt),
      actor: actorOf(entry),
      sourceSystem: 'argocd',
      url: options.url,
      ...(isRollback
        ? {
            intent: 'rollback' as const,
            rollbackOf: argocdDeploymentId(instance, name, previousId!),
          }
        : {}),
    };
    events.push(
      {
        id: `${deploymentId}/started`,
        type: 'deployment.started',
        time: deployment.startedAt,
        deployment: { ...deployment, status: 'started' },
      },
      {
        id: `${deploymentId}/finished`,
        type: 'deployment.finished',
        time: isoTime(entry.deployedAt),
        deployment: {
          ...deployment,
          status: 'succeeded',
          finishedAt: isoTime(entry.deployedAt),
        },
      },
    );
  }

  const failed = failedSync(options);
  if (failed) events.push(...failed);

  return {
    events,
    memory: remember(
      memory,
      history.flatMap(h =>
        h.revision ? [{ id: h.id, revision: h.revision }] : [],
      ),
    ),
  };
}

/**
 * A sync that failed leaves no history entry, only the application's `operationState`.
 * It is a failed deployment keyed by the operation's start, which no history id shares.
 */
function failedSync(options: {
  instance: string;
  environment: string;
  app: Application;
  url?: string;
}): GreenlightEventInput[] | undefined {
  const op = options.app.status?.operationState;
  const startedAt = isoTime(op?.startedAt);
  if (!op?.phase || !FAILED_PHASES.has(op.phase) || !startedAt)
    return undefined;
  const revision = op.syncResult?.revision || undefined;
  const id = argocdDeploymentId(
    options.instance,
    options.app.metadata.name,
    `sync-${Date.parse(startedAt) / 1000}`,
  );
  return [
    {
      id: `${id}/failed`,
      type: 'deployment.finished',
      time: isoTime(op.finishedAt) ?? startedAt,
      deployment: {
        id,
        environment: options.environment,
        version: revision,
        commitSha: revision && GIT_SHA.test(revision) ? revision : undefined,
        status: 'failed',
        startedAt,
        finishedAt: isoTime(op.finishedAt),
        sourceSystem: 'argocd',
        url: options.url,
      },
    },
  ];
}
