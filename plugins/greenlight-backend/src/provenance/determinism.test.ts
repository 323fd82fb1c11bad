import fc from 'fast-check';
import { canonicalJson } from './canonical-json';
import { assessDeterminism, BuildRecord, canonicalInputs } from './determinism';

const inputs = {
  externalParameters: {
    workflow: {
      repository: 'https://github.com/acme/payments',
      ref: 'refs/tags/v1',
    },
  },
  resolvedDependencies: [
    {
      uri: 'git+https://github.com/acme/payments@refs/tags/v1',
      digest: { gitCommit: 'c1' },
    },
    { uri: 'pkg:npm/left-pad@1.3.0', digest: { sha512: 'ab' } },
  ],
};

// The same inputs as another builder reports them: other key order, other
// dependency order.
const reorderedInputs = {
  resolvedDependencies: [
    { digest: { sha512: 'ab' }, uri: 'pkg:npm/left-pad@1.3.0' },
    {
      digest: { gitCommit: 'c1' },
      uri: 'git+https://github.com/acme/payments@refs/tags/v1',
    },
  ],
  externalParameters: {
    workflow: {
      ref: 'refs/tags/v1',
      repository: 'https://github.com/acme/payments',
    },
  },
};

function build(
  buildId: string,
  builderId: string,
  artifactDigest: string,
  overrides: Partial<BuildRecord> = {},
): BuildRecord {
  return {
    buildId,
    commitSha: 'c1',
    builderId,
    inputs,
    artifactDigest,
    ...overrides,
  };
}

const byId = (builds: BuildRecord[]) =>
  Object.fromEntries(assessDeterminism(builds).map(v => [v.buildId, v]));

describe('assessDeterminism', () => {
  it('flags the same inputs producing different digests', () => {
    const verdicts = byId([
      build('b1', 'https://ci.example/a', 'sha256:111'),
      build('b2', 'https://ci.example/b', 'sha256:222', {
        inputs: reorderedInputs,
      }),
    ]);
    expect(verdicts.b1.status).toBe('non-reproducible');
    expect(verdicts.b2).toMatchObject({
      status: 'non-reproducible',
      inputs: canonicalInputs(inputs),
      outputs: [
        {
          artifactDigest: 'sha256:111',
          buildIds: ['b1'],
          builderIds: ['https://ci.example/a'],
        },
        {
          artifactDigest: 'sha256:222',
          buildIds: ['b2'],
          builderIds: ['https://ci.example/b'],
        },
      ],
    });
    expect(verdicts.b1.inputsKey).toBe(verdicts.b2.inputsKey);
  });

  it('confirms a digest rebuilt by two independent builders', () => {
    const verdicts = byId([
      build('b1', 'https://ci.example/a', 'sha256:111'),
      build('b2', 'https://rebuilder.example/x', 'sha256:111', {
        inputs: reorderedInputs,
      }),
    ]);
    expect(verdicts.b1.status).toBe('reproduced');
    expect(verdicts.b2.outputs).toEqual([
      {
        artifactDigest: 'sha256:111',
        buildIds: ['b1', 'b2'],
        builderIds: ['https://ci.example/a', 'https://rebuilder.example/x'],
      },
    ]);
  });

  it('does not count one builder repeating itself as reproduced', () => {
    const verdicts = byId([
      build('b1', 'https://ci.example/a', 'sha256:111'),
      build('b2', 'https://ci.example/a', 'sha256:111'),
    ]);
    expect(verdicts.b1.status).toBe('single-build');
  });

  it('keeps different inputs and different commits apart', () => {
    const verdicts = byId([
      build('b1', 'https://ci.example/a', 'sha256:111'),
      build('b2', 'https://ci.example/b', 'sha256:222', {
        inputs: {
          ...inputs,
          externalParameters: { workflow: { ref: 'refs/tags/v2' } },
        },
      }),
      build('b3', 'https://ci.example/b', 'sha256:333', { commitSha: 'c2' }),
      build('b4', 'https://ci.example/b', 'sha256:444', { inputs: undefined }),
      build('b5', 'https://ci.example/c', 'sha256:555', { inputs: undefined }),
    ]);
    expect(Object.values(verdicts).map(v => v.status)).toEqual([
      'single-build',
      'single-build',
      'single-build',
      'single-build',
      'single-build',
    ]);
  });

  it('groups by a reported inputs digest', () => {
    const verdicts = byId([
      build('b1', 'a', 'sha256:111', {
        inputs: undefined,
        inputsDigest: 'sha256:IN',
      }),
      build('b2', 'b', 'sha256:222', {
        inputs: undefined,
        inputsDigest: 'sha256:in',
      }),
    ]);
    expect(verdicts.b1.status).toBe('non-reproducible');
  });
});

describe('canonicalJson', () => {
  it('does not depend on key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), record => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
      }),
    );
  });

  it('is valid JSON that parses back to an equal value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), value => {
        expect(JSON.parse(canonicalJson(value))).toEqual(
          JSON.parse(JSON.stringify(value)),
        );
      }),
    );
  });
});
