import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '@backstage/config';
import {
  isSignatureAlgorithm,
  SIGNATURE_ALGORITHMS,
  SignatureAlgorithm,
  toVerificationKey,
  VerificationKey,
} from './keys';
import { compilePattern } from './patterns';
import { assertUsableTrustedRoot } from './trusted-root';

export type SlsaLevel = 0 | 1 | 2 | 3 | 4;

/** A public key that may sign provenance, and what it may vouch for. */
export interface TrustedKey {
  keyId: string;
  publicKeyPem: string;
  algorithm?: SignatureAlgorithm;
  /** Builder ids (exact, glob or `/regex/`) this key may attest for. */
  builderIds: string[];
  slsaLevel: SlsaLevel;
}

/** A Sigstore keyless signer (Fulcio certificate identity). */
export interface TrustedIdentity {
  issuer: string;
  /** Certificate subject (SAN): glob, or `/regex/`, anchored. */
  subjectPattern: string;
  /**
   * Patterns the certificate's Source Repository URI must match (Fulcio OID
   * 1.3.6.1.4.1.57264.1.12). Needed when the subject is a shared workflow
   * (e.g. a reusable SLSA generator) that builds for many repositories.
   */
  sourceRepositories?: string[];
  /** Patterns the certificate's Source Repository Ref must match (….1.14). */
  sourceRefs?: string[];
  builderIds: string[];
  slsaLevel: SlsaLevel;
}

/** What the caller expects of an artifact's provenance. */
export interface ProvenanceExpectations {
  sourceRepository?: string;
  allowedBuilderIds?: string[];
  buildTypes?: string[];
}

export interface TrustPolicy {
  trustedKeys: TrustedKey[];
  trustedIdentities: TrustedIdentity[];
  /** Parsed Sigstore `trusted_root.json`, needed for keyless bundles. */
  trustedRoot?: unknown;
  /**
   * Distinct signers that must vouch for an attestation: trusted keys, or
   * certificates of trusted identities. A Sigstore bundle has one signer.
   */
  threshold: number;
  /** Require a verified transparency-log entry on keyed Sigstore bundles. */
  requireTransparencyLog: boolean;
  defaults: ProvenanceExpectations;
}

export const EXPECTED_SOURCE_ANNOTATION = 'greenlight.dev/expected-source';
export const ALLOWED_BUILDERS_ANNOTATION = 'greenlight.dev/allowed-builders';

export interface ReadTrustPolicyOptions {
  /** Directory relative key and trust-root files are resolved against. */
  baseDir?: string;
  readFile?: (path: string) => string;
}

/**
 * Reads `greenlight.provenance`. Throws on anything malformed, so that a typo
 * in the trust policy stops the backend instead of silently trusting less or
 * more than intended.
 */
export function readTrustPolicy(
  config: Config,
  options: ReadTrustPolicyOptions = {},
): TrustPolicy {
  const section = config.getOptionalConfig('greenlight.provenance');
  const baseDir = options.baseDir ?? process.cwd();
  const readFile =
    options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const load = (path: string) => readFile(resolve(baseDir, path));

  const trustedKeys = (
    section?.getOptionalConfigArray('trustedKeys') ?? []
  ).map(key => readTrustedKey(key, load));
  const trustedIdentities = (
    section?.getOptionalConfigArray('trustedIdentities') ?? []
  ).map(readTrustedIdentity);
  const trustedRootFile = section?.getOptionalString('trustedRootFile');
  const threshold = section?.getOptionalNumber('threshold') ?? 1;
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new Error('greenlight.provenance.threshold must be an integer >= 1');
  }
  const defaults = section?.getOptionalConfig('defaults');
  const policy: TrustPolicy = {
    trustedKeys,
    trustedIdentities,
    trustedRoot: trustedRootFile
      ? parseJson(load(trustedRootFile), trustedRootFile)
      : undefined,
    threshold,
    requireTransparencyLog:
      section?.getOptionalBoolean('requireTransparencyLog') ?? false,
    defaults: {
      sourceRepository: defaults?.getOptionalString('sourceRepository'),
      allowedBuilderIds: defaults?.getOptionalStringArray('allowedBuilderIds'),
      buildTypes: defaults?.getOptionalStringArray('buildTypes'),
    },
  };
  validateTrustPolicy(policy);
  return policy;
}

/** Checks a policy built in code the same way as one read from config. */
export function validateTrustPolicy(policy: TrustPolicy): void {
  const ids = new Set<string>();
  for (const key of policy.trustedKeys) {
    if (ids.has(key.keyId)) {
      throw new Error(`trusted key id ${key.keyId} is configured twice`);
    }
    ids.add(key.keyId);
    toVerificationKey(key.keyId, key.publicKeyPem, key.algorithm);
    assertLevel(key.slsaLevel, `key ${key.keyId}`);
    key.builderIds.forEach(compilePattern);
  }
  if (policy.trustedRoot !== undefined) {
    assertUsableTrustedRoot(policy.trustedRoot);
  }
  for (const identity of policy.trustedIdentities) {
    compilePattern(identity.subjectPattern);
    identity.sourceRepositories?.forEach(compilePattern);
    identity.sourceRefs?.forEach(compilePattern);
    identity.builderIds.forEach(compilePattern);
    assertLevel(identity.slsaLevel, `identity ${identity.subjectPattern}`);
  }
}

/** Turns entity annotations into expectations; the caller reads the entity. */
export function expectationsFromAnnotations(
  annotations: Record<string, string> | undefined,
): ProvenanceExpectations {
  const source = annotations?.[EXPECTED_SOURCE_ANNOTATION]?.trim();
  const builders = annotations?.[ALLOWED_BUILDERS_ANNOTATION]?.split(',')
    .map(id => id.trim())
    .filter(Boolean);
  return {
    ...(source ? { sourceRepository: source } : {}),
    ...(builders && builders.length > 0 ? { allowedBuilderIds: builders } : {}),
  };
}

/** Entity expectations win field by field over the policy defaults. */
export function effectiveExpectations(
  policy: TrustPolicy,
  expectations: ProvenanceExpectations | undefined,
): ProvenanceExpectations {
  return {
    sourceRepository:
      expectations?.sourceRepository ?? policy.defaults.sourceRepository,
    allowedBuilderIds:
      expectations?.allowedBuilderIds ?? policy.defaults.allowedBuilderIds,
    buildTypes: expectations?.buildTypes ?? policy.defaults.buildTypes,
  };
}

/** Verification keys for the configured trusted keys. */
export function verificationKeys(policy: TrustPolicy): VerificationKey[] {
  return policy.trustedKeys.map(key =>
    toVerificationKey(key.keyId, key.publicKeyPem, key.algorithm),
  );
}

function readTrustedKey(
  key: Config,
  load: (path: string) => string,
): TrustedKey {
  const keyId = key.getString('keyId');
  const inline = key.getOptionalString('publicKeyPem');
  const file = key.getOptionalString('publicKeyFile');
  if (Boolean(inline) === Boolean(file)) {
    throw new Error(
      `trusted key ${keyId} needs exactly one of publicKeyPem or publicKeyFile`,
    );
  }
  const algorithm = key.getOptionalString('algorithm');
  if (algorithm !== undefined && !isSignatureAlgorithm(algorithm)) {
    throw new Error(
      `trusted key ${keyId} has unknown algorithm ${algorithm}; use one of ${SIGNATURE_ALGORITHMS.join(
        ', ',
      )}`,
    );
  }
  return {
    keyId,
    publicKeyPem: inline ?? load(file!),
    ...(algorithm ? { algorithm } : {}),
    builderIds: key.getStringArray('builderIds'),
    slsaLevel: key.getNumber('slsaLevel') as SlsaLevel,
  };
}

function readTrustedIdentity(identity: Config): TrustedIdentity {
  const sourceRepositories =
    identity.getOptionalStringArray('sourceRepositories');
  const sourceRefs = identity.getOptionalStringArray('sourceRefs');
  return {
    issuer: identity.getString('issuer'),
    subjectPattern: identity.getString('subjectPattern'),
    // Left out when unset, so that the policy fingerprint stays the same.
    ...(sourceRepositories ? { sourceRepositories } : {}),
    ...(sourceRefs ? { sourceRefs } : {}),
    builderIds: identity.getStringArray('builderIds'),
    slsaLevel: identity.getNumber('slsaLevel') as SlsaLevel,
  };
}

function assertLevel(level: number, owner: string) {
  if (![0, 1, 2, 3, 4].includes(level)) {
    throw new Error(`${owner} has slsaLevel ${level}; expected 0 to 4`);
  }
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`trusted root ${path} is not valid JSON: ${error}`);
  }
}
