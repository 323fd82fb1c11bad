import { ASN1Obj } from '@sigstore/core';

/**
 * Fulcio's certificate extensions (github.com/sigstore/fulcio, docs/oid-info.md).
 * From 1.3.6.1.4.1.57264.1.8 on, each value is a DER-encoded UTF8String.
 */
export const FULCIO_OIDS = {
  buildSignerUri: '1.3.6.1.4.1.57264.1.9',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
} as const;

/** What the CA attests about the build that signed, read from the certificate. */
export interface FulcioSource {
  /** Source Repository URI, e.g. `https://github.com/acme/payments`. */
  sourceRepository?: string;
  /** Source Repository Ref, e.g. `refs/heads/main`. */
  sourceRef?: string;
  /** Source Repository Digest: the commit the build ran on. */
  sourceDigest?: string;
  /** Build Signer URI: the workflow that held the OIDC token. */
  buildSignerUri?: string;
}

/** An extension as `@sigstore/verify` hands it back for a verified certificate. */
export interface CertificateOid {
  oid?: { id: number[] };
  value: Buffer | Uint8Array;
}

const FIELDS: Array<[keyof FulcioSource, string]> = [
  ['sourceRepository', FULCIO_OIDS.sourceRepositoryUri],
  ['sourceRef', FULCIO_OIDS.sourceRepositoryRef],
  ['sourceDigest', FULCIO_OIDS.sourceRepositoryDigest],
  ['buildSignerUri', FULCIO_OIDS.buildSignerUri],
];

export type FulcioSourceResult =
  | { ok: true; source: FulcioSource }
  | { ok: false; reason: string };

/**
 * Reads the source extensions of a verified Fulcio certificate. A present but
 * malformed or repeated extension is an error: the CA never issues one, so it
 * cannot be read as "absent".
 */
export function readFulcioSource(oids: CertificateOid[]): FulcioSourceResult {
  const source: FulcioSource = {};
  for (const [field, oid] of FIELDS) {
    const values = oids.filter(entry => entry.oid?.id.join('.') === oid);
    if (values.length > 1) {
      return {
        ok: false,
        reason: `certificate repeats extension ${oid}`,
      };
    }
    if (values.length === 0) {
      continue;
    }
    const text = utf8String(values[0].value);
    if (text === undefined) {
      return {
        ok: false,
        reason: `certificate extension ${oid} is not a UTF8String`,
      };
    }
    source[field] = text;
  }
  return { ok: true, source };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF8_STRING_TAG = 0x0c;

function utf8String(der: Buffer | Uint8Array): string | undefined {
  try {
    const parsed = ASN1Obj.parseBuffer(Buffer.from(der));
    if (parsed.tag.toDER() !== UTF8_STRING_TAG) {
      return undefined;
    }
    // Trailing bytes after the string would make the value ambiguous.
    if (!parsed.toDER().equals(Buffer.from(der))) {
      return undefined;
    }
    const text = UTF8.decode(parsed.value);
    return text.length > 0 ? text : undefined;
  } catch {
    return undefined;
  }
}
