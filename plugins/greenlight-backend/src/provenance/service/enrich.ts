import type {
  EnvironmentState,
  Release,
} from '@greenlight/backstage-plugin-greenlight-common';
import type { DeploymentFacts } from '../store/TraceabilityStore';
import { promotionsFor } from './promotions';
import { summariesByDigest } from './summary';
import type { ViewDeps } from './ViewDeps';

const ms = (value: string | null) => (value ? Date.parse(value) : null);

function factsOf(r: Release): DeploymentFacts {
  return {
    id: r.id,
    entityRef: r.entityRef,
    environment: r.environment,
    artifactDigest: r.artifact?.digest ?? null,
    commitSha: r.commitSha,
    status: r.status,
    intent: r.intent,
    version: r.version,
    actor: r.actor,
    startedAt: ms(r.startedAt),
    finishedAt: ms(r.finishedAt),
    sortTime: ms(r.finishedAt) ?? ms(r.startedAt) ?? 0,
    rollbackOf: r.rollbackOf,
  };
}

/**
 * Adds provenance and promotion to a page of releases: one query for the verdicts of the
 * page's artifacts and one for the promotion evidence, whatever the page size.
 */
export async function enrichReleases<T extends Release>(
  deps: ViewDeps,
  releases: T[],
): Promise<T[]> {
  if (releases.length === 0) return releases;
  const digests = releases.flatMap(r =>
    r.artifact ? [r.artifact.digest] : [],
  );
  const [verdicts, promotions] = await Promise.all([
    deps.attestations.verdictsFor(digests),
    promotionsFor(deps.traceability, releases.map(factsOf), deps.environments),
  ]);
  const summaries = summariesByDigest(digests, verdicts, deps.trustedKeyIds);
  return releases.map(r => {
    const provenance = r.artifact
      ? summaries.get(r.artifact.digest)
      : undefined;
    const promotion = promotions.get(r.id)?.status;
    return {
      ...r,
      ...(provenance ? { provenance } : {}),
      ...(promotion ? { promotion } : {}),
    };
  });
}

/** Adds provenance and promotion to what runs in each environment now. */
export async function enrichEnvironments(
  deps: ViewDeps,
  states: EnvironmentState[],
): Promise<EnvironmentState[]> {
  const ids = states.flatMap(s => (s.current ? [s.current.releaseId] : []));
  if (ids.length === 0) return states;
  const deployments = await deps.traceability.deployments(ids);
  const digests = deployments.flatMap(d =>
    d.artifactDigest ? [d.artifactDigest] : [],
  );
  const [verdicts, promotions] = await Promise.all([
    deps.attestations.verdictsFor(digests),
    promotionsFor(deps.traceability, deployments, deps.environments),
  ]);
  const summaries = summariesByDigest(digests, verdicts, deps.trustedKeyIds);
  return states.map(s => {
    if (!s.current) return s;
    const provenance = s.current.artifactDigest
      ? summaries.get(s.current.artifactDigest)
      : undefined;
    const promotion = promotions.get(s.current.releaseId)?.status;
    return {
      ...s,
      current: {
        ...s.current,
        ...(provenance ? { provenance } : {}),
        ...(promotion ? { promotion } : {}),
      },
    };
  });
}
