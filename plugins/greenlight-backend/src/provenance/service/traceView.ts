import type {
  Release,
  TraceView,
} from '@greenlight/backstage-plugin-greenlight-common';
import type { LedgerStore } from '../../database/LedgerStore';
import { iso } from '../store/rows';
import { enrichReleases } from './enrich';
import { sameCommitSha } from './sameCommit';
import type { ViewDeps } from './ViewDeps';

/**
 * What ran in an environment at a time, followed back to its source: the release, its
 * artifact's provenance and promotion, the build, the head commit with its pull request,
 * and the commits the release brought.
 */
export async function traceView(
  deps: ViewDeps,
  ledger: LedgerStore,
  query: { entityRef: string; environment: string; at: number },
): Promise<TraceView> {
  const empty: TraceView = {
    entityRef: query.entityRef,
    environment: query.environment,
    at: new Date(query.at).toISOString(),
    release: null,
    replacedBy: null,
    build: null,
    commit: null,
    commits: [],
  };
  const ran = await deps.traceability.successfulDeploymentAt(
    query.entityRef,
    query.environment,
    query.at,
  );
  const detail = ran ? await ledger.getRelease(ran.id) : undefined;
  if (!ran || !detail) return empty;
  const { commits, tests, incidents, audit, rolloutId, ...release } = detail;
  const [enriched] = await enrichReleases<Release>(deps, [release]);
  const next = await deps.traceability.nextSuccessfulDeployment(ran);
  const buildId = release.artifact?.buildId;
  const [build] = buildId ? await deps.traceability.builds([buildId]) : [];
  const head = release.commitSha
    ? (
        await deps.traceability.commits([release.commitSha], query.entityRef)
      ).find(c => sameCommitSha(c.sha, release.commitSha!))
    : undefined;
  return {
    ...empty,
    release: enriched,
    replacedBy: next
      ? { releaseId: next.id, at: iso(next.finishedAt ?? next.sortTime) }
      : null,
    build: build ?? null,
    commit:
      head ??
      (release.commitSha
        ? commits.find(c => sameCommitSha(c.sha, release.commitSha!)) ?? null
        : null),
    commits,
  };
}
