import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a header with the configured secret in constant time. Both are hashed first,
 * so neither the secret's length nor its prefix shows in the time taken.
 */
export function headerMatchesSecret(
  header: string | string[] | undefined,
  secret: string | undefined,
): boolean {
  // Without a secret every request is refused: an empty one would admit anyone.
  if (!secret) return false;
  // A repeated header is ambiguous; refuse rather than pick one.
  let value = header;
  if (Array.isArray(value)) value = value.length === 1 ? value[0] : undefined;
  if (!value) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(value), digest(secret));
}
