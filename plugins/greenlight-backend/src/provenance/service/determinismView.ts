import type {
  BuildView,
  DeterminismView,
} from '@greenlight/backstage-plugin-greenlight-common';
import {
  assessDeterminism,
  BuildRecord,
  DeterminismVerdict,
} from '../determinism';
import type { StoredVerdict } from '../store/AttestationStore';
import type { AttestationStore } from '../store/AttestationStore';
import type { TraceabilityStore } from '../store/TraceabilityStore';
import { inputDifferences } from './inputDifferences';
import { sameCommitSha } from './sameCommit';

const SEVERITY = {
  'non-reproducible': 2,
  reproduced: 1,
  'single-build': 0,
} as const;

function buildRecord(
  pair: { digest: string; buildId: string },
  build: BuildView | undefined,
  verified: StoredVerdict[],
  commitSha: string,
): BuildRecord {
  // The signed provenance of the digest stands in for inputs the build event did not report;
  // prefer the statement from the same builder when several builders made the digest.
  const statement =
    verified.find(v => v.builderId && v.builderId === build?.builder) ??
    verified[0];
  const inputsDigest = build?.inputsDigest ?? undefined;
  return {
    buildId: pair.buildId,
    commitSha,
    builderId: build?.builder ?? statement?.builderId ?? 'unknown builder',
    artifactDigest: pair.digest,
    ...(inputsDigest ? { inputsDigest } : {}),
    ...(!inputsDigest && statement?.buildInputs
      ? { inputs: JSON.parse(statement.buildInputs) }
      : {}),
  };
}

/**
 * Compares the builds of the artifact's commit: the digests they produced, from the same
 * inputs or not, and what differs between their inputs. Null when no build is known to
 * have produced the artifact.
 */
export async function determinismFor(options: {
  traceability: TraceabilityStore;
  attestations: AttestationStore;
  digest: string;
  commitSha: string | null;
}): Promise<DeterminismView | null> {
  const { traceability, attestations, digest, commitSha } = options;
  if (!commitSha) return null;
  const siblings = await traceability.artifactsOfCommit(commitSha);
  const digests = [...new Set([digest, ...siblings.map(a => a.digest)])];
  const pairs = await traceability.buildsNamedByArtifactEvents(digests);
  if (!pairs.some(p => p.digest === digest)) return null;
  const builds = new Map(
    (await traceability.builds(pairs.map(p => p.buildId))).map(b => [b.id, b]),
  );
  const verified = (await attestations.verdictsFor(digests)).filter(
    v => v.status === 'verified',
  );
  const records = pairs
    .filter(p => {
      const sha = builds.get(p.buildId)?.commitSha;
      return !sha || sameCommitSha(sha, commitSha);
    })
    .map(p =>
      buildRecord(
        p,
        builds.get(p.buildId),
        verified.filter(v => v.artifactDigest === p.digest),
        commitSha,
      ),
    );
  const verdicts = new Map<string, DeterminismVerdict>(
    assessDeterminism(records).map(v => [v.buildId, v]),
  );
  const mine = records.filter(r => r.artifactDigest === digest);
  if (mine.length === 0) return null;
  const primary = [...mine].sort(
    (a, b) =>
      SEVERITY[verdicts.get(b.buildId)!.status] -
      SEVERITY[verdicts.get(a.buildId)!.status],
  )[0];
  const verdict = verdicts.get(primary.buildId)!;
  return {
    status: verdict.status,
    commitSha,
    buildIds: mine.map(r => r.buildId),
    inputs: verdict.inputs ?? primary.inputsDigest ?? null,
    outputs: verdict.outputs,
    otherBuilds: records
      .filter(r => r !== primary)
      .map(r => ({
        buildId: r.buildId,
        builderId: r.builderId,
        artifactDigest: r.artifactDigest,
        sameInputs: verdicts.get(r.buildId)!.inputsKey === verdict.inputsKey,
        inputDifferences: inputDifferences(primary, r),
      })),
  };
}
