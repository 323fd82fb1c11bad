import type {
  AttestationVerdictView,
  ProvenanceSummary,
} from '@greenlight/backstage-plugin-greenlight-common';
import type { SlsaLevel } from '../policy';
import type { StoredVerdict, VerdictRecord } from '../store/AttestationStore';
import { summariseVerdicts, Verdict } from '../verdict';
import { withoutDistrustedKeys } from '../keyTrust';
import { BUILTIN_VERIFIER } from './judge';

const isoOf = (ms: number) => new Date(ms).toISOString();

function asVerdict(v: VerdictRecord): Verdict {
  if (v.status !== 'verified')
    return { status: v.status, reason: v.reason ?? 'no reason given' };
  return {
    status: 'verified',
    builderId: v.builderId ?? '',
    slsaLevel: (v.slsaLevel ?? 0) as SlsaLevel,
    buildType: v.buildType ?? '',
    predicateType: v.predicateType ?? '',
    subjects: v.subjects ?? [],
    verifiedAt: isoOf(v.verifiedAt),
  };
}

/** Who signed, as one line: a key id, a keyless identity, or the verifier that vouched. */
function signerOf(v: VerdictRecord): string | undefined {
  if (v.keyId) return v.keyId;
  if (v.identity) return v.identity.subject;
  return v.verifier === BUILTIN_VERIFIER ? undefined : v.verifier;
}

/**
 * The artifact-level summary of all verdicts on its attestations, with the rules of
 * `summariseVerdicts`: no attestation is `unsigned`, any invalid one makes it `invalid`.
 */
export function provenanceSummary(
  stored: VerdictRecord[],
  trustedKeyIds: ReadonlySet<string>,
): ProvenanceSummary {
  const verdicts = stored.map(v => withoutDistrustedKeys(v, trustedKeyIds));
  const { status } = summariseVerdicts(verdicts.map(asVerdict));
  if (status === 'unsigned') return { status };
  const lastChecked = isoOf(Math.max(...verdicts.map(v => v.verifiedAt)));
  if (status !== 'verified') {
    const first = verdicts.find(v => v.status === status);
    return { status, reason: first?.reason, verifiedAt: lastChecked };
  }
  const best = verdicts
    .filter(v => v.status === 'verified')
    .sort(
      (a, b) =>
        (b.slsaLevel ?? -1) - (a.slsaLevel ?? -1) ||
        b.verifiedAt - a.verifiedAt,
    )[0];
  const summary: ProvenanceSummary = {
    status,
    builderId: best.builderId,
    slsaLevel: best.slsaLevel,
    signer: signerOf(best),
    sourceRepository: best.sourceRepository,
    sourceCommit: best.sourceCommit,
    verifiedAt: isoOf(best.verifiedAt),
  };
  return Object.fromEntries(
    Object.entries(summary).filter(([, value]) => value !== undefined),
  ) as ProvenanceSummary;
}

/** Summaries for many artifacts from one list of verdicts; artifacts without any are unsigned. */
export function summariesByDigest(
  digests: string[],
  verdicts: StoredVerdict[],
  trustedKeyIds: ReadonlySet<string>,
): Map<string, ProvenanceSummary> {
  const grouped = new Map<string, StoredVerdict[]>(digests.map(d => [d, []]));
  for (const v of verdicts) grouped.get(v.artifactDigest)?.push(v);
  return new Map(
    [...grouped].map(([digest, list]) => [
      digest,
      provenanceSummary(list, trustedKeyIds),
    ]),
  );
}

export function verdictView(
  v: StoredVerdict,
  currentFingerprint: string,
): AttestationVerdictView {
  const {
    attestationId,
    artifactDigest,
    policyFingerprint,
    buildInputs,
    provisional,
    ...rest
  } = v;
  return {
    ...rest,
    verifiedAt: isoOf(v.verifiedAt),
    current: policyFingerprint === currentFingerprint,
  };
}
