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

/**
 * The verified statement for the build's digest from the builder its build event names. The
 * event is unsigned: without such a statement, nothing vouches that this builder made the digest.
 */
function ownStatement(
  build: BuildView | undefined,
  verified: StoredVerdict[],
): StoredVerdict | undefined {
  const builder = build?.builder;
  return builder ? verified.find(v => v.builderId === builder) : undefined;
}

function buildRecord(
  pair: { digest: string; buildId: string },
  build: BuildView | undefined,
  statement: StoredVerdict | undefined,
  commitSha: string,
): BuildRecord {
  // The signed provenance of the digest by the build's own builder stands in for inputs the
  // build event did not report; another builder's statement says nothing about this build.
  const inputsDigest = build?.inputsDigest ?? undefined;
  return {
    buildId: pair.buildId,
    commitSha,
    builderId: build?.builder ?? 'unknown builder',
    artifactDigest: pair.digest,
    ...(inputsDigest ? { inputsDigest } : {}),
    ...(!inputsDigest && statement?.buildInputs
      ? { inputs: JSON.parse(statement.buildInputs) }
      : {}),
  };
}

/**
 * `reproduced` only when at least two distinct builders of the group are vouched for by a
 * verified statement for the digest they built; else the group is `single-build`.
 */
function requireVerifiedBuilders(
  assessed: DeterminismVerdict[],
  records: BuildRecord[],
  vouched: boolean[],
): DeterminismVerdict[] {
  const builders = new Map<string, Set<string>>();
  assessed.forEach((verdict, i) => {
    if (!vouched[i]) return;
    const group = builders.get(verdict.inputsKey) ?? new Set<string>();
    group.add(records[i].builderId);
    builders.set(verdict.inputsKey, group);
  });
  return assessed.map(
    (verdict): DeterminismVerdict =>
      verdict.status === 'reproduced' &&
      (builders.get(verdict.inputsKey)?.size ?? 0) < 2
        ? { ...verdict, status: 'single-build' }
        : verdict,
  );
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
  const ofCommit = pairs
    .filter(p => {
      const sha = builds.get(p.buildId)?.commitSha;
      return !sha || sameCommitSha(sha, commitSha);
    })
    .map(p => {
      const build = builds.get(p.buildId);
      const statement = ownStatement(
        build,
        verified.filter(v => v.artifactDigest === p.digest),
      );
      return { statement, record: buildRecord(p, build, statement, commitSha) };
    });
  const records = ofCommit.map(b => b.record);
  const verdicts = new Map<string, DeterminismVerdict>(
    requireVerifiedBuilders(
      assessDeterminism(records),
      records,
      ofCommit.map(b => b.statement !== undefined),
    ).map(v => [v.buildId, v]),
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
