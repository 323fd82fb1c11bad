import { createHash, createPublicKey, KeyObject } from 'node:crypto';

/** Signature schemes accepted for trusted keys. */
export const SIGNATURE_ALGORITHMS = [
  'ecdsa-p256-sha256',
  'ecdsa-p384-sha384',
  'ed25519',
  'rsa-pss-sha256',
  'rsa-pkcs1v15-sha256',
] as const;

export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** A public key ready for signature checks. */
export interface VerificationKey {
  keyId: string;
  publicKey: KeyObject;
  algorithm: SignatureAlgorithm;
  /** SHA-256 of the SPKI DER encoding; identifies the key material itself. */
  fingerprint: string;
}

const MIN_RSA_BITS = 2048;

export function isSignatureAlgorithm(
  value: unknown,
): value is SignatureAlgorithm {
  return (SIGNATURE_ALGORITHMS as readonly unknown[]).includes(value);
}

/**
 * Parses a PEM SubjectPublicKeyInfo and pins the signature scheme.
 *
 * Only `PUBLIC KEY` blocks are accepted: Node would happily derive a public
 * key from a private key or certificate, which would hide a leaked secret in
 * configuration.
 */
export function toVerificationKey(
  keyId: string,
  publicKeyPem: string,
  algorithm?: SignatureAlgorithm,
): VerificationKey {
  const pem = publicKeyPem.trim();
  if (
    !pem.startsWith('-----BEGIN PUBLIC KEY-----') ||
    !pem.endsWith('-----END PUBLIC KEY-----')
  ) {
    throw new Error(`key ${keyId} must be a PEM encoded SPKI public key`);
  }
  const publicKey = createPublicKey({ key: pem, format: 'pem' });
  const chosen = algorithm ?? inferAlgorithm(keyId, publicKey);
  if (!isCompatible(chosen, publicKey)) {
    throw new Error(
      `key ${keyId} is a ${describeKey(
        publicKey,
      )} key and cannot be used with ${chosen}`,
    );
  }
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return {
    keyId,
    publicKey,
    algorithm: chosen,
    fingerprint: createHash('sha256').update(der).digest('hex'),
  };
}

function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails;
  return details?.namedCurve
    ? `${key.asymmetricKeyType} ${details.namedCurve}`
    : `${key.asymmetricKeyType}`;
}

function inferAlgorithm(keyId: string, key: KeyObject): SignatureAlgorithm {
  switch (key.asymmetricKeyType) {
    case 'ec':
      if (key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
        return 'ecdsa-p256-sha256';
      }
      if (key.asymmetricKeyDetails?.namedCurve === 'secp384r1') {
        return 'ecdsa-p384-sha384';
      }
      break;
    case 'ed25519':
      return 'ed25519';
    case 'rsa-pss':
      return 'rsa-pss-sha256';
    // A plain RSA key does not say which padding it is used with; PKCS#1 v1.5
    // is what signing tools default to, PSS has to be configured explicitly.
    case 'rsa':
      return 'rsa-pkcs1v15-sha256';
    default:
      break;
  }
  throw new Error(
    `key ${keyId} has unsupported type ${describeKey(key)}; supported: ${[
      ...SIGNATURE_ALGORITHMS,
    ].join(', ')}`,
  );
}

function isCompatible(algorithm: SignatureAlgorithm, key: KeyObject): boolean {
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const rsaBits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  switch (algorithm) {
    case 'ecdsa-p256-sha256':
      return type === 'ec' && curve === 'prime256v1';
    case 'ecdsa-p384-sha384':
      return type === 'ec' && curve === 'secp384r1';
    case 'ed25519':
      return type === 'ed25519';
    case 'rsa-pss-sha256':
      return (type === 'rsa' || type === 'rsa-pss') && rsaBits >= MIN_RSA_BITS;
    case 'rsa-pkcs1v15-sha256':
      return type === 'rsa' && rsaBits >= MIN_RSA_BITS;
    default:
      return false;
  }
}
