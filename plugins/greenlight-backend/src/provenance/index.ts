export { verifyAttestation } from './verify';
export type { Attestation, VerifyAttestationRequest } from './verify';
export { summariseVerdicts } from './verdict';
export type {
  ArtifactStatus,
  ArtifactSummary,
  InvalidVerdict,
  UnverifiableVerdict,
  Verdict,
  VerifiedVerdict,
} from './verdict';
export {
  ALLOWED_BUILDERS_ANNOTATION,
  EXPECTED_SOURCE_ANNOTATION,
  effectiveExpectations,
  expectationsFromAnnotations,
  readTrustPolicy,
  validateTrustPolicy,
} from './policy';
export type {
  ProvenanceExpectations,
  ReadTrustPolicyOptions,
  SlsaLevel,
  TrustedIdentity,
  TrustedKey,
  TrustPolicy,
} from './policy';
export { SIGNATURE_ALGORITHMS } from './keys';
export type { SignatureAlgorithm } from './keys';
export {
  DSSE_ENVELOPE_MEDIA_TYPE,
  parseDsseEnvelope,
  preAuthEncoding,
} from './dsse';
export { SIGSTORE_BUNDLE_MEDIA_TYPES } from './sigstore';
export {
  IN_TOTO_PAYLOAD_TYPE,
  parseArtifactDigest,
  parseStatement,
} from './intoto';
export type { InTotoStatement, StatementSubject } from './intoto';
export {
  SLSA_PROVENANCE_V02,
  SLSA_PROVENANCE_V1,
  parseSlsaProvenance,
} from './slsa';
export type { NormalizedProvenance, ResourceDescriptor } from './slsa';
export { classifyPromotions } from './promotion';
export type {
  DeploymentRecord,
  PromotionOptions,
  PromotionStatus,
  PromotionVerdict,
} from './promotion';
export { assessDeterminism, canonicalInputs } from './determinism';
export type {
  BuildInputs,
  BuildOutput,
  BuildRecord,
  DeterminismStatus,
  DeterminismVerdict,
} from './determinism';
