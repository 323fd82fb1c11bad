import { createHash } from 'node:crypto';

const MAX_ID_LENGTH = 200;

/**
 * A deterministic event id from its parts, so that a pipeline that retries a
 * step sends the same id again and the server treats the repeat as a no-op.
 * Ids longer than the API's 200-character limit keep a readable prefix and
 * end in a hash of the whole.
 */
export function eventId(...parts: Array<string | undefined>): string {
  const id = parts.filter((p): p is string => !!p).join(':');
  if (id.length <= MAX_ID_LENGTH) return id;
  return `${id.slice(0, 150)}~${shortHash(id, 40)}`;
}

export function shortHash(text: string, length = 16): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}
