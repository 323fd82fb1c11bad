import { InputError } from '@backstage/errors';
import { unsafeCharacterIn } from '@greenlight/backstage-plugin-greenlight-common';
import express from 'express';

/** Deeper JSON than any document Greenlight reads (Terraform plans, Sigstore bundles). */
export const MAX_JSON_DEPTH = 64;

/**
 * The first string, object key or nesting level of a request value that Greenlight will
 * not store, with its path. Strings are checked as free text (tab and line breaks allowed,
 * see `unsafeCharacterIn`); fields that are identifiers are checked more strictly by their
 * own schemas. Iterative, so that a hostile nesting depth cannot exhaust the stack.
 */
export function findUnsafeInput(
  value: unknown,
  root: string,
): { path: string; message: string } | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value, path: root, depth: 0 },
  ];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      const problem = unsafeCharacterIn(current, { freeText: true });
      if (problem) return { path, message: problem };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      return { path, message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    }
    const entries = Array.isArray(current)
      ? current.map((v, i) => [String(i), v] as const)
      : Object.entries(current);
    for (const [key, child] of entries) {
      const keyProblem = unsafeCharacterIn(key);
      if (keyProblem) return { path: `${path} key`, message: keyProblem };
      stack.push({ value: child, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}

/** Throws a 400 naming the path of the first unsafe part of `value`. */
export function assertSafeInput(value: unknown, root: string) {
  const problem = findUnsafeInput(value, root);
  if (problem) throw new InputError(`${problem.path}: ${problem.message}`);
}

/**
 * Refuses, before any route runs, a request whose path, query or JSON body carries text
 * the ledger must not store (control characters, bidirectional controls, unpaired
 * surrogates) or JSON nested too deeply. Both databases then see the same, safe input:
 * PostgreSQL would otherwise answer NUL with an error while SQLite stored it.
 */
export function refuseUnsafeInput(): express.RequestHandler {
  return (req, _res, next) => {
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      throw new InputError('path: not a valid percent-encoded path');
    }
    assertSafeInput(path, 'path');
    assertSafeInput(req.query, 'query');
    if (!Buffer.isBuffer(req.body)) assertSafeInput(req.body, 'body');
    next();
  };
}
