import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * True when the header carries one of the configured values. Both sides are hashed first,
 * so the comparison takes the same time whatever the given value's length, and every
 * configured value is compared, whichever matches.
 */
export function headerMatches(
  given: string | string[] | undefined,
  tokens: string[],
): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const presented = digest(given);
  let matched = false;
  for (const token of tokens) {
    if (timingSafeEqual(presented, digest(token))) matched = true;
  }
  return matched;
}
