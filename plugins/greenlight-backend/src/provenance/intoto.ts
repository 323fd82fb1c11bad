export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';

export interface StatementSubject {
  name?: string;
  digest: Record<string, string>;
}

export interface InTotoStatement {
  type: typeof STATEMENT_V1 | typeof STATEMENT_V01;
  subjects: StatementSubject[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

export type StatementParseResult =
  | { ok: true; statement: InTotoStatement }
  | { ok: false; reason: string };

/** An artifact digest such as `sha256:9f86…`. */
export interface ArtifactDigest {
  algorithm: string;
  hex: string;
}

// Weaker digests (sha1, md5) must not be able to stand for an artifact.
const DIGEST_HEX_LENGTH: Record<string, number> = {
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

/** Parses `algorithm:hex`; only SHA-2 digests of the right length pass. */
export function parseArtifactDigest(value: string): ArtifactDigest | undefined {
  const match = /^([a-z0-9-]+):([0-9a-fA-F]+)$/.exec(value.trim());
  if (!match) {
    return undefined;
  }
  const [, algorithm, hex] = match;
  if (DIGEST_HEX_LENGTH[algorithm] !== hex.length) {
    return undefined;
  }
  return { algorithm, hex: hex.toLowerCase() };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a signed statement from its exact payload bytes. */
export function parseStatement(payload: Uint8Array): StatementParseResult {
  let json: unknown;
  try {
    json = JSON.parse(UTF8.decode(payload));
  } catch {
    return { ok: false, reason: 'statement is not valid UTF-8 JSON' };
  }
  if (!isRecord(json)) {
    return { ok: false, reason: 'statement is not a JSON object' };
  }
  const type = json._type;
  if (type !== STATEMENT_V1 && type !== STATEMENT_V01) {
    return { ok: false, reason: `unsupported statement type ${String(type)}` };
  }
  if (!Array.isArray(json.subject) || json.subject.length === 0) {
    return { ok: false, reason: 'statement has no subjects' };
  }
  const subjects: StatementSubject[] = [];
  for (const subject of json.subject) {
    if (!isRecord(subject) || !isRecord(subject.digest)) {
      return { ok: false, reason: 'statement subject has no digest' };
    }
    const digest: Record<string, string> = {};
    for (const [algorithm, hex] of Object.entries(subject.digest)) {
      if (typeof hex !== 'string') {
        return {
          ok: false,
          reason: 'statement subject digest is not a string',
        };
      }
      digest[algorithm] = hex;
    }
    subjects.push({
      name: typeof subject.name === 'string' ? subject.name : undefined,
      digest,
    });
  }
  if (typeof json.predicateType !== 'string') {
    return { ok: false, reason: 'statement has no predicateType' };
  }
  const predicate = json.predicate ?? {};
  if (!isRecord(predicate)) {
    return { ok: false, reason: 'statement predicate is not an object' };
  }
  return {
    ok: true,
    statement: {
      type,
      subjects,
      predicateType: json.predicateType,
      predicate,
    },
  };
}

/** True when some subject carries exactly this digest (hex case-insensitive). */
export function subjectMatches(
  subjects: StatementSubject[],
  artifact: ArtifactDigest,
): boolean {
  return subjects.some(subject => {
    const hex = Object.prototype.hasOwnProperty.call(
      subject.digest,
      artifact.algorithm,
    )
      ? subject.digest[artifact.algorithm]
      : undefined;
    return hex !== undefined && hex.toLowerCase() === artifact.hex;
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
