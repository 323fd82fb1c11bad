import {
  conformanceCases,
  ConformanceOutcome,
  runConformanceCase,
} from './__testUtils__/conformanceCorpus';

/**
 * The bundle-verification corpus of the Sigstore conformance suite
 * (`__testUtils__/sigstore-conformance/README.md`), run through Greenlight's
 * bundle verifier. No `_fail` case may ever verify; every other case must,
 * except the few below that exercise something Greenlight deliberately does
 * not accept. Each of those must still be refused for exactly that reason,
 * so that the list shrinks if support is ever added.
 */
const V01_REFUSED: ConformanceOutcome = {
  verified: false,
  status: 'unverifiable',
  reason:
    'unsupported sigstore bundle media type application/vnd.dev.sigstore.bundle+json;version=0.1',
};

const DELIBERATELY_UNSUPPORTED: Record<
  string,
  { why: string; outcome: ConformanceOutcome }
> = {
  'happy-path-v0.1': {
    why: 'v0.1 bundles need no inclusion proof; Greenlight requires one (bundles v0.2 and later)',
    outcome: V01_REFUSED,
  },
  'trust-root-tlog-validity-end-inclusive': {
    why: 'a v0.1 bundle, refused for the same reason before its trust root is looked at',
    outcome: V01_REFUSED,
  },
};

const cases = conformanceCases();
const outcomes = new Map(
  cases.map(testCase => [testCase.name, runConformanceCase(testCase)]),
);

describe('Sigstore conformance: bundle verification', () => {
  it('holds the whole corpus', () => {
    expect(cases).toHaveLength(70);
    expect(cases.filter(c => c.mustFail)).toHaveLength(49);
  });

  it.each(cases.filter(c => c.mustFail).map(c => c.name))(
    '%s is never verified',
    name => {
      expect(outcomes.get(name)).toMatchObject({ verified: false });
    },
  );

  it.each(
    cases
      .filter(c => !c.mustFail && !DELIBERATELY_UNSUPPORTED[c.name])
      .map(c => c.name),
  )('%s is verified', name => {
    expect(outcomes.get(name)).toEqual({ verified: true });
  });

  it.each(Object.entries(DELIBERATELY_UNSUPPORTED))(
    '%s is refused on purpose: %s',
    (name, { outcome }) => {
      const testCase = cases.find(c => c.name === name);
      expect(testCase?.mustFail).toBe(false);
      expect(outcomes.get(name)).toEqual(outcome);
    },
  );
});
