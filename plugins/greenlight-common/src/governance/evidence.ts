/** @public */
export type EvidenceValue = string | number | boolean;

/** Evidence a pipeline attaches to a readiness request, e.g. `config.validated: true`. @public */
export type Evidence = Record<string, EvidenceValue>;

/**
 * The evidence keys the default controls read.
 *
 * @public
 */
export const EVIDENCE_KEYS = {
  configValidated: 'config.validated',
  configDiffUrl: 'config.diffUrl',
  expandDeployedVersion: 'database.expandDeployedVersion',
  expandVerified: 'database.expandVerified',
  cutoverPlanUrl: 'database.cutoverPlanUrl',
  contractVersion: 'contract.version',
  scanPassed: 'security.scanPassed',
  approvedBy: 'security.approvedBy',
} as const;

/** `true` as JSON or as the text a shell passes on. */
export function isTrue(value: EvidenceValue | undefined): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

export function isFalse(value: EvidenceValue | undefined): boolean {
  return value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'false');
}

export function nonEmptyText(value: EvidenceValue | undefined): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text === '' ? undefined : text;
}

/** An http(s) URL a reviewer can open, or undefined. */
export function reviewableUrl(value: EvidenceValue | undefined): string | undefined {
  const text = nonEmptyText(value);
  if (!text) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? text : undefined;
  } catch {
    return undefined;
  }
}
