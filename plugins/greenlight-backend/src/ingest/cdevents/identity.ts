import { createHash } from 'node:crypto';

/** The native schema's limit on event ids. */
const MAX_ID_LENGTH = 200;

/**
 * The ledger id of a CDEvent. CloudEvents makes `source` + `id` the identity of an
 * event: two producers may both send id `1`, and only the same id from the same
 * source is a duplicate. So the id is `<id>@<source>`, readable and what a user can
 * rebuild from the event; one too long for the ledger becomes a SHA-256 of both, still
 * unique per (source, id). A deployment reported by the event gets the same id.
 */
export function cdeventIdentity(context: {
  id: string;
  source: string;
}): string {
  const readable = `${context.id}@${context.source}`;
  if (readable.length <= MAX_ID_LENGTH) return readable;
  const hash = createHash('sha256')
    .update(JSON.stringify([context.source, context.id]))
    .digest('hex');
  return `sha256:${hash}`;
}
