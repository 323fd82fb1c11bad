import { InputError } from '@backstage/errors';
import { unsafeCharacterIn } from '@greenlight/backstage-plugin-greenlight-common';
import express from 'express';

/** Deeper JSON than any document Greenlight reads (Terraform plans, Sigstore bundles). */
export const MAX_JSON_DEPTH = 64;

type Visit = {
  value: unknown;
  key: string;
  parent: Visit | undefined;
  depth: number;
};

/** `body.events.3.deployment.id`, built only for the part that is refused. */
function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let v: Visit | undefined = visit; v; v = v.parent) keys.push(v.key);
  return keys.reverse().join('.');
}

/**
 * The first string, object key or nesting level of a request value that Greenlight will
 * not store, with its path. Strings are checked as free text (tab and line breaks allowed,
 * see `unsafeCharacterIn`); fields that are identifiers are checked more strictly by their
 * own schemas. Iterative, so that a hostile nesting depth cannot exhaust the stack. Each
 * part keeps its key and parent rather than its path: a batch of events has thousands of
 * parts, and only a refused one needs its path spelled out.
 */
export function findUnsafeInput(
  value: unknown,
  root: string,
  /** `false` checks the nesting depth alone (a vendor's payload, whose mapped events are checked). */
  checkText = true,
): { path: string; message: string } | undefined {
  const stack: Visit[] = [{ value, key: root, parent: undefined, depth: 0 }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const current = visit.value;
    if (typeof current === 'string') {
      if (!checkText) continue;
      const problem = unsafeCharacterIn(current, { freeText: true });
      if (problem) return { path: pathOf(visit), message: problem };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (visit.depth >= MAX_JSON_DEPTH) {
      return {
        path: pathOf(visit),
        message: `nested deeper than ${MAX_JSON_DEPTH} levels`,
      };
    }
    const depth = visit.depth + 1;
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) {
        stack.push({ value: current[i], key: String(i), parent: visit, depth });
      }
      continue;
    }
    for (const key of Object.keys(current)) {
      const keyProblem = checkText ? unsafeCharacterIn(key) : undefined;
      if (keyProblem)
        return { path: `${pathOf(visit)} key`, message: keyProblem };
      stack.push({
        value: (current as Record<string, unknown>)[key],
        key,
        parent: visit,
        depth,
      });
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
 * A vendor's webhook payload: only its nesting is checked before it is mapped, and then the
 * events mapped from it, strictly. The vendor does not send a refused delivery again, so a
 * control character in a field Greenlight never reads (a repository's description, a commit
 * message it does not map) must not lose the whole delivery; what is stored is still checked.
 */
export function assertNestingWithin(value: unknown, root: string) {
  const problem = findUnsafeInput(value, root, false);
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
