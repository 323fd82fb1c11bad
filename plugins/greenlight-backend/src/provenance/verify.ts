import { certificateSourceMismatch } from './certificate-source';
import {
  DSSE_ENVELOPE_MEDIA_TYPE,
  DecodedEnvelope,
  parseDsseEnvelope,
  verifyDsseEnvelope,
} from './dsse';
import {
  IN_TOTO_PAYLOAD_TYPE,
  parseArtifactDigest,
  parseStatement,
  subjectMatches,
} from './intoto';
import type { VerificationKey } from './keys';
import { matchesAny } from './patterns';
import {
  effectiveExpectations,
  ProvenanceExpectations,
  SlsaLevel,
  TrustPolicy,
  verificationKeys,
} from './policy';
import {
  BundleSigner,
  SIGSTORE_BUNDLE_MEDIA_TYPES,
  verifySigstoreBundle,
} from './sigstore';
import { isSlsaPredicateType, parseSlsaProvenance } from './slsa';
import { sameRepository } from './source-repository';
import type { Verdict } from './verdict';

export interface Attestation {
  mediaType: string;
  /** The serialized attestation (JSON text or bytes), or its parsed JSON. */
  content: string | Uint8Array | object;
}

export interface VerifyAttestationRequest {
  attestation: Attestation;
  /** Digest of the artifact the attestation must be about, `sha256:<hex>`. */
  artifactDigest: string;
  policy: TrustPolicy;
  /** Per-entity expectations; unset fields fall back to the policy defaults. */
  expectations?: ProvenanceExpectations;
  now: Date;
}

type Signer =
  | { kind: 'keys'; keys: VerificationKey[] }
  | Extract<BundleSigner, { kind: 'identity' }>;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies one attestation for one artifact. Pure apart from CPU: no network,
 * no file system, no clock (the caller passes `now`).
 *
 * Only `verified` may be trusted; it is returned only when a signature was
 * checked against a configured key or trust root, a subject carries the
 * artifact digest, and the builder is allowed both for the signer and by the
 * expectations.
 */
export function verifyAttestation(request: VerifyAttestationRequest): Verdict {
  try {
    return verify(request);
  } catch (error) {
    // Malformed input must end in a verdict, never in a 500.
    return unverifiable(`verification failed: ${String(error)}`);
  }
}

function verify(request: VerifyAttestationRequest): Verdict {
  const { attestation, policy } = request;
  const artifact = parseArtifactDigest(request.artifactDigest);
  if (!artifact) {
    return unverifiable(
      `artifact digest ${request.artifactDigest} is not a sha256, sha384 or sha512 digest`,
    );
  }
  let keys: VerificationKey[];
  try {
    keys = verificationKeys(policy);
  } catch (error) {
    return unverifiable(`trust policy is unusable: ${String(error)}`);
  }
  const json = parseContent(attestation.content);
  if (json === undefined) {
    return invalid('attestation is not valid JSON');
  }

  let envelope: DecodedEnvelope;
  let signer: Signer;
  if (attestation.mediaType === DSSE_ENVELOPE_MEDIA_TYPE) {
    const checked = checkDsse(json, keys);
    if ('status' in checked) {
      return checked;
    }
    ({ envelope, signer } = checked);
  } else if (SIGSTORE_BUNDLE_MEDIA_TYPES.includes(attestation.mediaType)) {
    const checked = verifySigstoreBundle(json, policy, keys);
    if (!checked.ok) {
      return { status: checked.status, reason: checked.reason };
    }
    if (checked.content.kind !== 'dsse') {
      return unverifiable(
        'message signature bundles carry no provenance statement',
      );
    }
    envelope = checked.content.envelope;
    signer =
      checked.signer.kind === 'key'
        ? { kind: 'keys', keys: [checked.signer.key] }
        : checked.signer;
  } else {
    return unverifiable(`unsupported media type ${attestation.mediaType}`);
  }
  // Every path counts distinct signers the same way: trusted keys by their key
  // material, a keyless bundle as its one certificate.
  const signers = signer.kind === 'keys' ? signer.keys.length : 1;
  if (signers < policy.threshold) {
    return invalid(
      `only ${signers} of required ${policy.threshold} distinct trusted signers signed`,
    );
  }

  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return unverifiable(`unsupported payload type ${envelope.payloadType}`);
  }
  const statement = parseStatement(envelope.payload);
  if (!statement.ok) {
    return invalid(statement.reason);
  }
  if (!subjectMatches(statement.statement.subjects, artifact)) {
    return invalid('subject digest mismatch');
  }
  const { predicateType, predicate } = statement.statement;
  if (!isSlsaPredicateType(predicateType)) {
    return unverifiable(`unsupported predicate type ${predicateType}`);
  }
  const parsed = parseSlsaProvenance(predicateType, predicate);
  if (!parsed.ok) {
    return invalid(parsed.reason);
  }
  const provenance = parsed.provenance;
  const { builderId } = provenance;

  const authorised = authoriseBuilder(signer, builderId, policy);
  if ('status' in authorised) {
    return authorised;
  }

  const expected = effectiveExpectations(policy, request.expectations);
  if (signer.kind === 'identity') {
    const mismatch = certificateSourceMismatch(
      signer.source,
      provenance,
      expected.sourceRepository,
    );
    if (mismatch) {
      return invalid(mismatch);
    }
  }
  if (
    expected.allowedBuilderIds?.length &&
    !matchesAny(expected.allowedBuilderIds, builderId)
  ) {
    return invalid(`builder id ${builderId} not allowed by the expectations`);
  }
  if (
    expected.buildTypes?.length &&
    !expected.buildTypes.includes(provenance.buildType)
  ) {
    return invalid(
      `build type ${provenance.buildType} is not an expected build type`,
    );
  }
  if (expected.sourceRepository) {
    if (!provenance.sourceRepository) {
      return invalid(
        `source repository unknown, expected ${expected.sourceRepository}`,
      );
    }
    if (
      !sameRepository(provenance.sourceRepository, expected.sourceRepository)
    ) {
      return invalid(
        `source repository ${provenance.sourceRepository} is not the expected ${expected.sourceRepository}`,
      );
    }
  }

  return {
    status: 'verified',
    ...authorised.signer,
    builderId,
    slsaLevel: authorised.slsaLevel,
    buildType: provenance.buildType,
    predicateType,
    sourceRepository: provenance.sourceRepository,
    sourceCommit: provenance.sourceCommit,
    invocationId: provenance.invocationId,
    subjects: statement.statement.subjects,
    verifiedAt: request.now.toISOString(),
  };
}

function checkDsse(
  json: unknown,
  keys: VerificationKey[],
): Verdict | { envelope: DecodedEnvelope; signer: Signer } {
  const parsed = parseDsseEnvelope(json);
  if (!parsed.ok) {
    return invalid(parsed.reason);
  }
  if (keys.length === 0) {
    return unverifiable('no trusted keys configured');
  }
  const result = verifyDsseEnvelope(parsed.envelope, keys);
  if (result.acceptedKeys.length === 0) {
    if (result.failedKeyIds.length > 0) {
      return invalid(
        `signature does not verify for key ${result.failedKeyIds[0]}`,
      );
    }
    // A signer we hold no key for is not evidence of tampering.
    return result.unknownKeyIds.length > 0
      ? unverifiable(`unknown key id ${result.unknownKeyIds[0]}`)
      : unverifiable('no trusted key verifies the signature');
  }
  return {
    envelope: parsed.envelope,
    signer: { kind: 'keys', keys: result.acceptedKeys },
  };
}

type Authorisation =
  | {
      signer: Pick<
        Verdict & { status: 'verified' },
        'keyId' | 'keyIds' | 'identity'
      >;
      slsaLevel: SlsaLevel;
    }
  | Verdict;

/**
 * The builder must be allowed for enough of the signers to meet the
 * threshold. The level granted is that of the weakest signer among the
 * strongest `threshold` ones that vouch for this builder.
 */
function authoriseBuilder(
  signer: Signer,
  builderId: string,
  policy: TrustPolicy,
): Authorisation {
  if (signer.kind === 'identity') {
    const allowed = signer.matches.filter(identity =>
      matchesAny(identity.builderIds, builderId),
    );
    if (allowed.length === 0) {
      return invalid(
        `builder id ${builderId} not allowed for identity ${signer.subject}`,
      );
    }
    return {
      signer: { identity: { issuer: signer.issuer, subject: signer.subject } },
      slsaLevel: Math.max(...allowed.map(i => i.slsaLevel)) as SlsaLevel,
    };
  }
  const grants = signer.keys.map(key => ({
    key,
    trusted: policy.trustedKeys.find(t => t.keyId === key.keyId)!,
  }));
  const allowed = grants
    .filter(grant => matchesAny(grant.trusted.builderIds, builderId))
    .sort((a, b) => b.trusted.slsaLevel - a.trusted.slsaLevel);
  if (allowed.length < policy.threshold || allowed.length === 0) {
    const refused = grants.find(grant => !allowed.includes(grant));
    return invalid(
      `builder id ${builderId} not allowed for key ${refused?.key.keyId}`,
    );
  }
  const counted = allowed.slice(0, policy.threshold);
  return {
    signer: {
      keyId: counted[0].key.keyId,
      keyIds: allowed.map(grant => grant.key.keyId),
    },
    slsaLevel: counted[counted.length - 1].trusted.slsaLevel,
  };
}

function parseContent(content: Attestation['content']): unknown {
  if (typeof content !== 'string' && !(content instanceof Uint8Array)) {
    return content;
  }
  try {
    const text = typeof content === 'string' ? content : UTF8.decode(content);
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function invalid(reason: string): Verdict {
  return { status: 'invalid', reason };
}

function unverifiable(reason: string): Verdict {
  return { status: 'unverifiable', reason };
}
