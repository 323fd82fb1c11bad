import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** An attestation as it is kept: the text received, and the id of its content. */
export type ReceivedContent = { id: string; text: string };

/**
 * The stored text and the content id. The id hashes the canonical JSON, so the same
 * envelope posted as an object, as pretty-printed text or with its keys in another order
 * is one attestation; text that is not JSON is hashed as it is.
 */
export function receiveContent(content: string | object): ReceivedContent {
  if (typeof content !== 'string') {
    return {
      id: sha256(canonicalJson(content)),
      text: JSON.stringify(content),
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return { id: sha256(content), text: content };
  }
  return { id: sha256(canonicalJson(parsed)), text: content };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
