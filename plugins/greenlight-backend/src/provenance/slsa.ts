import { isRecord } from './intoto';
import { parseGitUri, sameRepository } from './source-repository';

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';

export interface ResourceDescriptor {
  uri?: string;
  name?: string;
  digest?: Record<string, string>;
}

/** SLSA provenance v1 and v0.2 reduced to the fields verification uses. */
export interface NormalizedProvenance {
  predicateType: typeof SLSA_PROVENANCE_V1 | typeof SLSA_PROVENANCE_V02;
  builderId: string;
  buildType: string;
  sourceRepository?: string;
  /** The git ref built, e.g. `refs/heads/main`, where the provenance names one. */
  sourceRef?: string;
  sourceCommit?: string;
  externalParameters: Record<string, unknown>;
  resolvedDependencies: ResourceDescriptor[];
  invocationId?: string;
}

export type ProvenanceParseResult =
  | { ok: true; provenance: NormalizedProvenance }
  | { ok: false; reason: string };

export function isSlsaPredicateType(type: string): boolean {
  return type === SLSA_PROVENANCE_V1 || type === SLSA_PROVENANCE_V02;
}

export function parseSlsaProvenance(
  predicateType: string,
  predicate: Record<string, unknown>,
): ProvenanceParseResult {
  if (predicateType === SLSA_PROVENANCE_V1) {
    return parseV1(predicate);
  }
  if (predicateType === SLSA_PROVENANCE_V02) {
    return parseV02(predicate);
  }
  return { ok: false, reason: `unsupported predicate type ${predicateType}` };
}

function parseV1(predicate: Record<string, unknown>): ProvenanceParseResult {
  const definition = record(predicate.buildDefinition);
  const runDetails = record(predicate.runDetails);
  const builderId = string(record(runDetails.builder).id);
  const buildType = string(definition.buildType);
  if (!builderId) {
    return { ok: false, reason: 'provenance has no builder id' };
  }
  if (!buildType) {
    return { ok: false, reason: 'provenance has no build type' };
  }
  const externalParameters = record(definition.externalParameters);
  const resolvedDependencies = descriptors(definition.resolvedDependencies);
  const source = findSource(externalParameters, resolvedDependencies);
  return {
    ok: true,
    provenance: {
      predicateType: SLSA_PROVENANCE_V1,
      builderId,
      buildType,
      ...source,
      externalParameters,
      resolvedDependencies,
      invocationId: string(record(runDetails.metadata).invocationId),
    },
  };
}

function parseV02(predicate: Record<string, unknown>): ProvenanceParseResult {
  const builderId = string(record(predicate.builder).id);
  const buildType = string(predicate.buildType);
  if (!builderId) {
    return { ok: false, reason: 'provenance has no builder id' };
  }
  if (!buildType) {
    return { ok: false, reason: 'provenance has no build type' };
  }
  const invocation = record(predicate.invocation);
  const configSource = record(invocation.configSource);
  const externalParameters: Record<string, unknown> = {
    configSource,
    parameters: invocation.parameters ?? {},
  };
  const materials = descriptors(predicate.materials);
  const configDescriptor: ResourceDescriptor[] = string(configSource.uri)
    ? [{ uri: string(configSource.uri), digest: digestOf(configSource.digest) }]
    : [];
  const source = findSource({}, [...configDescriptor, ...materials]);
  return {
    ok: true,
    provenance: {
      predicateType: SLSA_PROVENANCE_V02,
      builderId,
      buildType,
      ...source,
      externalParameters,
      resolvedDependencies: materials,
      invocationId: string(record(predicate.metadata).buildInvocationId),
    },
  };
}

/**
 * Locates the source repository and commit. Builders disagree on where they
 * put it, so we look, in order, at the GitHub Actions workflow parameters,
 * common `source`/`repository` parameters, then the first git dependency. A
 * commit is only taken from a dependency of that same repository.
 */
function findSource(
  externalParameters: Record<string, unknown>,
  dependencies: ResourceDescriptor[],
): { sourceRepository?: string; sourceRef?: string; sourceCommit?: string } {
  const declared = declaredRepository(externalParameters);
  const gitDependencies = dependencies.flatMap(dependency => {
    const parsed = dependency.uri ? parseGitUri(dependency.uri) : undefined;
    return parsed && isGitUri(dependency.uri!) ? [{ dependency, parsed }] : [];
  });
  const match = declared
    ? gitDependencies.find(({ parsed }) =>
        sameRepository(parsed.repository, declared),
      )
    : gitDependencies[0];
  const sourceRepository = declared ?? match?.parsed.repository;
  const sourceCommit = match ? commitOf(match.dependency.digest) : undefined;
  const sourceRef =
    string(record(externalParameters.workflow).ref) ?? match?.parsed.ref;
  return {
    ...(sourceRepository ? { sourceRepository } : {}),
    ...(sourceRef ? { sourceRef } : {}),
    ...(sourceCommit ? { sourceCommit } : {}),
  };
}

function declaredRepository(
  parameters: Record<string, unknown>,
): string | undefined {
  const candidates = [
    record(parameters.workflow).repository,
    parameters.repository,
    record(parameters.source).uri,
    parameters.source,
  ];
  for (const candidate of candidates) {
    const text = string(candidate);
    const parsed = text ? parseGitUri(text) : undefined;
    if (parsed) {
      return parsed.repository;
    }
  }
  return undefined;
}

// Plain https dependencies are usually downloads, not repositories.
function isGitUri(uri: string): boolean {
  return uri.startsWith('git+') || /\.git(@|$)/.test(uri);
}

function commitOf(digest: Record<string, string> | undefined) {
  const value = digest?.gitCommit ?? digest?.sha1;
  return value && /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(value)
    ? value.toLowerCase()
    : undefined;
}

function descriptors(value: unknown): ResourceDescriptor[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.filter(isRecord).map(entry => ({
    ...entry,
    uri: string(entry.uri),
    name: string(entry.name),
    digest: digestOf(entry.digest),
  }));
}

function digestOf(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function string(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
