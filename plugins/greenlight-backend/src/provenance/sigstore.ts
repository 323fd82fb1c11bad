import { createHash } from 'node:crypto';
import {
  assertBundleLatest,
  assertBundleV02,
  Bundle,
  bundleFromJSON,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
} from '@sigstore/bundle';
import {
  toSignedEntity,
  toTrustMaterial,
  TrustMaterial,
  VerificationError,
  Verifier,
  VerifierOptions,
} from '@sigstore/verify';
import {
  DecodedEnvelope,
  parseDsseEnvelope,
  preAuthEncoding,
  verifySignature,
} from './dsse';
import { isRecord } from './intoto';
import {
  CertificateOid,
  FulcioSource,
  readFulcioSource,
} from './fulcio-extensions';
import type { VerificationKey } from './keys';
import { matchesPattern } from './patterns';
import type { TrustedIdentity, TrustPolicy } from './policy';
import { trustedRoot } from './trusted-root';

export const SIGSTORE_BUNDLE_MEDIA_TYPES: readonly string[] = [
  BUNDLE_V03_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
];

export type BundleSigner =
  | { kind: 'key'; key: VerificationKey }
  | {
      kind: 'identity';
      issuer: string;
      subject: string;
      /** The build the CA vouches for: source repository, ref, commit, signer workflow. */
      source: FulcioSource;
      /** Every configured identity the certificate satisfies. */
      matches: TrustedIdentity[];
    };

/** What the bundle's signature covers. */
export type SignedContent =
  | { kind: 'dsse'; envelope: DecodedEnvelope }
  | { kind: 'message' };

export type BundleCheck =
  | { ok: true; content: SignedContent; signer: BundleSigner }
  | { ok: false; status: 'invalid' | 'unverifiable'; reason: string };

export interface BundleOptions {
  /**
   * The artifact bytes a message-signature bundle signs. Without them such a
   * bundle cannot be checked; provenance never comes as a message signature.
   */
  artifact?: Buffer;
}

/**
 * Verifies a Sigstore bundle offline: certificate chain or trusted key, log
 * entries, timestamps and signature, then the keyless signer's identity. The
 * caller still has to check the statement inside against the policy.
 */
export function verifySigstoreBundle(
  json: unknown,
  policy: TrustPolicy,
  keys: VerificationKey[],
  options: BundleOptions = {},
): BundleCheck {
  if (!isRecord(json)) {
    return invalid('sigstore bundle is not a JSON object');
  }
  if (!SIGSTORE_BUNDLE_MEDIA_TYPES.includes(String(json.mediaType))) {
    return unverifiable(
      `unsupported sigstore bundle media type ${String(json.mediaType)}`,
    );
  }
  const content = signedContent(json, options);
  if (!content.ok) {
    return content;
  }
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
    if (json.mediaType === BUNDLE_V02_MEDIA_TYPE) {
      assertBundleV02(bundle);
    } else {
      assertBundleLatest(bundle);
    }
  } catch (error) {
    return invalid(`malformed sigstore bundle: ${describe(error)}`);
  }
  const material = bundle.verificationMaterial.content;
  if (material.$case === 'publicKey') {
    return verifyKeyed(
      bundle,
      material.publicKey.hint,
      content.content,
      policy,
      keys,
      options.artifact,
    );
  }
  return verifyKeyless(bundle, content.content, policy, options.artifact);
}

function signedContent(
  json: Record<string, unknown>,
  options: BundleOptions,
): { ok: true; content: SignedContent } | Extract<BundleCheck, { ok: false }> {
  if (json.messageSignature !== undefined) {
    if (!options.artifact) {
      return unverifiable(
        'message signature bundles carry no provenance statement',
      );
    }
    return { ok: true, content: { kind: 'message' } };
  }
  const parsedEnvelope = parseDsseEnvelope(json.dsseEnvelope);
  if (!parsedEnvelope.ok) {
    return invalid(parsedEnvelope.reason);
  }
  return {
    ok: true,
    content: { kind: 'dsse', envelope: parsedEnvelope.envelope },
  };
}

// HashAlgorithm values of the Sigstore protobuf specification.
const MESSAGE_DIGEST_ALGORITHMS: Record<number, string> = {
  1: 'sha256',
  2: 'sha384',
  3: 'sha512',
};

/**
 * A message signature names the digest it signs; it must be the artifact's,
 * or the signature would vouch for other bytes than the ones presented.
 */
function messageDigestMatches(bundle: Bundle, artifact: Buffer): boolean {
  if (bundle.content.$case !== 'messageSignature') {
    return true;
  }
  const { messageDigest } = bundle.content.messageSignature;
  const algorithm =
    MESSAGE_DIGEST_ALGORITHMS[Number(messageDigest?.algorithm)] ?? 'sha256';
  return (
    messageDigest !== undefined &&
    createHash(algorithm)
      .update(artifact)
      .digest()
      .equals(Buffer.from(messageDigest.digest))
  );
}

function verifyKeyed(
  bundle: Bundle,
  hint: string,
  content: SignedContent,
  policy: TrustPolicy,
  keys: VerificationKey[],
  artifact: Buffer | undefined,
): BundleCheck {
  const key = findKeyByHint(keys, hint);
  if (!key) {
    return unverifiable(`unknown key id ${hint}`);
  }
  const root = policy.trustedRoot ? trustedRoot(policy.trustedRoot) : undefined;
  if (policy.requireTransparencyLog && !root) {
    return unverifiable('no trust root');
  }
  const finder = (requested: string) => {
    if (requested !== hint) {
      throw new VerificationError({
        code: 'PUBLIC_KEY_ERROR',
        message: `key not found: ${requested}`,
      });
    }
    return { publicKey: key.publicKey, validFor: () => true };
  };
  const trustMaterial: TrustMaterial = root
    ? toTrustMaterial(root, finder)
    : {
        certificateAuthorities: [],
        timestampAuthorities: [],
        tlogs: [],
        ctlogs: [],
        publicKey: finder,
      };
  // Without a trust root, log entries and timestamps cannot be checked at all;
  // the policy allows that, so they are set aside rather than half-trusted.
  const checked: Bundle = root
    ? bundle
    : {
        ...bundle,
        verificationMaterial: {
          ...bundle.verificationMaterial,
          tlogEntries: [],
          timestampVerificationData: undefined,
        },
      };
  const outcome = runVerifier(
    checked,
    trustMaterial,
    {
      tlogThreshold: policy.requireTransparencyLog ? 1 : 0,
      ctlogThreshold: 0,
      timestampThreshold: 0,
    },
    artifact,
  );
  const signer: BundleSigner = { kind: 'key', key };
  if (outcome.ok) {
    return { ok: true, content, signer };
  }
  // @sigstore/verify checks the signature last and with the key's default
  // digest, which is wrong for P-384 (SHA-384) and for PSS padding on plain
  // RSA keys. Everything before it passed, so check the signature here with
  // the key's pinned scheme.
  if (
    outcome.code === 'SIGNATURE_ERROR' &&
    content.kind === 'dsse' &&
    content.envelope.signatures.length === 1 &&
    verifySignature(
      key,
      preAuthEncoding(content.envelope.payloadType, content.envelope.payload),
      content.envelope.signatures[0].sig,
    )
  ) {
    return { ok: true, content, signer };
  }
  if (outcome.code === 'SIGNATURE_ERROR') {
    return invalid(`signature does not verify for key ${key.keyId}`);
  }
  return invalid(`sigstore verification failed: ${outcome.message}`);
}

/**
 * Signing tools fill the hint differently: our key id, or a digest of the
 * public key. The hint only selects the key; the signature decides.
 */
function findKeyByHint(
  keys: VerificationKey[],
  hint: string,
): VerificationKey | undefined {
  if (!hint) {
    return undefined;
  }
  return (
    keys.find(key => key.keyId === hint) ??
    keys.find(
      key =>
        key.fingerprint === hint.toLowerCase() ||
        Buffer.from(key.fingerprint, 'hex').toString('base64') === hint,
    )
  );
}

function verifyKeyless(
  bundle: Bundle,
  content: SignedContent,
  policy: TrustPolicy,
  artifact: Buffer | undefined,
): BundleCheck {
  if (!policy.trustedRoot) {
    return unverifiable('no trust root');
  }
  const root = trustedRoot(policy.trustedRoot);
  // Production thresholds, never lowered: a certificate is only trusted at a
  // time a verified log entry or timestamp vouches for, and with an SCT.
  const outcome = runVerifier(
    bundle,
    toTrustMaterial(root),
    { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 },
    artifact,
  );
  if (!outcome.ok) {
    return outcome.code === 'SIGNATURE_ERROR'
      ? invalid('signature does not verify for the signing certificate')
      : invalid(`sigstore verification failed: ${outcome.message}`);
  }
  const subject = outcome.identity?.subjectAlternativeName ?? '';
  const issuer = outcome.identity?.extensions?.issuer ?? '';
  const source = readFulcioSource(outcome.identity?.oids ?? []);
  if (!source.ok) {
    return invalid(source.reason);
  }
  const signer: CertificateSigner = { issuer, subject, source: source.source };
  const matches = matchingIdentities(policy.trustedIdentities, signer);
  if (matches.length === 0) {
    // A genuine signature by someone we do not trust proves nothing either way.
    return unverifiable(
      `signer identity ${subject} (issuer ${issuer}${describeSource(
        signer.source,
      )}) is not trusted`,
    );
  }
  return {
    ok: true,
    content,
    signer: { kind: 'identity', ...signer, matches },
  };
}

/** A verified certificate's identity and the source the CA vouches for. */
export interface CertificateSigner {
  issuer: string;
  subject: string;
  source: FulcioSource;
}

/**
 * Configured identities a certificate satisfies: exact issuer, anchored
 * subject pattern and, where the identity names them, the certificate's
 * source repository and ref. A certificate without those extensions cannot
 * satisfy an identity that asks for them.
 */
export function matchingIdentities(
  identities: TrustedIdentity[],
  signer: CertificateSigner,
): TrustedIdentity[] {
  const { issuer, subject, source } = signer;
  return identities.filter(
    identity =>
      issuer !== '' &&
      subject !== '' &&
      identity.issuer === issuer &&
      matchesPattern(identity.subjectPattern, subject) &&
      matchesOptional(identity.sourceRepositories, source.sourceRepository) &&
      matchesOptional(identity.sourceRefs, source.sourceRef),
  );
}

function matchesOptional(
  patterns: string[] | undefined,
  value: string | undefined,
): boolean {
  if (!patterns || patterns.length === 0) {
    return true;
  }
  return value !== undefined && patterns.some(p => matchesPattern(p, value));
}

function describeSource(source: FulcioSource): string {
  const parts = [
    source.sourceRepository && `source ${source.sourceRepository}`,
    source.sourceRef && `ref ${source.sourceRef}`,
  ].filter(Boolean);
  return parts.length > 0 ? `, ${parts.join(', ')}` : '';
}

type VerifierOutcome =
  | {
      ok: true;
      identity?: {
        subjectAlternativeName?: string;
        extensions?: { issuer?: string };
        oids?: CertificateOid[];
      };
    }
  | { ok: false; code: string; message: string };

function runVerifier(
  bundle: Bundle,
  trustMaterial: TrustMaterial,
  options: VerifierOptions,
  artifact: Buffer | undefined,
): VerifierOutcome {
  if (artifact && !messageDigestMatches(bundle, artifact)) {
    return {
      ok: false,
      code: 'MESSAGE_DIGEST_ERROR',
      message: 'message digest is not the digest of the artifact',
    };
  }
  try {
    const signer = new Verifier(trustMaterial, options).verify(
      toSignedEntity(bundle, artifact),
    );
    return { ok: true, identity: signer.identity };
  } catch (error) {
    const code =
      error instanceof VerificationError ? String(error.code) : 'ERROR';
    return { ok: false, code, message: describe(error) };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function invalid(reason: string): BundleCheck {
  return { ok: false, status: 'invalid', reason };
}

function unverifiable(reason: string): BundleCheck {
  return { ok: false, status: 'unverifiable', reason };
}
