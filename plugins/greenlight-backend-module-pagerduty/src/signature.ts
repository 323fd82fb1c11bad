import { createHmac, timingSafeEqual } from 'node:crypto';

/** More signatures than a rotation needs are refused, so a header cannot make us hash forever. */
const MAX_SIGNATURES = 10;

/**
 * Checks `X-PagerDuty-Signature`: comma-separated `v1=<hex HMAC-SHA256 of the raw body>`,
 * one per signing secret while PagerDuty rotates it. True when any signature matches any of
 * our secrets; every comparison is constant-time and all are made, whatever matches first.
 */
export function verifyPagerDutySignature(
  header: string | string[] | undefined,
  rawBody: Buffer,
  secrets: string[],
): boolean {
  const value = Array.isArray(header) ? header.join(',') : header ?? '';
  const given = value
    .split(',')
    .map(s => s.trim())
    .filter(s => s.startsWith('v1='))
    .slice(0, MAX_SIGNATURES)
    .map(s => Buffer.from(s.slice('v1='.length).toLowerCase(), 'utf8'));
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(
      createHmac('sha256', secret).update(rawBody).digest('hex'),
      'utf8',
    );
    for (const signature of given) {
      if (
        signature.length === expected.length &&
        timingSafeEqual(signature, expected)
      ) {
        matched = true;
      }
    }
  }
  return matched;
}
