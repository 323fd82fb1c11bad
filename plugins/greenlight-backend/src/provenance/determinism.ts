import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

export interface BuildInputs {
  externalParameters?: unknown;
  resolvedDependencies?: unknown[];
}

/** One build of an artifact, typically taken from its verified provenance. */
export interface BuildRecord {
  buildId: string;
  commitSha: string;
  builderId: string;
  /** Opaque digest of the inputs, when the builder reports one. */
  inputsDigest?: string;
  inputs?: BuildInputs;
  artifactDigest: string;
}

export type DeterminismStatus =
  | 'non-reproducible'
  | 'reproduced'
  | 'single-build';

export interface BuildOutput {
  artifactDigest: string;
  buildIds: string[];
  builderIds: string[];
}

export interface DeterminismVerdict {
  buildId: string;
  status: DeterminismStatus;
  commitSha: string;
  /** Identifies the group of builds with the same commit and inputs. */
  inputsKey: string;
  /** The inputs shared by the group, in canonical form, when known. */
  inputs?: string;
  /** Every distinct artifact digest the group produced. */
  outputs: BuildOutput[];
}

/**
 * Groups builds of the same commit with the same inputs and compares their
 * outputs:
 *
 * - `non-reproducible`: the group produced more than one digest.
 * - `reproduced`: one digest, produced by at least two distinct builders.
 * - `single-build`: anything else, including builds whose inputs are unknown
 *   (they cannot be compared with anything).
 */
export function assessDeterminism(builds: BuildRecord[]): DeterminismVerdict[] {
  const groups = new Map<string, BuildRecord[]>();
  for (const build of builds) {
    const key = groupKey(build);
    groups.set(key, [...(groups.get(key) ?? []), build]);
  }
  const verdicts = new Map<string, DeterminismVerdict>();
  for (const group of groups.values()) {
    const outputs = outputsOf(group);
    const builders = new Set(group.map(build => build.builderId));
    let status: DeterminismStatus = 'single-build';
    if (outputs.length > 1) {
      status = 'non-reproducible';
    } else if (builders.size >= 2) {
      status = 'reproduced';
    }
    const inputs = group[0].inputs
      ? canonicalInputs(group[0].inputs)
      : undefined;
    for (const build of group) {
      verdicts.set(build.buildId, {
        buildId: build.buildId,
        status,
        commitSha: build.commitSha,
        inputsKey: inputsKey(build) ?? `unknown:${build.buildId}`,
        ...(inputs !== undefined ? { inputs } : {}),
        outputs,
      });
    }
  }
  return builds.map(build => verdicts.get(build.buildId)!);
}

/**
 * Canonical inputs: stable key order everywhere, and resolved dependencies
 * sorted, since builders list the same set in different orders.
 */
export function canonicalInputs(inputs: BuildInputs): string {
  const dependencies = (inputs.resolvedDependencies ?? [])
    .map(dependency => canonicalJson(dependency))
    .sort();
  return canonicalJson({
    externalParameters: inputs.externalParameters ?? {},
    resolvedDependencies: dependencies.map(text => JSON.parse(text)),
  });
}

function inputsKey(build: BuildRecord): string | undefined {
  if (build.inputsDigest) {
    return `digest:${build.inputsDigest.toLowerCase()}`;
  }
  if (build.inputs) {
    const hash = createHash('sha256').update(canonicalInputs(build.inputs));
    return `sha256:${hash.digest('hex')}`;
  }
  return undefined;
}

function groupKey(build: BuildRecord): string {
  const inputs = inputsKey(build) ?? `unknown:${build.buildId}`;
  return `${build.commitSha.toLowerCase()}\n${inputs}`;
}

function outputsOf(group: BuildRecord[]): BuildOutput[] {
  const byDigest = new Map<string, BuildOutput>();
  for (const build of group) {
    const digest = build.artifactDigest.toLowerCase();
    const output = byDigest.get(digest) ?? {
      artifactDigest: digest,
      buildIds: [],
      builderIds: [],
    };
    output.buildIds.push(build.buildId);
    if (!output.builderIds.includes(build.builderId)) {
      output.builderIds.push(build.builderId);
    }
    byDigest.set(digest, output);
  }
  return [...byDigest.values()];
}
