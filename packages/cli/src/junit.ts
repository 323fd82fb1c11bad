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

type Attributes = Record<string, string>;

function attributes(source: string): Attributes {
  const result: Attributes = {};
  const pattern = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (const match of source.matchAll(pattern)) {
    result[match[1]] = match[2] ?? match[3] ?? '';
  }
  return result;
}

function count(attrs: Attributes, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = attrs[name];
    if (value !== undefined && /^\s*\d+(\.0+)?\s*$/.test(value)) {
      return Math.trunc(Number(value));
    }
  }
  return undefined;
}

/**
 * Reads the totals of a JUnit XML report from the attributes of its
 * `<testsuites>` or `<testsuite>` elements (`tests`, `failures`, `errors`,
 * `skipped`). Nested suites are counted once, through their outermost suite;
 * when no suite carries counts, `<testcase>` elements are counted instead.
 * This is a tolerant scan, not a full XML parser.
 */
export function parseJUnit(xml: string): JUnitSummary {
  const text = xml
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');

  const root = /<testsuites\b([^>]*?)\/?>/.exec(text);
  const rootAttrs = root ? attributes(root[1]) : {};
  let name: string | undefined = rootAttrs.name || undefined;

  if (root && count(rootAttrs, 'tests') !== undefined) {
    return {
      name: name ?? firstSuiteName(text),
      tests: count(rootAttrs, 'tests') ?? 0,
      failures: count(rootAttrs, 'failures') ?? 0,
      errors: count(rootAttrs, 'errors') ?? 0,
      skipped: count(rootAttrs, 'skipped', 'disabled') ?? 0,
    };
  }

  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  let depth = 0;
  let suitesWithCounts = 0;
  for (const match of text.matchAll(/<(\/?)testsuite\b([^>]*?)(\/?)>/g)) {
    const [, closing, attrSource, selfClosing] = match;
    if (closing) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth === 0) {
      const attrs = attributes(attrSource);
      name ??= attrs.name || undefined;
      const tests = count(attrs, 'tests');
      if (tests !== undefined) {
        suitesWithCounts += 1;
        totals.tests += tests;
        totals.failures += count(attrs, 'failures') ?? 0;
        totals.errors += count(attrs, 'errors') ?? 0;
        totals.skipped += count(attrs, 'skipped', 'disabled') ?? 0;
      }
    }
    if (!selfClosing) depth += 1;
  }
  if (suitesWithCounts > 0) return { name, ...totals };

  if (!/<testsuites?\b|<testcase\b/.test(text)) {
    throw new Error(
      'not a JUnit XML report (no <testsuites>, <testsuite> or <testcase> element)',
    );
  }
  return {
    name,
    tests: (text.match(/<testcase\b/g) ?? []).length,
    failures: (text.match(/<failure\b/g) ?? []).length,
    errors: (text.match(/<error\b/g) ?? []).length,
    skipped: (text.match(/<skipped\b/g) ?? []).length,
  };
}

function firstSuiteName(text: string): string | undefined {
  const suite = /<testsuite\b([^>]*?)\/?>/.exec(text);
  return (suite && attributes(suite[1]).name) || undefined;
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
