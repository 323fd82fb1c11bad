import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  IN_TOTO_PAYLOAD_TYPE,
  parseArtifactDigest,
  parseStatement,
  subjectMatches,
} from '../intoto';
import { TrustPolicy, validateTrustPolicy, verificationKeys } from '../policy';
import { verifySigstoreBundle } from '../sigstore';

const CORPUS = join(__dirname, 'sigstore-conformance');
const CASES = join(CORPUS, 'bundle-verify');

// The defaults of the conformance suite's test/assets/bundle-verify/README.md.
const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';

/** One directory of the conformance suite's bundle-verification corpus. */
export interface ConformanceCase {
  name: string;
  /** The suite expects verification to fail (the `_fail` suffix). */
  mustFail: boolean;
  bundle: string;
  artifact: Buffer;
  trustedRoot: unknown;
  identity: string;
  issuer: string;
  publicKeyPem?: string;
}

export function conformanceCases(): ConformanceCase[] {
  const productionRoot = JSON.parse(
    readFileSync(join(CORPUS, 'production-trusted-root.json'), 'utf8'),
  );
  const defaultArtifact = readFileSync(join(CASES, 'a.txt'));
  return readdirSync(CASES, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => entry.name)
    .sort()
    .map(name => {
      const file = (path: string) => {
        const full = join(CASES, name, path);
        return existsSync(full) ? readFileSync(full) : undefined;
      };
      const root = file('trusted_root.json');
      return {
        name,
        mustFail: name.endsWith('_fail'),
        bundle: file('bundle.sigstore.json')!.toString('utf8'),
        artifact: file('artifact') ?? defaultArtifact,
        trustedRoot: root ? JSON.parse(root.toString('utf8')) : productionRoot,
        identity: file('identity')?.toString('utf8').trim() ?? DEFAULT_IDENTITY,
        issuer: file('issuer')?.toString('utf8').trim() ?? DEFAULT_ISSUER,
        publicKeyPem: file('key.pub')?.toString('utf8'),
      };
    });
}

export type ConformanceOutcome =
  | { verified: true }
  | { verified: false; status: 'invalid' | 'unverifiable'; reason: string };

/**
 * Runs a case the way a Sigstore client's `verify-bundle` does, through
 * Greenlight's bundle verifier under the strictest policy it has: the case's
 * identity (or key) is the only one trusted, the case's trust root the only
 * root, and a verified transparency-log entry is required of keyed bundles as
 * well. For a DSSE bundle the in-toto statement must name the artifact, as
 * for an attestation.
 */
export function runConformanceCase(
  testCase: ConformanceCase,
): ConformanceOutcome {
  let json: unknown;
  try {
    json = JSON.parse(testCase.bundle);
  } catch {
    return refused('invalid', 'bundle is not valid JSON');
  }
  const policy: TrustPolicy = {
    trustedKeys: testCase.publicKeyPem
      ? [
          {
            keyId: 'conformance-key',
            publicKeyPem: testCase.publicKeyPem,
            builderIds: [],
            slsaLevel: 0,
          },
        ]
      : [],
    trustedIdentities: [
      {
        issuer: testCase.issuer,
        // Exact: the identity has no glob characters, and is not a /regex/.
        subjectPattern: testCase.identity,
        builderIds: [],
        slsaLevel: 0,
      },
    ],
    trustedRoot: testCase.trustedRoot,
    threshold: 1,
    requireTransparencyLog: true,
    defaults: {},
  };
  try {
    validateTrustPolicy(policy);
  } catch (error) {
    return refused('unverifiable', `trust policy refused: ${String(error)}`);
  }
  const checked = verifySigstoreBundle(json, policy, verificationKeys(policy), {
    artifact: testCase.artifact,
  });
  if (!checked.ok) {
    return refused(checked.status, checked.reason);
  }
  if (checked.content.kind === 'dsse') {
    const { payloadType, payload } = checked.content.envelope;
    if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
      return refused('unverifiable', `unsupported payload type ${payloadType}`);
    }
    const statement = parseStatement(payload);
    if (!statement.ok) {
      return refused('invalid', statement.reason);
    }
    const digest = parseArtifactDigest(
      `sha256:${createHash('sha256').update(testCase.artifact).digest('hex')}`,
    )!;
    if (!subjectMatches(statement.statement.subjects, digest)) {
      return refused('invalid', 'subject digest mismatch');
    }
  }
  return { verified: true };
}

function refused(
  status: 'invalid' | 'unverifiable',
  reason: string,
): ConformanceOutcome {
  return { verified: false, status, reason };
}
