import type {
  AttestationRecord,
  StoredVerdict,
  VerdictRecord,
  VerdictStatus,
} from './AttestationStore';

// PostgreSQL returns bigint columns as strings.
export const num = (v: unknown) =>
  v === null || v === undefined ? null : Number(v);
export const iso = (v: unknown) =>
  v === null || v === undefined ? null : new Date(Number(v)).toISOString();

const PROVISIONAL = 'provisional';

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
const parsed = (v: unknown) =>
  typeof v === 'string' ? JSON.parse(v) : undefined;
const opt = <T>(v: T | null | undefined) => (v === null ? undefined : v);

export function verdictRow(
  key: { id: string; artifactDigest: string },
  v: VerdictRecord,
  policyFingerprint: string,
) {
  return {
    attestation_id: key.id,
    artifact_digest: key.artifactDigest,
    verifier: v.verifier,
    status: v.status,
    reason: v.reason ?? null,
    key_id: v.keyId ?? null,
    key_ids: json(v.keyIds),
    identity: json(v.identity),
    builder_id: v.builderId ?? null,
    slsa_level: v.slsaLevel ?? null,
    build_type: v.buildType ?? null,
    predicate_type: v.predicateType ?? null,
    source_repository: v.sourceRepository ?? null,
    source_commit: v.sourceCommit ?? null,
    invocation_id: v.invocationId ?? null,
    subjects: json(v.subjects),
    build_inputs: v.buildInputs ?? null,
    details: json(v.details),
    verified_at: v.verifiedAt,
    // A provisional verdict matches no policy, so re-verification picks it up first.
    policy_fingerprint: v.provisional ? PROVISIONAL : policyFingerprint,
  };
}

export function storedVerdict(r: any): StoredVerdict {
  const verdict: StoredVerdict = {
    attestationId: r.attestation_id,
    artifactDigest: r.artifact_digest,
    policyFingerprint: r.policy_fingerprint,
    verifier: r.verifier,
    status: r.status as VerdictStatus,
    reason: opt(r.reason),
    keyId: opt(r.key_id),
    keyIds: parsed(r.key_ids),
    identity: parsed(r.identity),
    builderId: opt(r.builder_id),
    slsaLevel: opt(num(r.slsa_level)),
    buildType: opt(r.build_type),
    predicateType: opt(r.predicate_type),
    sourceRepository: opt(r.source_repository),
    sourceCommit: opt(r.source_commit),
    invocationId: opt(r.invocation_id),
    subjects: parsed(r.subjects),
    buildInputs: opt(r.build_inputs),
    details: parsed(r.details),
    verifiedAt: Number(r.verified_at),
  };
  for (const key of Object.keys(verdict) as Array<keyof StoredVerdict>) {
    if (verdict[key] === undefined) delete verdict[key];
  }
  return verdict;
}

export function attestationRow(a: AttestationRecord) {
  return {
    id: a.id,
    artifact_digest: a.artifactDigest,
    media_type: a.mediaType,
    content: a.content,
    entity_ref: a.entityRef,
    source_event_id: a.sourceEventId,
    received_by: a.receivedBy,
    received_at: a.receivedAt,
  };
}

export function attestationRecord(r: any): AttestationRecord {
  return {
    id: r.id,
    artifactDigest: r.artifact_digest,
    mediaType: r.media_type,
    content: r.content,
    entityRef: r.entity_ref ?? null,
    sourceEventId: r.source_event_id ?? null,
    receivedBy: r.received_by,
    receivedAt: Number(r.received_at),
  };
}
