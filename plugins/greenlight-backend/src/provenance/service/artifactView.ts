import type {
  ArtifactDeploymentView,
  ArtifactView,
  AttestationView,
} from '@greenlight/backstage-plugin-greenlight-common';
import { iso } from '../store/rows';
import type {
  ArtifactFacts,
  DeploymentFacts,
} from '../store/TraceabilityStore';
import { determinismFor } from './determinismView';
import { promotionsFor } from './promotions';
import { groupCommitShas, sameCommitSha } from './sameCommit';
import { provenanceSummary, verdictView } from './summary';
import type { ViewDeps } from './ViewDeps';

/** The entity an artifact belongs to: the ledger's record of it, else its deployments or attestations. */
export async function artifactOwner(
  deps: ViewDeps,
  digest: string,
): Promise<
  | {
      entityRef: string | null;
      artifact?: ArtifactFacts;
      deployments: DeploymentFacts[];
    }
  | undefined
> {
  const artifact = await deps.traceability.artifact(digest);
  const deployments = await deps.traceability.deploymentsOfDigest(digest);
  const attestations =
    artifact || deployments.length
      ? []
      : await deps.attestations.attestationsFor(digest);
  if (!artifact && deployments.length === 0 && attestations.length === 0)
    return undefined;
  const entityRef =
    artifact?.entityRef ??
    deployments.find(d => d.entityRef)?.entityRef ??
    attestations.find(a => a.entityRef)?.entityRef ??
    null;
  return { entityRef, artifact, deployments };
}

/**
 * Everything known about one artifact: its attestations and verdicts, builds, where it ran
 * (judged against the promotion path), its commit and whether its build reproduces.
 * Deployments of entities the reader may not see are left out.
 */
export async function artifactView(
  deps: ViewDeps,
  digest: string,
  owner: {
    entityRef: string | null;
    artifact?: ArtifactFacts;
    deployments: DeploymentFacts[];
  },
  visible: (entityRef: string) => Promise<boolean>,
): Promise<ArtifactView> {
  const { artifact } = owner;
  const [stored, verdicts, buildPairs] = await Promise.all([
    deps.attestations.attestationsFor(digest),
    deps.attestations.verdictsFor([digest]),
    deps.traceability.buildsNamedByArtifactEvents([digest]),
  ]);
  const attestations: AttestationView[] = stored.map(a => ({
    id: a.id,
    artifactDigest: a.artifactDigest,
    mediaType: a.mediaType,
    receivedAt: new Date(a.receivedAt).toISOString(),
    receivedBy: a.receivedBy,
    sourceEventId: a.sourceEventId,
    verdicts: verdicts
      .filter(v => v.attestationId === a.id)
      .map(v => verdictView(v, deps.fingerprint)),
  }));
  const buildIds = [
    ...new Set([
      ...buildPairs.map(p => p.buildId),
      ...(artifact?.buildId ? [artifact.buildId] : []),
    ]),
  ];
  const builds = await deps.traceability.builds(buildIds);

  const shown: DeploymentFacts[] = [];
  const seen = new Map<string, boolean>();
  for (const d of owner.deployments) {
    if (!d.entityRef) continue;
    if (!seen.has(d.entityRef))
      seen.set(d.entityRef, await visible(d.entityRef));
    if (seen.get(d.entityRef)) shown.push(d);
  }
  const deployments = await deploymentViews(deps, shown);

  const verified = verdicts.filter(v => v.status === 'verified');
  const named = groupCommitShas<'artifact' | 'build' | 'provenance'>([
    ...(artifact?.commitSha
      ? [{ sha: artifact.commitSha, tag: 'artifact' as const }]
      : []),
    ...builds.flatMap(b =>
      b.commitSha ? [{ sha: b.commitSha, tag: 'build' as const }] : [],
    ),
    ...verified.flatMap(v =>
      v.sourceCommit
        ? [{ sha: v.sourceCommit, tag: 'provenance' as const }]
        : [],
    ),
  ]);
  const details = await deps.traceability.commits(
    named.map(n => n.sha),
    owner.entityRef ?? '',
  );
  const commits = named.map(n => {
    const found = details.find(c => sameCommitSha(c.sha, n.sha));
    return {
      sha: n.sha,
      repository: found?.repository ?? null,
      author: found?.author ?? null,
      title: found?.title ?? null,
      prNumber: found?.prNumber ?? null,
      committedAt: found?.committedAt ?? null,
      mergedAt: found?.mergedAt ?? null,
      namedBy: n.tags,
    };
  });

  const commitSha = artifact?.commitSha ?? named[0]?.sha ?? null;
  return {
    digest,
    entityRef: owner.entityRef,
    name: artifact?.name ?? null,
    purl: artifact?.purl ?? null,
    buildId: artifact?.buildId ?? null,
    commitSha,
    repository: artifact?.repository ?? null,
    createdAt: iso(artifact?.createdAt ?? null),
    summary: provenanceSummary(verdicts, deps.trustedKeyIds),
    attestations,
    builds,
    deployments,
    commits,
    determinism: await determinismFor({
      traceability: deps.traceability,
      attestations: deps.attestations,
      digest,
      commitSha,
    }),
  };
}

async function deploymentViews(
  deps: ViewDeps,
  deployments: DeploymentFacts[],
): Promise<ArtifactDeploymentView[]> {
  const promotions = await promotionsFor(
    deps.traceability,
    deployments,
    deps.environments,
  );
  const current = new Map<string, string | undefined>();
  for (const d of deployments) {
    const key = `${d.entityRef}\n${d.environment}`;
    if (!current.has(key)) {
      current.set(
        key,
        (
          await deps.traceability.successfulDeploymentAt(
            d.entityRef!,
            d.environment,
          )
        )?.id,
      );
    }
  }
  const order = new Map(deps.environments.map(e => [e.name, e.order]));
  const rank = (d: DeploymentFacts) =>
    order.get(d.environment) ?? Number.MAX_SAFE_INTEGER;
  return [...deployments]
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        a.sortTime - b.sortTime ||
        a.id.localeCompare(b.id, 'en'),
    )
    .map(d => {
      const promotion = promotions.get(d.id);
      return {
        id: d.id,
        entityRef: d.entityRef,
        environment: d.environment,
        status: d.status,
        startedAt: iso(d.startedAt),
        finishedAt: iso(d.finishedAt),
        actor: d.actor,
        current: current.get(`${d.entityRef}\n${d.environment}`) === d.id,
        promotion: promotion?.status ?? null,
        ...(promotion?.evidenceDeploymentId
          ? { evidenceDeploymentId: promotion.evidenceDeploymentId }
          : {}),
        ...(promotion?.earlierArtifactDigest
          ? { earlierArtifactDigest: promotion.earlierArtifactDigest }
          : {}),
      };
    });
}
