import { BuildRecord } from '../determinism';
import { VerdictRecord } from '../store/AttestationStore';
import { inputDifferences } from './inputDifferences';
import { groupCommitShas, sameCommitSha } from './sameCommit';
import { provenanceSummary } from './summary';

const verdict = (
  v: Partial<VerdictRecord> & Pick<VerdictRecord, 'status'>,
): VerdictRecord => ({
  verifier: 'greenlight',
  verifiedAt: Date.parse('2026-01-01T00:00:00Z'),
  ...v,
});

/** The key ids the trust policy of these cases lists. */
const TRUSTED = new Set(['k1', 'k2']);

describe('provenanceSummary', () => {
  it('is unsigned without verdicts', () => {
    expect(provenanceSummary([], TRUSTED)).toEqual({ status: 'unsigned' });
  });

  it('reports the strongest verified attestation and its signer', () => {
    expect(
      provenanceSummary(
        [
          verdict({
            status: 'verified',
            builderId: 'weak',
            slsaLevel: 1,
            keyId: 'k1',
          }),
          verdict({
            status: 'unverifiable',
            reason: 'unsupported predicate type sbom',
          }),
          verdict({
            status: 'verified',
            builderId: 'strong',
            slsaLevel: 3,
            identity: {
              issuer: 'https://token.actions.githubusercontent.com',
              subject: 'repo:acme/payments',
            },
            verifiedAt: Date.parse('2026-01-02T00:00:00Z'),
          }),
        ],
        TRUSTED,
      ),
    ).toEqual({
      status: 'verified',
      builderId: 'strong',
      slsaLevel: 3,
      signer: 'repo:acme/payments',
      verifiedAt: '2026-01-02T00:00:00.000Z',
    });
  });

  it('lets one invalid attestation taint a verified artifact, giving the invalid reason', () => {
    expect(
      provenanceSummary(
        [
          verdict({ status: 'unverifiable', reason: 'unknown key id x' }),
          verdict({ status: 'verified', builderId: 'b', slsaLevel: 3 }),
          verdict({ status: 'invalid', reason: 'subject digest mismatch' }),
        ],
        TRUSTED,
      ),
    ).toMatchObject({ status: 'invalid', reason: 'subject digest mismatch' });
  });

  it('names an extension verifier as the signer when no key or identity is known', () => {
    expect(
      provenanceSummary(
        [verdict({ status: 'verified', verifier: 'in-house' })],
        TRUSTED,
      ),
    ).toMatchObject({
      status: 'verified',
      signer: 'in-house',
    });
  });
});

describe('inputDifferences', () => {
  const build = (
    buildId: string,
    extra: Partial<BuildRecord>,
  ): BuildRecord => ({
    buildId,
    commitSha: 'c',
    builderId: 'b',
    artifactDigest: 'sha256:x',
    ...extra,
  });

  it('lists parameters by path and dependencies on one side only', () => {
    const here = build('one', {
      inputs: {
        externalParameters: {
          workflow: { ref: 'refs/heads/main', path: 'release.yml' },
        },
        resolvedDependencies: [
          {
            uri: 'git+https://github.com/acme/app',
            digest: { gitCommit: 'c' },
          },
        ],
      },
    });
    const there = build('two', {
      inputs: {
        externalParameters: {
          workflow: { ref: 'refs/tags/v2', path: 'release.yml' },
          debug: true,
        },
        resolvedDependencies: [
          {
            digest: { gitCommit: 'c' },
            uri: 'git+https://github.com/acme/app',
          },
          { uri: 'pkg:npm/left-pad@1.3.0' },
        ],
      },
    });
    expect(inputDifferences(here, there)).toEqual([
      'externalParameters.debug: (absent) here, true in two',
      'externalParameters.workflow.ref: "refs/heads/main" here, "refs/tags/v2" in two',
      'resolvedDependencies: only in two: {"uri":"pkg:npm/left-pad@1.3.0"}',
    ]);
    expect(inputDifferences(here, here)).toEqual([]);
  });

  it('compares reported input digests and says when inputs cannot be compared', () => {
    expect(
      inputDifferences(
        build('one', { inputsDigest: 'sha256:A' }),
        build('two', { inputsDigest: 'sha256:a' }),
      ),
    ).toEqual([]);
    expect(
      inputDifferences(
        build('one', { inputsDigest: 'sha256:a' }),
        build('two', { inputsDigest: 'sha256:b' }),
      ),
    ).toEqual(['inputsDigest: sha256:a here, sha256:b in two']);
    expect(
      inputDifferences(
        build('one', { inputsDigest: 'sha256:a' }),
        build('two', {}),
      ),
    ).toEqual([
      'inputs reported in different forms: an inputs digest on one side only',
    ]);
    expect(
      inputDifferences(build('one', { inputs: {} }), build('two', {})),
    ).toEqual(['inputs unknown for two']);
  });
});

describe('commit SHAs', () => {
  it('match abbreviated and full spellings, case-insensitively, and nothing else', () => {
    expect(
      sameCommitSha('9b2e41c', '9B2E41C0a1b2c3d4e5f60718293a4b5c6d7e8f90'),
    ).toBe(true);
    expect(sameCommitSha('9b2e41c', '9b2e41d')).toBe(false);
  });

  it('group under the longest spelling, keeping who named each', () => {
    expect(
      groupCommitShas([
        { sha: '9b2e41c', tag: 'artifact' },
        { sha: '9b2e41c0a1b2c3d4e5f60718293a4b5c6d7e8f90', tag: 'provenance' },
        { sha: '77aa0d2', tag: 'build' },
      ]),
    ).toEqual([
      {
        sha: '9b2e41c0a1b2c3d4e5f60718293a4b5c6d7e8f90',
        tags: ['artifact', 'provenance'],
      },
      { sha: '77aa0d2', tags: ['build'] },
    ]);
  });
});

describe('a verdict signed with a key the trust policy no longer lists', () => {
  it('no longer counts as verified, naming the key; a keyless one stays', () => {
    const byRemovedKey = verdict({
      status: 'verified',
      builderId: 'b',
      slsaLevel: 3,
      keyId: 'k9',
    });
    expect(provenanceSummary([byRemovedKey], TRUSTED)).toMatchObject({
      status: 'unverifiable',
      reason: 'signed with k9, which the trust policy no longer lists',
    });
    // a threshold verdict needs every one of its signing keys still listed
    expect(
      provenanceSummary(
        [verdict({ status: 'verified', keyIds: ['k1', 'k9'] })],
        TRUSTED,
      ).status,
    ).toBe('unverifiable');
    expect(
      provenanceSummary(
        [verdict({ status: 'verified', keyIds: ['k1', 'k2'] })],
        TRUSTED,
      ).status,
    ).toBe('verified');
    const keyless = verdict({
      status: 'verified',
      identity: {
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:acme/payments',
      },
    });
    expect(provenanceSummary([keyless], TRUSTED).status).toBe('verified');
    // another verified verdict by a listed key still verifies the artifact
    expect(
      provenanceSummary(
        [byRemovedKey, verdict({ status: 'verified', keyId: 'k1' })],
        TRUSTED,
      ).status,
    ).toBe('verified');
  });
});
