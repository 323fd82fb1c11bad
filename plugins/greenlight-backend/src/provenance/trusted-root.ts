// Declared by @sigstore/verify; the package must also list it directly.
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import { isRecord } from './intoto';

export function trustedRoot(json: unknown): TrustedRoot {
  return TrustedRoot.fromJSON(json);
}

/**
 * Throws when a parsed `trusted_root.json` cannot be used. Every authority
 * must say since when it is trusted: a validity without a start would be read
 * as "always", so a key could vouch for signatures made before it existed.
 */
export function assertUsableTrustedRoot(json: unknown): void {
  if (!isRecord(json)) {
    throw new Error('trusted root is not a JSON object');
  }
  const periods: ReadonlyArray<readonly [string, unknown]> = [
    ...list(json.tlogs).map(
      (log, i) => [`tlogs[${i}]`, record(log.publicKey).validFor] as const,
    ),
    ...list(json.ctlogs).map(
      (log, i) => [`ctlogs[${i}]`, record(log.publicKey).validFor] as const,
    ),
    ...list(json.certificateAuthorities).map(
      (ca, i) => [`certificateAuthorities[${i}]`, ca.validFor] as const,
    ),
    ...list(json.timestampAuthorities).map(
      (tsa, i) => [`timestampAuthorities[${i}]`, tsa.validFor] as const,
    ),
  ];
  for (const [where, validFor] of periods) {
    assertValidity(where, validFor);
  }
  const material = toTrustMaterial(trustedRoot(json));
  if (material.certificateAuthorities.length + material.tlogs.length === 0) {
    throw new Error('trusted root has no certificate authorities or logs');
  }
}

function assertValidity(where: string, validFor: unknown): void {
  const { start, end } = record(validFor);
  const from = typeof start === 'string' ? Date.parse(start) : NaN;
  if (Number.isNaN(from)) {
    throw new Error(`trusted root ${where} has no valid validFor.start`);
  }
  // JSON exports of the protobuf spell an open end as null.
  if (end !== undefined && end !== null) {
    const to = typeof end === 'string' ? Date.parse(end) : NaN;
    if (Number.isNaN(to) || to < from) {
      throw new Error(`trusted root ${where} has an invalid validFor.end`);
    }
  }
}

function list(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.map(record) : [];
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
