import { InputError } from '@backstage/errors';
import type {
  CommitEnvironmentView,
  CommitLocationView,
} from '@greenlight/backstage-plugin-greenlight-common';
import { iso } from '../store/rows';
import type {
  CommitArrival,
  DeploymentFacts,
} from '../store/TraceabilityStore';
import { groupCommitShas, sameCommitSha } from './sameCommit';
import type { ViewDeps } from './ViewDeps';

/**
 * Whether the commit is still in the environment's current deployment. It is from its
 * first arrival on, unless a later rollback returned the environment to a deployment from
 * before the commit came (and nothing brought it back since).
 */
async function stillThere(
  deps: ViewDeps,
  entityRef: string,
  arrival: CommitArrival,
  current: DeploymentFacts,
): Promise<{ running: boolean; removedBy: string | null }> {
  if (arrival.firstTime > current.sortTime)
    return { running: false, removedBy: null };
  const history = await deps.traceability.commitHistory({
    entityRef,
    environment: arrival.environment,
    commitSha: arrival.commitSha,
    after: arrival.firstTime,
    until: current.sortTime,
  });
  let broughtAt = arrival.firstTime;
  let removedBy: string | null = null;
  for (const d of history) {
    if (d.containsCommit) {
      broughtAt = d.sortTime;
      removedBy = null;
    } else if (
      d.rollbackTargetTime !== null &&
      d.rollbackTargetTime <= broughtAt
    ) {
      removedBy = d.id;
    }
  }
  return { running: removedBy === null, removedBy };
}

/** Where a commit runs now, per environment of the entity, in promotion order. */
export async function commitLocation(
  deps: ViewDeps,
  entityRef: string,
  sha: string,
): Promise<CommitLocationView> {
  const arrivals = await deps.traceability.commitArrivals(entityRef, sha);
  const spellings = groupCommitShas(
    arrivals.map(a => ({ sha: a.commitSha, tag: a.commitSha })),
  );
  if (spellings.length > 1) {
    throw new InputError(
      `sha: ${sha} is ambiguous; it matches ${spellings
        .map(s => s.sha)
        .join(', ')}`,
    );
  }
  const known = spellings[0]?.sha ?? sha.toLowerCase();
  const seen = await deps.traceability.environmentsOf(entityRef);
  const path = new Set(deps.environments.map(e => e.name));
  const environments = [
    ...deps.environments.map(e => ({
      name: e.name,
      tier: e.tier as string,
      order: e.order,
    })),
    ...seen
      .filter(name => !path.has(name))
      .map((name, i) => ({ name, tier: 'unknown', order: 1000 + i })),
  ];
  const views: CommitEnvironmentView[] = [];
  for (const env of environments) {
    const arrival = arrivals
      .filter(a => a.environment === env.name)
      .sort((a, b) => a.firstTime - b.firstTime)[0];
    const current = await deps.traceability.successfulDeploymentAt(
      entityRef,
      env.name,
    );
    const state =
      arrival && current
        ? await stillThere(deps, entityRef, arrival, current)
        : { running: false, removedBy: null };
    views.push({
      ...env,
      running: state.running,
      firstArrival: arrival
        ? {
            releaseId: arrival.firstDeploymentId,
            at: new Date(arrival.firstTime).toISOString(),
          }
        : null,
      current: current
        ? {
            releaseId: current.id,
            artifactDigest: current.artifactDigest,
            version: current.version,
            since: iso(current.finishedAt ?? current.sortTime),
          }
        : null,
      removedBy: state.removedBy,
    });
  }
  const commit = (await deps.traceability.commits([known], entityRef)).find(c =>
    sameCommitSha(c.sha, known),
  );
  return { sha: known, entityRef, commit: commit ?? null, environments: views };
}
