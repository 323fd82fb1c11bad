import { junitOutcome, parseJUnit, sumJUnit } from './junit';

describe('parseJUnit', () => {
  it('reads totals from the <testsuites> root', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="42" failures="2" errors="1" time="3.2">
  <testsuite name="a" tests="40" failures="2" errors="1" skipped="0"/>
</testsuites>`;
    expect(parseJUnit(xml)).toEqual({
      name: 'jest tests',
      tests: 42,
      failures: 2,
      errors: 1,
      skipped: 0,
    });
  });

  it('adds up top-level <testsuite> elements when the root has no totals', () => {
    const xml = `<testsuites>
  <testsuite name='unit' tests='3' failures='1' errors='0' skipped='1'>
    <testcase name="x"/>
  </testsuite>
  <testsuite name="integration" tests="4" failures="0" errors="2" disabled="1"></testsuite>
</testsuites>`;
    expect(parseJUnit(xml)).toEqual({
      name: 'unit',
      tests: 7,
      failures: 1,
      errors: 2,
      skipped: 2,
    });
  });

  it('counts nested suites once, through the outermost one', () => {
    const xml = `<testsuite name="all" tests="5" failures="1">
  <testsuite name="inner" tests="5" failures="1"><testcase name="t"/></testsuite>
</testsuite>`;
    expect(parseJUnit(xml)).toMatchObject({ tests: 5, failures: 1 });
  });

  it('ignores markup inside comments and CDATA', () => {
    const xml = `<testsuite name="s" tests="2" failures="0">
  <!-- <testsuite tests="100" failures="100"> -->
  <testcase name="a"><system-out><![CDATA[<testsuite tests="9" failures="9">]]></system-out></testcase>
</testsuite>`;
    expect(parseJUnit(xml)).toMatchObject({ tests: 2, failures: 0 });
  });

  it('falls back to counting test cases', () => {
    const xml = `<testsuite name="s">
  <testcase name="a"/><testcase name="b"><failure message="x"/></testcase>
  <testcase name="c"><error/></testcase><testcase name="d"><skipped/></testcase>
</testsuite>`;
    expect(parseJUnit(xml)).toEqual({
      name: 's',
      tests: 4,
      failures: 1,
      errors: 1,
      skipped: 1,
    });
  });

  it('rejects files that are not JUnit reports', () => {
    expect(() => parseJUnit('<html><body/></html>')).toThrow(
      /not a JUnit XML report/,
    );
  });
});

describe('junitOutcome', () => {
  const base = { tests: 10, failures: 0, errors: 0, skipped: 0 };
  it('classifies a report', () => {
    expect(junitOutcome(base)).toBe('passed');
    expect(junitOutcome({ ...base, failures: 1, errors: 1 })).toBe('failed');
    expect(junitOutcome({ ...base, errors: 1 })).toBe('error');
    expect(junitOutcome({ ...base, skipped: 10 })).toBe('skipped');
    expect(junitOutcome({ ...base, tests: 0 })).toBe('skipped');
  });

  it('adds up reports', () => {
    expect(
      sumJUnit([
        { name: 'a', ...base },
        { name: 'b', tests: 2, failures: 1, errors: 0, skipped: 1 },
      ]),
    ).toEqual({ name: 'a', tests: 12, failures: 1, errors: 0, skipped: 1 });
  });
});

describe('parseJUnit on real-world reports', () => {
  it('reads a report whose attributes hold escaped markup', () => {
    const xml = `<?xml version="1.0"?>
<testsuites name="a &amp; b &lt;suite&gt;" tests="1" failures="1">
  <testsuite name="s" tests="1" failures="1">
    <testcase name="x"><failure message="expected &quot;1&quot; &gt; 2">trace</failure></testcase>
  </testsuite>
</testsuites>`;
    expect(parseJUnit(xml)).toEqual({
      name: 'a & b <suite>',
      tests: 1,
      failures: 1,
      errors: 0,
      skipped: 0,
    });
  });

  it('rejects a truncated report instead of counting what it could see', () => {
    expect(() =>
      parseJUnit('<testsuite name="s" tests="3"><testcase name="a">'),
    ).toThrow(/not a JUnit XML report/);
  });
});
