import type { AttestationVerifier } from '@greenlight/backstage-plugin-greenlight-node';
import { DSSE_ENVELOPE_MEDIA_TYPE } from '../dsse';
import type { ProvenanceExpectations, TrustPolicy } from '../policy';
import { signedBuildInputs } from '../signedBuildInputs';
import { SIGSTORE_BUNDLE_MEDIA_TYPES } from '../sigstore';
import type { VerdictRecord } from '../store/AttestationStore';
import type { Verdict } from '../verdict';
import { verifyAttestation } from '../verify';

export const BUILTIN_VERIFIER = 'greenlight';

const STATUSES = new Set<string>(['verified', 'invalid', 'unverifiable']);

export type JudgeRequest = {
  mediaType: string;
  content: string;
  artifactDigest: string;
  entityRef: string | null;
  /** Undefined when the entity's expectations could not be read: nothing may verify then. */
  expectations: ProvenanceExpectations | undefined;
  policy: TrustPolicy;
  verifiers: AttestationVerifier[];
  now: Date;
};

const builtinMediaTypes = new Set([
  DSSE_ENVELOPE_MEDIA_TYPE,
  ...SIGSTORE_BUNDLE_MEDIA_TYPES,
]);

/**
 * Every verdict an attestation gets: the built-in verifier's for the formats it knows, and
 * each extension verifier's for the media types it claims. A media type nobody claims gets
 * the built-in verifier's `unverifiable` so that it is never silently ignored.
 */
export async function judgeAttestation(
  request: JudgeRequest,
): Promise<VerdictRecord[]> {
  const verifiedAt = request.now.getTime();
  if (!request.expectations) {
    return [
      {
        verifier: BUILTIN_VERIFIER,
        status: 'unverifiable',
        reason: `expectations of ${request.entityRef} could not be read from the catalog`,
        verifiedAt,
        provisional: true,
      },
    ];
  }
  const claimed = request.verifiers.filter(v =>
    v.mediaTypes.includes(request.mediaType),
  );
  const verdicts: VerdictRecord[] = [];
  if (builtinMediaTypes.has(request.mediaType) || claimed.length === 0) {
    const verdict = verifyAttestation({
      attestation: { mediaType: request.mediaType, content: request.content },
      artifactDigest: request.artifactDigest,
      policy: request.policy,
      expectations: request.expectations,
      now: request.now,
    });
    verdicts.push(builtinRecord(verdict, request, verifiedAt));
  }
  for (const verifier of claimed) {
    verdicts.push(await extensionRecord(verifier, request, verifiedAt));
  }
  return verdicts;
}

function builtinRecord(
  verdict: Verdict,
  request: JudgeRequest,
  verifiedAt: number,
): VerdictRecord {
  if (verdict.status !== 'verified') {
    return {
      verifier: BUILTIN_VERIFIER,
      status: verdict.status,
      reason: verdict.reason,
      verifiedAt,
    };
  }
  return {
    verifier: BUILTIN_VERIFIER,
    status: 'verified',
    keyId: verdict.keyId,
    keyIds: verdict.keyIds,
    identity: verdict.identity,
    builderId: verdict.builderId,
    slsaLevel: verdict.slsaLevel,
    buildType: verdict.buildType,
    predicateType: verdict.predicateType,
    sourceRepository: verdict.sourceRepository,
    sourceCommit: verdict.sourceCommit,
    invocationId: verdict.invocationId,
    subjects: verdict.subjects,
    buildInputs: signedBuildInputs(request.mediaType, request.content),
    verifiedAt,
  };
}

async function extensionRecord(
  verifier: AttestationVerifier,
  request: JudgeRequest,
  verifiedAt: number,
): Promise<VerdictRecord> {
  try {
    const result = await verifier.verify({
      attestation: { mediaType: request.mediaType, content: request.content },
      artifactDigest: request.artifactDigest,
      entityRef: request.entityRef ?? undefined,
      now: request.now,
    });
    if (!STATUSES.has(result.status)) {
      return {
        verifier: verifier.id,
        status: 'unverifiable',
        reason: `verifier ${verifier.id} answered an unknown status ${String(
          result.status,
        )}`,
        verifiedAt,
      };
    }
    const details = result.details;
    const level = details?.slsaLevel ?? undefined;
    const levelIsValid = level === undefined || isSlsaLevel(level);
    if (!levelIsValid && result.status !== 'invalid') {
      // The level feeds the artifact's highest verified level: an out-of-range one proves nothing.
      return {
        verifier: verifier.id,
        status: 'unverifiable',
        reason: `verifier ${verifier.id} answered SLSA level ${shown(
          level,
        )}, not an integer 0-4`,
        verifiedAt,
      };
    }
    return {
      verifier: verifier.id,
      status: result.status,
      reason: result.reason,
      builderId:
        typeof details?.builderId === 'string' ? details.builderId : undefined,
      // An invalid verdict stays invalid whatever level came with it; a bad level is dropped.
      slsaLevel: levelIsValid ? (level as number | undefined) : undefined,
      details,
      verifiedAt,
    };
  } catch (error) {
    // A verifier that throws has proven nothing either way.
    return {
      verifier: verifier.id,
      status: 'unverifiable',
      reason: `verifier ${verifier.id} failed: ${(error as Error).message}`,
      verifiedAt,
    };
  }
}

function isSlsaLevel(level: unknown): level is number {
  return (
    Number.isInteger(level) && (level as number) >= 0 && (level as number) <= 4
  );
}

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
