import { constants, verify } from 'node:crypto';
import { decodeBase64Strict } from './base64';
import type { SignatureAlgorithm, VerificationKey } from './keys';

export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';

/** A DSSE envelope whose base64 fields have been decoded. */
export interface DecodedEnvelope {
  payloadType: string;
  payload: Buffer;
  signatures: Array<{ keyid?: string; sig: Buffer }>;
}

export type EnvelopeParseResult =
  | { ok: true; envelope: DecodedEnvelope }
  | { ok: false; reason: string };

/**
 * DSSE pre-authentication encoding:
 * "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, where LEN is the
 * ASCII decimal byte length.
 */
export function preAuthEncoding(
  payloadType: string,
  payload: Uint8Array,
): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'ascii'),
    type,
    Buffer.from(` ${payload.length} `, 'ascii'),
    payload,
  ]);
}

/** Parses the DSSE JSON envelope, rejecting anything not well-formed. */
export function parseDsseEnvelope(input: unknown): EnvelopeParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: 'envelope is not a JSON object' };
  }
  const { payload, payloadType, signatures } = input as Record<string, unknown>;
  if (typeof payloadType !== 'string' || payloadType.length === 0) {
    return { ok: false, reason: 'envelope has no payloadType' };
  }
  if (typeof payload !== 'string') {
    return { ok: false, reason: 'envelope has no payload' };
  }
  const payloadBytes = decodeBase64Strict(payload);
  if (!payloadBytes) {
    return { ok: false, reason: 'envelope payload is not valid base64' };
  }
  if (!Array.isArray(signatures) || signatures.length === 0) {
    return { ok: false, reason: 'envelope has no signatures' };
  }
  const decoded: DecodedEnvelope['signatures'] = [];
  for (const [index, entry] of signatures.entries()) {
    if (typeof entry !== 'object' || entry === null) {
      return { ok: false, reason: `signature ${index} is not an object` };
    }
    const { sig, keyid } = entry as Record<string, unknown>;
    const sigBytes = typeof sig === 'string' ? decodeBase64Strict(sig) : null;
    if (!sigBytes || sigBytes.length === 0) {
      return { ok: false, reason: `signature ${index} is not valid base64` };
    }
    if (keyid !== undefined && typeof keyid !== 'string') {
      return { ok: false, reason: `signature ${index} has a non-string keyid` };
    }
    decoded.push({ sig: sigBytes, keyid: keyid || undefined });
  }
  return {
    ok: true,
    envelope: { payloadType, payload: payloadBytes, signatures: decoded },
  };
}

/** Checks one signature over `data`; never throws on malformed input. */
export function verifySignature(
  key: Pick<VerificationKey, 'publicKey' | 'algorithm'>,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return verifyWith(key.algorithm, key, data, signature);
  } catch {
    return false;
  }
}

function verifyWith(
  algorithm: SignatureAlgorithm,
  { publicKey }: Pick<VerificationKey, 'publicKey'>,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  switch (algorithm) {
    case 'ecdsa-p256-sha256':
    case 'ecdsa-p384-sha384': {
      const hash = algorithm === 'ecdsa-p256-sha256' ? 'sha256' : 'sha384';
      // Signers differ: X.509 tooling emits DER, JOSE/WebCrypto emit r||s.
      return (
        verify(hash, data, { key: publicKey, dsaEncoding: 'der' }, signature) ||
        verify(
          hash,
          data,
          { key: publicKey, dsaEncoding: 'ieee-p1363' },
          signature,
        )
      );
    }
    case 'ed25519':
      return verify(null, data, publicKey, signature);
    case 'rsa-pss-sha256':
      return verify(
        'sha256',
        data,
        {
          key: publicKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_AUTO,
        },
        signature,
      );
    case 'rsa-pkcs1v15-sha256':
      return verify(
        'sha256',
        data,
        { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
        signature,
      );
    default:
      return false;
  }
}

export interface DsseVerification {
  /** Distinct trusted keys (by key material) with a valid signature. */
  acceptedKeys: VerificationKey[];
  /** Named keys whose signature was checked and failed. */
  failedKeyIds: string[];
  /** Key ids in the envelope that match no trusted key. */
  unknownKeyIds: string[];
}

/**
 * t-of-n verification as in the DSSE protocol. The keyid is an
 * unauthenticated hint: it only narrows which trusted key is tried, so a
 * signature with no or an unknown keyid is tried against every trusted key.
 * Keys are de-duplicated by their material, so one signer configured under two
 * ids, or signing twice, still counts once.
 */
export function verifyDsseEnvelope(
  envelope: DecodedEnvelope,
  trustedKeys: VerificationKey[],
): DsseVerification {
  const pae = preAuthEncoding(envelope.payloadType, envelope.payload);
  const accepted = new Map<string, VerificationKey>();
  const failed = new Set<string>();
  const unknown = new Set<string>();
  for (const { keyid, sig } of envelope.signatures) {
    const named = keyid ? trustedKeys.filter(key => key.keyId === keyid) : [];
    if (keyid && named.length === 0) {
      unknown.add(keyid);
    }
    const candidates = named.length > 0 ? named : trustedKeys;
    for (const key of candidates) {
      if (verifySignature(key, pae, sig)) {
        if (!accepted.has(key.fingerprint)) {
          accepted.set(key.fingerprint, key);
        }
        break;
      } else if (named.length > 0) {
        failed.add(key.keyId);
      }
    }
  }
  return {
    acceptedKeys: [...accepted.values()],
    failedKeyIds: [...failed].filter(
      id => ![...accepted.values()].some(key => key.keyId === id),
    ),
    unknownKeyIds: [...unknown],
  };
}
