import { EnvironmentConfig } from '../../config';
import {
  classifyPromotions,
  DeploymentRecord,
  PromotionVerdict,
} from '../promotion';
import type {
  DeploymentFacts,
  TraceabilityStore,
} from '../store/TraceabilityStore';

const isoOrUndefined = (ms: number | null) =>
  ms === null ? undefined : new Date(ms).toISOString();

function record(d: DeploymentFacts, order: number): DeploymentRecord {
  return {
    id: d.id,
    environment: d.environment,
    envOrder: order,
    artifactDigest: d.artifactDigest!,
    // Without a commit nothing can be "rebuilt from the same commit"; a unique stand-in
    // keeps unrelated deployments from matching each other.
    commitSha: d.commitSha ?? `unknown-commit:${d.id}`,
    status: d.status,
    startedAt: isoOrUndefined(d.startedAt),
    finishedAt: isoOrUndefined(d.finishedAt),
    sortTime: Number.isFinite(d.sortTime)
      ? new Date(d.sortTime).toISOString()
      : undefined,
  };
}

/**
 * Promotion verdicts for a set of deployments, drawn from one query for the evidence:
 * the deployments of the same entities on the promotion path that share a digest or a
 * commit with them. Deployments without an artifact, an entity, or an environment on the
 * path get none.
 */
export async function promotionsFor(
  store: TraceabilityStore,
  deployments: DeploymentFacts[],
  path: EnvironmentConfig[],
): Promise<Map<string, PromotionVerdict>> {
  const orders = new Map(path.map(e => [e.name, e.order]));
  const judged = deployments.filter(
    d => d.artifactDigest && d.entityRef && orders.has(d.environment),
  );
  const result = new Map<string, PromotionVerdict>();
  if (judged.length === 0) return result;
  const evidence = await store.promotionEvidence({
    entityRefs: judged.map(d => d.entityRef!),
    environments: path.map(e => e.name),
    digests: judged.map(d => d.artifactDigest!),
    commits: judged.flatMap(d => (d.commitSha ? [d.commitSha] : [])),
  });
  const byEntity = new Map<string, Map<string, DeploymentFacts>>();
  for (const d of [...evidence, ...judged]) {
    const forEntity = byEntity.get(d.entityRef!) ?? new Map();
    forEntity.set(d.id, d);
    byEntity.set(d.entityRef!, forEntity);
  }
  const stages = path.map(e => ({ environment: e.name, envOrder: e.order }));
  for (const forEntity of byEntity.values()) {
    const records = [...forEntity.values()].map(d =>
      record(d, orders.get(d.environment)!),
    );
    for (const verdict of classifyPromotions(records, { path: stages })) {
      result.set(verdict.deploymentId, verdict);
    }
  }
  return new Map(judged.map(d => [d.id, result.get(d.id)!]));
}
