import type { StatementSubject } from './intoto';
import type { SlsaLevel } from './policy';

export interface VerifiedVerdict {
  status: 'verified';
  /** Trusted key that signed (the first, when a threshold asks for several). */
  keyId?: string;
  /** Every distinct trusted key counted towards the threshold. */
  keyIds?: string[];
  /** Sigstore keyless signer. */
  identity?: { issuer: string; subject: string };
  builderId: string;
  slsaLevel: SlsaLevel;
  buildType: string;
  predicateType: string;
  sourceRepository?: string;
  sourceCommit?: string;
  invocationId?: string;
  subjects: StatementSubject[];
  /** ISO-8601 time the verification ran. */
  verifiedAt: string;
}

/** The attestation is provably wrong: bad signature, wrong subject, policy breach. */
export interface InvalidVerdict {
  status: 'invalid';
  reason: string;
}

/** Nothing could be proven either way with the configured trust. */
export interface UnverifiableVerdict {
  status: 'unverifiable';
  reason: string;
}

export type Verdict = VerifiedVerdict | InvalidVerdict | UnverifiableVerdict;

export type ArtifactStatus =
  | 'verified'
  | 'invalid'
  | 'unverifiable'
  | 'unsigned';

export interface ArtifactSummary {
  status: ArtifactStatus;
  counts: Record<Verdict['status'], number>;
  /** Verified verdicts, strongest SLSA level first. */
  verified: VerifiedVerdict[];
  /** Reasons of the invalid and unverifiable verdicts. */
  reasons: string[];
}

/**
 * Artifact-level status over all of its attestations.
 *
 * An invalid attestation wins over a verified one: an artifact that arrives
 * with a forged or policy-breaking attestation needs a look even if another
 * attestation checks out. Unverifiable ones do not taint a verified artifact,
 * since unrelated attestations (for example from scanners we hold no key for)
 * are normal. `unsigned` means there was no attestation at all.
 */
export function summariseVerdicts(verdicts: Verdict[]): ArtifactSummary {
  const counts = { verified: 0, invalid: 0, unverifiable: 0 };
  for (const verdict of verdicts) {
    counts[verdict.status]++;
  }
  const verified = verdicts
    .filter((v): v is VerifiedVerdict => v.status === 'verified')
    .sort((a, b) => b.slsaLevel - a.slsaLevel);
  const reasons = verdicts.flatMap(v =>
    v.status === 'verified' ? [] : [v.reason],
  );
  let status: ArtifactStatus;
  if (verdicts.length === 0) {
    status = 'unsigned';
  } else if (counts.invalid > 0) {
    status = 'invalid';
  } else if (counts.verified > 0) {
    status = 'verified';
  } else {
    status = 'unverifiable';
  }
  return { status, counts, verified, reasons };
}
