import {
  ArtifactAttestation,
  ArtifactBuild,
  ArtifactDeterminism,
  ArtifactProvenance,
  ArtifactSubject,
  ArtifactVerdict,
  ProvenanceStatus,
  ProvenanceSummary,
} from './types';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const bool = (value: unknown) => (typeof value === 'boolean' ? value : undefined);
const strings = (value: unknown) =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
const objects = (value: unknown) => (Array.isArray(value) ? value.filter(isObject) : []);

const ARTIFACT_STATUSES: ProvenanceStatus[] = ['verified', 'unsigned', 'invalid', 'unverifiable'];
const VERDICT_STATUSES = ['verified', 'invalid', 'unverifiable'] as const;
const DETERMINISM_STATUSES = ['reproduced', 'non-reproducible', 'single-build'] as const;

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return allowed.find(a => a === value);
}

function subjects(value: unknown): ArtifactSubject[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return objects(value)
    .filter(s => isObject(s.digest))
    .map(s => ({
      name: str(s.name),
      digest: Object.fromEntries(
        Object.entries(s.digest as Json).filter(([, v]) => typeof v === 'string'),
      ) as Record<string, string>,
    }));
}

function verdict(value: unknown): ArtifactVerdict | undefined {
  if (!isObject(value)) return undefined;
  const status = oneOf(value.status, VERDICT_STATUSES);
  if (!status) return undefined;
  const identity = isObject(value.identity) ? value.identity : undefined;
  const issuer = str(identity?.issuer);
  const subject = str(identity?.subject);
  return {
    status,
    verifier: str(value.verifier),
    reason: str(value.reason),
    builderId: str(value.builderId),
    buildType: str(value.buildType),
    predicateType: str(value.predicateType),
    slsaLevel: num(value.slsaLevel),
    keyId: str(value.keyId),
    keyIds: strings(value.keyIds),
    identity: issuer && subject ? { issuer, subject } : undefined,
    sourceRepository: str(value.sourceRepository),
    sourceCommit: str(value.sourceCommit),
    subjects: subjects(value.subjects),
    verifiedAt: str(value.verifiedAt),
    current: bool(value.current),
  };
}

function attestation(value: Json): ArtifactAttestation {
  // Verdicts come as a list (one per verifier), a single `verdict`, or flattened in.
  const listed = objects(value.verdicts).map(verdict);
  const single = verdict(value.verdict) ?? verdict(value);
  const verdicts = (listed.length ? listed : [single]).filter((v): v is ArtifactVerdict => !!v);
  return {
    id: str(value.id),
    mediaType: str(value.mediaType),
    receivedAt: str(value.receivedAt) ?? str(value.createdAt),
    verdicts,
  };
}

function build(value: Json): ArtifactBuild {
  return {
    id: str(value.id) ?? str(value.buildId),
    builderId: str(value.builderId) ?? str(value.builder),
    commitSha: str(value.commitSha),
    repository: str(value.repository),
    url: str(value.url),
    status: str(value.status),
    finishedAt: str(value.finishedAt),
  };
}

function determinism(value: unknown): ArtifactDeterminism | undefined {
  const parsed = (Array.isArray(value) ? value : [value]).filter(isObject).flatMap(candidate => {
    const status = oneOf(candidate.status, DETERMINISM_STATUSES);
    if (!status) return [];
    const outputs = objects(candidate.outputs).flatMap(o => {
      const artifactDigest = str(o.artifactDigest);
      return artifactDigest ? [{ artifactDigest, buildIds: strings(o.buildIds) }] : [];
    });
    const buildId = str(candidate.buildId);
    return [{ status, buildIds: strings(candidate.buildIds) ?? (buildId ? [buildId] : undefined), outputs }];
  });
  // A non-reproducible group is the finding that matters when there are several.
  return parsed.find(d => d.status === 'non-reproducible') ?? parsed[0];
}

function summary(root: Json): ProvenanceSummary | undefined {
  const source = [root.summary, root.provenance].find(isObject) ?? root;
  const status = oneOf(source.status, ARTIFACT_STATUSES);
  if (!status) return undefined;
  return {
    status,
    reason: str(source.reason) ?? strings(source.reasons)?.[0],
    builderId: str(source.builderId),
    slsaLevel: num(source.slsaLevel),
    signer: str(source.signer),
    sourceRepository: str(source.sourceRepository),
    sourceCommit: str(source.sourceCommit),
    verifiedAt: str(source.verifiedAt),
  };
}

/** Reads `GET /v1/artifacts/:digest` without trusting any field to be present. */
export function parseArtifact(digest: string, body: unknown): ArtifactProvenance {
  const root = isObject(body) ? body : {};
  return {
    digest: str(root.digest) ?? digest,
    name: str(root.name),
    purl: str(root.purl),
    summary: summary(root),
    builds: objects(root.builds).map(build),
    attestations: objects(root.attestations).map(attestation),
    determinism: determinism(root.determinism),
  };
}
