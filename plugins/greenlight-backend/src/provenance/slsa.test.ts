import { parseSlsaProvenance } from './slsa';
import {
  parseGitUri,
  repositoryKey,
  sameRepository,
} from './source-repository';
import { compilePattern, matchesPattern } from './patterns';
import { parseArtifactDigest, parseStatement, subjectMatches } from './intoto';
import {
  ARTIFACT_HEX,
  COMMIT,
  REPOSITORY,
  slsaV1Statement,
} from './__testUtils__/fixtures';

describe('SLSA provenance v1', () => {
  it('normalises a GitHub Actions workflow build', () => {
    const { predicate } = slsaV1Statement();
    expect(
      parseSlsaProvenance('https://slsa.dev/provenance/v1', predicate),
    ).toEqual({
      ok: true,
      provenance: expect.objectContaining({
        builderId: predicate.runDetails.builder.id,
        buildType: predicate.buildDefinition.buildType,
        sourceRepository: REPOSITORY,
        sourceCommit: COMMIT,
        externalParameters: predicate.buildDefinition.externalParameters,
        invocationId: predicate.runDetails.metadata.invocationId,
        resolvedDependencies: [
          expect.objectContaining({
            uri: `git+${REPOSITORY}@refs/heads/main`,
            digest: { gitCommit: COMMIT },
          }),
        ],
      }),
    });
  });

  it('finds the source in resolved dependencies when parameters do not name it', () => {
    const result = parseSlsaProvenance('https://slsa.dev/provenance/v1', {
      buildDefinition: {
        buildType: 'https://example.com/make',
        externalParameters: { target: 'all' },
        resolvedDependencies: [
          {
            uri: 'https://registry.example/base-image',
            digest: { sha256: ARTIFACT_HEX },
          },
          {
            uri: 'git+ssh://git@gitlab.example/group/sub/app.git@refs/tags/v1',
            digest: { sha1: COMMIT.toUpperCase() },
          },
        ],
      },
      runDetails: { builder: { id: 'https://ci.example/runner' } },
    });
    expect(result).toMatchObject({
      ok: true,
      provenance: {
        sourceRepository: 'ssh://git@gitlab.example/group/sub/app',
        sourceCommit: COMMIT,
      },
    });
  });

  it('takes no commit from a dependency of another repository', () => {
    const { predicate } = slsaV1Statement();
    predicate.buildDefinition.resolvedDependencies[0].uri =
      'git+https://github.com/someone/else@refs/heads/main';
    const result = parseSlsaProvenance(
      'https://slsa.dev/provenance/v1',
      predicate,
    );
    expect(result).toMatchObject({
      ok: true,
      provenance: { sourceRepository: REPOSITORY },
    });
    expect(result.ok && result.provenance.sourceCommit).toBeUndefined();
  });

  it.each([
    [
      { runDetails: { builder: {} }, buildDefinition: { buildType: 't' } },
      'provenance has no builder id',
    ],
    [
      { runDetails: { builder: { id: 'b' } }, buildDefinition: {} },
      'provenance has no build type',
    ],
  ])('rejects %j', (predicate, reason) => {
    expect(
      parseSlsaProvenance('https://slsa.dev/provenance/v1', predicate),
    ).toEqual({
      ok: false,
      reason,
    });
  });
});

describe('SLSA provenance v0.2', () => {
  it('normalises builder, config source, materials and invocation id', () => {
    expect(
      parseSlsaProvenance('https://slsa.dev/provenance/v0.2', {
        builder: { id: 'https://cloudbuild.googleapis.com/GoogleHostedWorker' },
        buildType: 'https://cloudbuild.googleapis.com/CloudBuildYaml@v1',
        invocation: {
          configSource: {
            uri: 'git+https://github.com/acme/payments.git@refs/heads/main',
            digest: { sha1: COMMIT },
            entryPoint: 'cloudbuild.yaml',
          },
          parameters: { substitutions: { _ENV: 'prod' } },
        },
        materials: [
          { uri: 'pkg:docker/node@20', digest: { sha256: ARTIFACT_HEX } },
        ],
        metadata: { buildInvocationId: 'run-7' },
      }),
    ).toEqual({
      ok: true,
      provenance: {
        predicateType: 'https://slsa.dev/provenance/v0.2',
        builderId: 'https://cloudbuild.googleapis.com/GoogleHostedWorker',
        buildType: 'https://cloudbuild.googleapis.com/CloudBuildYaml@v1',
        sourceRepository: 'https://github.com/acme/payments',
        sourceRef: 'refs/heads/main',
        sourceCommit: COMMIT,
        externalParameters: {
          configSource: {
            uri: 'git+https://github.com/acme/payments.git@refs/heads/main',
            digest: { sha1: COMMIT },
            entryPoint: 'cloudbuild.yaml',
          },
          parameters: { substitutions: { _ENV: 'prod' } },
        },
        resolvedDependencies: [
          {
            uri: 'pkg:docker/node@20',
            name: undefined,
            digest: { sha256: ARTIFACT_HEX },
          },
        ],
        invocationId: 'run-7',
      },
    });
  });
});

describe('source repositories', () => {
  it.each([
    [
      'git+https://github.com/org/repo@refs/heads/main',
      'https://github.com/org/repo',
      'refs/heads/main',
    ],
    [
      'https://github.com/org/repo.git',
      'https://github.com/org/repo',
      undefined,
    ],
    [
      'git+ssh://git@host.example/org/repo.git@v1',
      'ssh://git@host.example/org/repo',
      'v1',
    ],
  ])('parses %s', (uri, repository, ref) => {
    expect(parseGitUri(uri)).toEqual({ repository, ref });
  });

  it('refuses URIs without a repository path', () => {
    expect(parseGitUri('not a uri')).toBeUndefined();
    expect(parseGitUri('https://github.com/')).toBeUndefined();
  });

  it.each([
    'https://github.com/Acme/Payments',
    'github.com/acme/payments',
    'git+https://github.com/acme/payments@refs/heads/main',
    'url:https://github.com/acme/payments/tree/main/',
    'https://www.github.com/acme/payments.git',
    'git@github.com:acme/payments.git',
  ])('treats %s as github.com/acme/payments', spelling => {
    expect(repositoryKey(spelling)).toBe('github.com/acme/payments');
  });

  it('keeps different repositories apart', () => {
    expect(
      sameRepository(
        'github.com/acme/payments',
        'github.com/acme/payments-fork',
      ),
    ).toBe(false);
    expect(
      sameRepository('github.com/acme/payments', 'gitlab.com/acme/payments'),
    ).toBe(false);
  });
});

describe('patterns', () => {
  it('anchors globs and keeps * within a path segment', () => {
    expect(
      matchesPattern('https://github.com/acme/*', 'https://github.com/acme/x'),
    ).toBe(true);
    expect(
      matchesPattern(
        'https://github.com/acme/*',
        'https://github.com/acme/x/y',
      ),
    ).toBe(false);
    expect(
      matchesPattern(
        'https://github.com/acme/**',
        'https://github.com/acme/x/y',
      ),
    ).toBe(true);
    expect(
      matchesPattern('github.com/acme', 'evil.example/github.com/acme'),
    ).toBe(false);
    expect(matchesPattern('a.b', 'axb')).toBe(false);
  });

  it('anchors regular expressions', () => {
    expect(compilePattern('/acme-(x|y)/').test('acme-x')).toBe(true);
    expect(compilePattern('/acme-(x|y)/').test('evil-acme-x')).toBe(false);
  });
});

describe('in-toto statements', () => {
  const parse = (value: unknown) =>
    parseStatement(Buffer.from(JSON.stringify(value)));

  it('accepts Statement v1 and v0.1', () => {
    expect(parse(slsaV1Statement())).toMatchObject({ ok: true });
    expect(
      parse({
        ...slsaV1Statement(),
        _type: 'https://in-toto.io/Statement/v0.1',
      }),
    ).toMatchObject({ ok: true });
  });

  it.each([
    [
      { ...slsaV1Statement(), _type: 'https://in-toto.io/Statement/v2' },
      'unsupported statement type https://in-toto.io/Statement/v2',
    ],
    [{ ...slsaV1Statement(), subject: [] }, 'statement has no subjects'],
    [
      { ...slsaV1Statement(), subject: [{ name: 'x' }] },
      'statement subject has no digest',
    ],
    [
      { ...slsaV1Statement(), predicateType: 1 },
      'statement has no predicateType',
    ],
    [[], 'statement is not a JSON object'],
  ])('rejects %#', (value, reason) => {
    expect(parse(value)).toEqual({ ok: false, reason });
  });

  it('rejects payloads that are not UTF-8', () => {
    expect(parseStatement(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual({
      ok: false,
      reason: 'statement is not valid UTF-8 JSON',
    });
  });

  it('matches digests by algorithm and case-insensitive hex only', () => {
    const subjects = [
      { digest: { sha512: ARTIFACT_HEX, sha256: ARTIFACT_HEX.toUpperCase() } },
    ];
    expect(
      subjectMatches(subjects, parseArtifactDigest(`sha256:${ARTIFACT_HEX}`)!),
    ).toBe(true);
    expect(
      subjectMatches([{ digest: { sha512: ARTIFACT_HEX } }], {
        algorithm: 'sha256',
        hex: ARTIFACT_HEX,
      }),
    ).toBe(false);
    expect(
      subjectMatches([{ digest: { sha256: `${ARTIFACT_HEX}00` } }], {
        algorithm: 'sha256',
        hex: ARTIFACT_HEX,
      }),
    ).toBe(false);
  });

  it('parses only full-length SHA-2 artifact digests', () => {
    expect(
      parseArtifactDigest(`sha256:${ARTIFACT_HEX.slice(1)}`),
    ).toBeUndefined();
    expect(parseArtifactDigest(`md5:${'a'.repeat(32)}`)).toBeUndefined();
    expect(parseArtifactDigest(`sha384:${'A'.repeat(96)}`)).toEqual({
      algorithm: 'sha384',
      hex: 'a'.repeat(96),
    });
  });
});
