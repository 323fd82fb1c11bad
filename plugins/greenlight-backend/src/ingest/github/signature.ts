import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * Checks GitHub's `X-Hub-Signature-256` header: `sha256=` and the hex HMAC-SHA256 of
 * the raw request body under the webhook secret. The body must be the exact bytes
 * received; re-serialised JSON will not match.
 */
export function verifyGithubSignature(
  rawBody: Buffer,
  signatureHeader: string | string[] | undefined | null,
  secret: string,
): boolean {
  // An empty secret would make every forged request verifiable.
  if (!secret) return false;
  // Repeated headers are ambiguous; refuse rather than pick one.
  let header = signatureHeader;
  if (Array.isArray(header))
    header = header.length === 1 ? header[0] : undefined;
  const match = header ? SIGNATURE.exec(header.trim()) : null;
  if (!match) return false;
  const received = Buffer.from(match[1], 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return (
    received.length === expected.length && timingSafeEqual(received, expected)
  );
}
