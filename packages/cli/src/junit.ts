import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Totals read from a JUnit XML report. */
export interface JUnitSummary {
  /** The report's name: `<testsuites name>`, else the first `<testsuite name>`. */
  name?: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

export type TestOutcome = 'passed' | 'failed' | 'error' | 'skipped';

type XmlElement = Record<string, unknown>;

// Attributes keep their names (no prefix) and stay strings: counts are checked below.
// Comments and CDATA are dropped, so markup quoted inside them is never counted.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
  processEntities: true,
});

function children(element: XmlElement, tag: string): XmlElement[] {
  const value = element[tag];
  if (!Array.isArray(value)) return [];
  return value.map(child => (typeof child === 'object' && child ? child : {}));
}

function count(element: XmlElement, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = element[name];
    if (typeof value === 'string' && /^\s*\d+(\.0+)?\s*$/.test(value)) {
      return Math.trunc(Number(value));
    }
  }
  return undefined;
}

function nameOf(element: XmlElement | undefined): string | undefined {
  const name = element?.name;
  return typeof name === 'string' && name ? name : undefined;
}

/** Every `<testcase>` under an element, at any depth of nested suites. */
function testCases(element: XmlElement): XmlElement[] {
  return [
    ...children(element, 'testcase'),
    ...children(element, 'testsuite').flatMap(testCases),
  ];
}

/**
 * Reads the totals of a JUnit XML report from the attributes of its
 * `<testsuites>` or `<testsuite>` elements (`tests`, `failures`, `errors`,
 * `skipped`). Nested suites are counted once, through their outermost suite;
 * when no suite carries counts, `<testcase>` elements are counted instead.
 */
export function parseJUnit(xml: string): JUnitSummary {
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    throw new Error(
      `not a JUnit XML report: ${validation.err.msg} (line ${validation.err.line})`,
    );
  }
  const document = parser.parse(xml) as XmlElement;
  const root = children(document, 'testsuites')[0];
  const suites = root
    ? children(root, 'testsuite')
    : children(document, 'testsuite');
  if (!root && suites.length === 0) {
    throw new Error(
      'not a JUnit XML report (no <testsuites> or <testsuite> element)',
    );
  }
  const name = nameOf(root) ?? nameOf(suites[0]);

  if (root && count(root, 'tests') !== undefined) {
    return {
      name,
      tests: count(root, 'tests') ?? 0,
      failures: count(root, 'failures') ?? 0,
      errors: count(root, 'errors') ?? 0,
      skipped: count(root, 'skipped', 'disabled') ?? 0,
    };
  }

  const counted = suites.filter(suite => count(suite, 'tests') !== undefined);
  if (counted.length > 0) {
    return counted.reduce<JUnitSummary>(
      (sum, suite) => ({
        name,
        tests: sum.tests + (count(suite, 'tests') ?? 0),
        failures: sum.failures + (count(suite, 'failures') ?? 0),
        errors: sum.errors + (count(suite, 'errors') ?? 0),
        skipped: sum.skipped + (count(suite, 'skipped', 'disabled') ?? 0),
      }),
      { name, tests: 0, failures: 0, errors: 0, skipped: 0 },
    );
  }

  const cases = (root ? [root] : suites).flatMap(testCases);
  const having = (tag: string) =>
    cases.filter(testCase => children(testCase, tag).length > 0).length;
  return {
    name,
    tests: cases.length,
    failures: having('failure'),
    errors: having('error'),
    skipped: having('skipped'),
  };
}

/** Adds up several reports, e.g. one per test shard. */
export function sumJUnit(summaries: JUnitSummary[]): JUnitSummary {
  return summaries.reduce<JUnitSummary>(
    (sum, s) => ({
      name: sum.name ?? s.name,
      tests: sum.tests + s.tests,
      failures: sum.failures + s.failures,
      errors: sum.errors + s.errors,
      skipped: sum.skipped + s.skipped,
    }),
    { name: undefined, tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
}

/**
 * The outcome of a report: `failed` when a test failed, `error` when tests
 * only errored, `skipped` when nothing ran, `passed` otherwise.
 */
export function junitOutcome(summary: JUnitSummary): TestOutcome {
  if (summary.failures > 0) return 'failed';
  if (summary.errors > 0) return 'error';
  if (summary.tests === 0 || summary.skipped >= summary.tests) return 'skipped';
  return 'passed';
}
