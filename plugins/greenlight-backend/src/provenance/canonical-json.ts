import canonicalize from 'canonicalize';

/**
 * The JSON Canonicalization Scheme (RFC 8785): object keys sorted by UTF-16 code units at
 * every level, `undefined` members dropped, numbers and strings serialised as ECMAScript
 * does, so that equal values give equal text whatever the host's locale. Values JSON
 * cannot hold (a bare `undefined`) become `null`.
 */
export function canonicalJson(value: unknown): string {
  return canonicalize(value) ?? 'null';
}
