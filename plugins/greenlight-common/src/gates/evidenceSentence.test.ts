import {
  formatGateThreshold,
  formatGateValue,
  gateEvidenceSentence,
  type GateEvidence,
} from './evidenceSentence';

// Worked on paper: a ratio is multiplied by 100; from 100 up a value is rounded to whole, from
// 1 to one decimal, below 1 to three significant digits; a threshold keeps four significant
// digits.
const sentences: Array<[GateEvidence, string]> = [
  [
    {
      value: 0.08275853897787058,
      threshold: 0.02,
      comparator: '<',
      unit: 'ratio',
      verdict: 'fail',
    },
    '8.3% is above the 2% limit',
  ],
  [
    {
      value: 0.08275853897787058,
      threshold: 0.02,
      comparator: '<',
      verdict: 'fail',
    },
    '0.0828 is above the 0.02 limit',
  ],
  [
    {
      value: 412,
      threshold: 500,
      comparator: '<',
      unit: 'milliseconds',
      verdict: 'pass',
    },
    '412 ms is within the 500 ms limit',
  ],
  [
    {
      value: 0.412,
      threshold: 0.5,
      comparator: '<=',
      unit: 'seconds',
      verdict: 'pass',
    },
    '412 ms is within the 500 ms limit',
  ],
  [
    {
      value: 0.5,
      threshold: 0.5,
      comparator: '<=',
      unit: 'seconds',
      verdict: 'pass',
    },
    '500 ms is at the 500 ms limit',
  ],
  [
    {
      value: 500,
      threshold: 500,
      comparator: '<',
      unit: 'milliseconds',
      verdict: 'fail',
    },
    '500 ms is at the 500 ms limit, which it must stay below',
  ],
  [
    {
      value: 0.7,
      threshold: 0.5,
      comparator: '<=',
      unit: 'seconds',
      verdict: 'fail',
    },
    '700 ms is above the 500 ms limit',
  ],
  [
    {
      value: 0.9951,
      threshold: 0.99,
      comparator: '>',
      unit: 'ratio',
      verdict: 'pass',
    },
    '99.5% is above the 99% minimum',
  ],
  [
    {
      value: 98.76,
      threshold: 99.5,
      comparator: '>=',
      unit: 'percent',
      verdict: 'fail',
    },
    '98.8% is below the 99.5% minimum',
  ],
  [
    {
      value: 10,
      threshold: 10,
      comparator: '>',
      unit: 'count',
      verdict: 'fail',
    },
    '10 is at the 10 minimum, which it must stay above',
  ],
  [
    {
      value: 10,
      threshold: 10,
      comparator: '>=',
      unit: 'count',
      verdict: 'pass',
    },
    '10 is at the 10 minimum',
  ],
  [
    {
      value: 3,
      threshold: 10,
      comparator: '>',
      unit: 'count',
      verdict: 'fail',
    },
    '3 is below the 10 minimum',
  ],
  [
    {
      value: 1234.5,
      threshold: 1000,
      comparator: '>=',
      unit: 'requestsPerSecond',
      verdict: 'pass',
    },
    '1,235 req/s is above the 1,000 req/s minimum',
  ],
  [
    {
      value: 1234.5,
      threshold: 1000,
      comparator: '<',
      unit: 'milliseconds',
      verdict: 'fail',
    },
    '1.2 s is above the 1 s limit',
  ],
  [
    { value: 123456.7, threshold: 100000, comparator: '<', verdict: 'fail' },
    '123,457 is above the 100,000 limit',
  ],
  [
    {
      value: 0.0004567,
      threshold: 0.001,
      comparator: '<',
      unit: 'seconds',
      verdict: 'pass',
    },
    '0.457 ms is within the 1 ms limit',
  ],
  [
    {
      value: 0.013,
      threshold: 0.0125,
      comparator: '<',
      unit: 'ratio',
      verdict: 'fail',
    },
    '1.3% is above the 1.25% limit',
  ],
  [
    {
      value: 0.02004,
      threshold: 0.02,
      comparator: '<',
      unit: 'ratio',
      verdict: 'fail',
    },
    '2.004% is above the 2% limit',
  ],
  [
    {
      value: Infinity,
      threshold: 0.3,
      comparator: '<',
      unit: 'seconds',
      verdict: 'fail',
    },
    '∞ (above every bucket) is above the 300 ms limit',
  ],
  [
    { value: -Infinity, threshold: 5, comparator: '>', verdict: 'fail' },
    '−∞ (below every bucket) is below the 5 minimum',
  ],
  [
    {
      value: NaN,
      threshold: 0.02,
      comparator: '<',
      unit: 'ratio',
      verdict: 'no-data',
    },
    'no value to compare with the 2% limit',
  ],
  [
    {
      value: null,
      threshold: 0.02,
      comparator: '<',
      unit: 'ratio',
      verdict: 'no-data',
    },
    'no value to compare with the 2% limit',
  ],
  [{ value: 0.05, threshold: null, comparator: '<', unit: 'ratio' }, '5%'],
  [
    {
      value: 3,
      threshold: 2,
      comparator: '<',
      unit: 'furlongs',
      verdict: 'fail',
    },
    '3 is above the 2 limit',
  ],
  [
    { value: -0.25, threshold: 0, comparator: '>=', verdict: 'fail' },
    '-0.25 is below the 0 minimum',
  ],
];

describe('gateEvidenceSentence', () => {
  it.each(sentences)('says %j as "%s"', (evidence, expected) => {
    expect(gateEvidenceSentence(evidence)).toBe(expected);
  });
});

describe('formatGateValue and formatGateThreshold', () => {
  it.each([
    [15.2, 'burnRate', '15.2×'],
    [30, 'burnRate', '30×'],
    [0.08275853897787058, 'ratio', '8.3%'],
    [0.999, 'ratio', '99.9%'],
    [0, 'seconds', '0 s'],
    [2.25, 'seconds', '2.3 s'],
    [99.96, undefined, '100'],
    [0.99996, undefined, '1'],
  ] as const)('shows the value %p in %p as %p', (value, unit, expected) => {
    expect(formatGateValue(value, unit)).toBe(expected);
  });

  it('keeps a written threshold as written, up to four significant digits', () => {
    expect(formatGateThreshold(14.4, 'burnRate')).toBe('14.4×');
    expect(formatGateThreshold(0.0125, 'ratio')).toBe('1.25%');
    expect(formatGateThreshold(0.3, 'seconds')).toBe('300 ms');
    expect(formatGateThreshold(1500, 'milliseconds')).toBe('1.5 s');
    expect(formatGateThreshold(0.123456)).toBe('0.1235');
  });
});
