import {
  assertBundleLatest,
  assertBundleV02,
  Bundle,
  bundleFromJSON,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
} from '@sigstore/bundle';
// Declared by @sigstore/verify; the package must also list it directly.
import { TrustedRoot } from '@sigstore/protobuf-specs';
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
import type { VerificationKey } from './keys';
import { matchesPattern } from './patterns';
import type { TrustedIdentity, TrustPolicy } from './policy';

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
      /** Every configured identity the certificate satisfies. */
      matches: TrustedIdentity[];
    };

export type BundleCheck =
  | { ok: true; envelope: DecodedEnvelope; signer: BundleSigner }
  | { ok: false; status: 'invalid' | 'unverifiable'; reason: string };

/**
 * Verifies a Sigstore bundle offline and returns the signed DSSE envelope.
 * The caller still has to check the statement inside against the policy.
 */
export function verifySigstoreBundle(
  json: unknown,
  policy: TrustPolicy,
  keys: VerificationKey[],
): BundleCheck {
  if (!isRecord(json)) {
    return invalid('sigstore bundle is not a JSON object');
  }
  if (!SIGSTORE_BUNDLE_MEDIA_TYPES.includes(String(json.mediaType))) {
    return unverifiable(
      `unsupported sigstore bundle media type ${String(json.mediaType)}`,
    );
  }
  if (json.messageSignature !== undefined) {
    return unverifiable(
      'message signature bundles carry no provenance statement',
    );
  }
  const parsedEnvelope = parseDsseEnvelope(json.dsseEnvelope);
  if (!parsedEnvelope.ok) {
    return invalid(parsedEnvelope.reason);
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
      parsedEnvelope.envelope,
      policy,
      keys,
    );
  }
  return verifyKeyless(bundle, parsedEnvelope.envelope, policy);
}

function verifyKeyed(
  bundle: Bundle,
  hint: string,
  envelope: DecodedEnvelope,
  policy: TrustPolicy,
  keys: VerificationKey[],
): BundleCheck {
  const key = findKeyByHint(keys, hint);
  if (!key) {
    return unverifiable(`unknown key id ${hint}`);
  }
  if (policy.threshold > 1) {
    return invalid(
      `only 1 of required ${policy.threshold} trusted keys signed the bundle`,
    );
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
  const outcome = runVerifier(checked, trustMaterial, {
    tlogThreshold: policy.requireTransparencyLog ? 1 : 0,
    ctlogThreshold: 0,
    timestampThreshold: 0,
  });
  if (outcome.ok) {
    return { ok: true, envelope, signer: { kind: 'key', key } };
  }
  // @sigstore/verify checks the signature last and with the key's default
  // digest, which is wrong for P-384 (SHA-384) and for PSS padding on plain
  // RSA keys. Everything before it passed, so check the signature here with
  // the key's pinned scheme.
  if (
    outcome.code === 'SIGNATURE_ERROR' &&
    envelope.signatures.length === 1 &&
    verifySignature(
      key,
      preAuthEncoding(envelope.payloadType, envelope.payload),
      envelope.signatures[0].sig,
    )
  ) {
    return { ok: true, envelope, signer: { kind: 'key', key } };
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

/** Throws when a parsed `trusted_root.json` cannot be used. */
export function assertUsableTrustedRoot(json: unknown): void {
  const material = toTrustMaterial(trustedRoot(json));
  if (material.certificateAuthorities.length + material.tlogs.length === 0) {
    throw new Error('trusted root has no certificate authorities or logs');
  }
}

function verifyKeyless(
  bundle: Bundle,
  envelope: DecodedEnvelope,
  policy: TrustPolicy,
): BundleCheck {
  if (!policy.trustedRoot) {
    return unverifiable('no trust root');
  }
  const root = trustedRoot(policy.trustedRoot);
  const outcome = runVerifier(bundle, toTrustMaterial(root), {
    tlogThreshold: 1,
    ctlogThreshold: 1,
    timestampThreshold: 1,
  });
  if (!outcome.ok) {
    return outcome.code === 'SIGNATURE_ERROR'
      ? invalid('signature does not verify for the signing certificate')
      : invalid(`sigstore verification failed: ${outcome.message}`);
  }
  const subject = outcome.identity?.subjectAlternativeName ?? '';
  const issuer = outcome.identity?.extensions?.issuer ?? '';
  const matches = matchingIdentities(policy.trustedIdentities, issuer, subject);
  if (matches.length === 0) {
    // A genuine signature by someone we do not trust proves nothing either way.
    return unverifiable(
      `signer identity ${subject} (issuer ${issuer}) is not trusted`,
    );
  }
  return {
    ok: true,
    envelope,
    signer: { kind: 'identity', issuer, subject, matches },
  };
}

/** Configured identities a certificate's issuer and subject satisfy. */
export function matchingIdentities(
  identities: TrustedIdentity[],
  issuer: string,
  subject: string,
): TrustedIdentity[] {
  return identities.filter(
    identity =>
      issuer !== '' &&
      subject !== '' &&
      identity.issuer === issuer &&
      matchesPattern(identity.subjectPattern, subject),
  );
}

type VerifierOutcome =
  | {
      ok: true;
      identity?: {
        subjectAlternativeName?: string;
        extensions?: { issuer?: string };
      };
    }
  | { ok: false; code: string; message: string };

function runVerifier(
  bundle: Bundle,
  trustMaterial: TrustMaterial,
  options: VerifierOptions,
): VerifierOutcome {
  try {
    const signer = new Verifier(trustMaterial, options).verify(
      toSignedEntity(bundle),
    );
    return { ok: true, identity: signer.identity };
  } catch (error) {
    const code =
      error instanceof VerificationError ? String(error.code) : 'ERROR';
    return { ok: false, code, message: describe(error) };
  }
}

function trustedRoot(json: unknown): TrustedRoot {
  return TrustedRoot.fromJSON(json);
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
