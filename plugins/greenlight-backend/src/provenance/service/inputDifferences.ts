import { canonicalJson } from '../canonical-json';
import type { BuildRecord } from '../determinism';

function flatten(value: unknown, path: string, out: Map<string, string>) {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.set(path, '{}');
    for (const [key, member] of entries) flatten(member, `${path}.${key}`, out);
    return;
  }
  out.set(path, canonicalJson(value));
}

/**
 * What differs between the inputs of two builds, one line per input: parameters by path,
 * dependencies present on one side only, or the opaque inputs digests the builders gave.
 */
export function inputDifferences(
  here: BuildRecord,
  there: BuildRecord,
): string[] {
  if (here.inputsDigest || there.inputsDigest) {
    if (!here.inputsDigest || !there.inputsDigest) {
      return [
        'inputs reported in different forms: an inputs digest on one side only',
      ];
    }
    return here.inputsDigest.toLowerCase() === there.inputsDigest.toLowerCase()
      ? []
      : [
          `inputsDigest: ${here.inputsDigest} here, ${there.inputsDigest} in ${there.buildId}`,
        ];
  }
  if (!here.inputs || !there.inputs) {
    return here.inputs === there.inputs
      ? ['inputs unknown for both builds']
      : [`inputs unknown for ${here.inputs ? there.buildId : here.buildId}`];
  }
  const out: string[] = [];
  const mine = new Map<string, string>();
  const theirs = new Map<string, string>();
  flatten(here.inputs.externalParameters ?? {}, 'externalParameters', mine);
  flatten(there.inputs.externalParameters ?? {}, 'externalParameters', theirs);
  for (const path of [...new Set([...mine.keys(), ...theirs.keys()])].sort()) {
    const a = mine.get(path);
    const b = theirs.get(path);
    if (a !== b)
      out.push(
        `${path}: ${a ?? '(absent)'} here, ${b ?? '(absent)'} in ${
          there.buildId
        }`,
      );
  }
  const depsHere = new Set(
    (here.inputs.resolvedDependencies ?? []).map(d => canonicalJson(d)),
  );
  const depsThere = new Set(
    (there.inputs.resolvedDependencies ?? []).map(d => canonicalJson(d)),
  );
  for (const d of [...depsHere].filter(x => !depsThere.has(x)).sort()) {
    out.push(`resolvedDependencies: only here: ${d}`);
  }
  for (const d of [...depsThere].filter(x => !depsHere.has(x)).sort()) {
    out.push(`resolvedDependencies: only in ${there.buildId}: ${d}`);
  }
  return out;
}
