import { applyNoDataPolicy, evaluateGate } from './evaluate';
import { planGateQueries } from './queries';
import type {
  BurnRateGate,
  CanaryVsBaselineGate,
  GatePolicy,
  MetricQueryResult,
  ThresholdGate,
} from './types';

const policy = (overrides: Partial<GatePolicy> = {}): GatePolicy => ({
  intervalSeconds: 60,
  evaluations: 10,
  failureRule: { kind: 'consecutive', count: 2 },
  minTraffic: 0,
  noData: 'inconclusive',
  maxInconclusive: 2,
  shadow: false,
  ...overrides,
});

const ok = (...values: number[]): MetricQueryResult => ({
  status: 'ok',
  samples: values.map((value, i) => ({ labels: { pod: `p${i}` }, value })),
});
const prom = (query: string) => ({ provider: 'prometheus', query });

function thresholdGate(overrides: Partial<ThresholdGate> = {}): ThresholdGate {
  return {
    id: 'checkout/error-rate',
    name: 'error-rate',
    kind: 'threshold',
    metric: prom(
      'sum(rate(errors[{{.window}}])) / sum(rate(requests[{{.window}}]))',
    ),
    comparator: '<',
    threshold: 0.01,
    windowSeconds: 120,
    policy: policy(),
    ...overrides,
  };
}

describe('applyNoDataPolicy', () => {
  it('maps no-data by policy and underpowered to inconclusive', () => {
    expect(applyNoDataPolicy('no-data', { noData: 'fail' })).toBe('fail');
    expect(applyNoDataPolicy('no-data', { noData: 'inconclusive' })).toBe(
      'inconclusive',
    );
    expect(applyNoDataPolicy('no-data', { noData: 'ignore' })).toBe('ignored');
    expect(applyNoDataPolicy('underpowered', { noData: 'ignore' })).toBe(
      'inconclusive',
    );
    expect(applyNoDataPolicy('pass', { noData: 'fail' })).toBe('pass');
    expect(applyNoDataPolicy('fail', { noData: 'ignore' })).toBe('fail');
  });
});

describe('threshold gates', () => {
  it('renders the window into the query', () => {
    expect(planGateQueries(thresholdGate())).toEqual([
      {
        key: 'value',
        provider: 'prometheus',
        query: 'sum(rate(errors[2m])) / sum(rate(requests[2m]))',
      },
    ]);
  });

  it('passes below and fails above an error-rate threshold', () => {
    const pass = evaluateGate(thresholdGate(), { value: ok(0.004) });
    expect(pass).toMatchObject({
      verdict: 'pass',
      outcome: 'pass',
      value: 0.004,
      threshold: 0.01,
      samples: 1,
    });
    const fail = evaluateGate(thresholdGate(), { value: ok(0.02) });
    expect(fail).toMatchObject({
      verdict: 'fail',
      value: 0.02,
      reason: '0.02 is above the 0.01 limit',
    });
    // Exactly at the threshold: `<` fails, `<=` passes.
    expect(evaluateGate(thresholdGate(), { value: ok(0.01) }).verdict).toBe(
      'fail',
    );
    expect(
      evaluateGate(thresholdGate({ comparator: '<=' }), { value: ok(0.01) })
        .verdict,
    ).toBe('pass');
  });

  it('judges the worst series', () => {
    // p99 latency per pod: one pod at 0.31s breaks a 0.3s limit.
    const latency = thresholdGate({ threshold: 0.3 });
    expect(evaluateGate(latency, { value: ok(0.12, 0.31, 0.2) })).toMatchObject(
      { verdict: 'fail', value: 0.31, samples: 3 },
    );
    // A business success ratio must stay at or above 99%: the lowest series counts.
    const success = thresholdGate({ comparator: '>=', threshold: 0.99 });
    expect(evaluateGate(success, { value: ok(0.995, 0.98) })).toMatchObject({
      verdict: 'fail',
      value: 0.98,
    });
    expect(evaluateGate(success, { value: ok(0.995, 0.991) })).toMatchObject({
      verdict: 'pass',
      value: 0.991,
    });
  });

  it.each([
    ['NaN (0/0 without traffic)', ok(NaN)],
    ['an empty vector', ok()],
    ['a no-data result', { status: 'no-data' } as MetricQueryResult],
  ])('has no data for %s', (_, result) => {
    const evaluation = evaluateGate(thresholdGate(), { value: result });
    expect(evaluation).toMatchObject({
      verdict: 'no-data',
      outcome: 'inconclusive',
      value: null,
      samples: 0,
    });
  });

  it('ignores NaN series next to real values', () => {
    expect(
      evaluateGate(thresholdGate(), { value: ok(NaN, 0.002) }),
    ).toMatchObject({ verdict: 'pass', samples: 1 });
  });

  // A breach or a healthy zero must never read as silence: with `noData: ignore`
  // a breach read as no data is promoted, with `noData: fail` a healthy canary
  // read as no data is rolled back. Each row holds for every no-data policy.
  const latency = (
    comparator: ThresholdGate['comparator'],
    threshold: number,
  ) =>
    thresholdGate({
      id: 'checkout/latency-p99',
      metric: prom(
        'histogram_quantile(0.99, sum by (le) (rate(latency_bucket[{{.window}}])))',
      ),
      comparator,
      threshold,
    });
  it.each([
    {
      // histogram_quantile answers +Inf when the quantile lies above the top
      // finite bucket: the worst latency breach there is. +Inf < 0.5 is false.
      case: '+Inf p99 latency against < 0.5 s',
      gate: latency('<', 0.5),
      result: ok(Infinity),
      verdict: 'fail',
      value: Infinity,
    },
    {
      // Worst series of [0.2, +Inf] under "<" is max = +Inf → fail.
      case: '+Inf next to a healthy series',
      gate: latency('<', 0.5),
      result: ok(0.2, Infinity),
      verdict: 'fail',
      value: Infinity,
    },
    {
      // A success ratio of −Inf cannot be ≥ 0.99.
      case: '−Inf against >= 0.99',
      gate: thresholdGate({ comparator: '>=', threshold: 0.99 }),
      result: ok(-Infinity),
      verdict: 'fail',
      value: -Infinity,
    },
    {
      // (sum(5xx) or vector(0)) / sum(all): no 5xx series, 120 req/s →
      // 0 / 120 = 0, and 0 < 0.01 → pass.
      case: 'healthy zero error ratio',
      gate: thresholdGate(),
      result: ok(0 / 120),
      verdict: 'pass',
      value: 0,
    },
  ])('$case → $verdict under every no-data policy', c => {
    for (const noData of ['fail', 'inconclusive', 'ignore'] as const) {
      const evaluation = evaluateGate(
        { ...c.gate, policy: policy({ noData }) },
        { value: c.result },
      );
      expect(evaluation).toMatchObject({
        verdict: c.verdict,
        outcome: c.verdict,
        value: c.value,
      });
    }
  });

  it('applies the no-data policy', () => {
    const result = { value: ok(NaN) };
    expect(
      evaluateGate(
        thresholdGate({ policy: policy({ noData: 'fail' }) }),
        result,
      ).outcome,
    ).toBe('fail');
    expect(
      evaluateGate(
        thresholdGate({ policy: policy({ noData: 'ignore' }) }),
        result,
      ).outcome,
    ).toBe('ignored');
  });

  it('treats traffic below the minimum as no data', () => {
    const gate = thresholdGate({
      traffic: prom('sum(increase(requests[{{.window}}]))'),
      policy: policy({ minTraffic: 100 }),
    });
    expect(planGateQueries(gate)[1]).toEqual({
      key: 'traffic',
      provider: 'prometheus',
      query: 'sum(increase(requests[1m]))',
    });
    // Zero traffic: a 0% error rate over no requests proves nothing.
    const idle = evaluateGate(gate, { value: ok(0), traffic: ok(0) });
    expect(idle).toMatchObject({
      verdict: 'no-data',
      reason: 'traffic 0 is below the minimum of 100',
    });
    expect(evaluateGate(gate, { value: ok(0), traffic: ok(NaN) }).verdict).toBe(
      'no-data',
    );
    // Traffic is summed over series: 60 + 50 = 110 ≥ 100.
    expect(
      evaluateGate(gate, { value: ok(0.001), traffic: ok(60, 50) }).verdict,
    ).toBe('pass');
  });

  it('is inconclusive when the provider fails or a result is missing', () => {
    const failed = evaluateGate(
      thresholdGate({ policy: policy({ noData: 'fail' }) }),
      {
        value: { status: 'error', message: 'bad_data: parse error' },
      },
    );
    expect(failed).toMatchObject({
      verdict: 'inconclusive',
      outcome: 'inconclusive',
    });
    expect(failed.reason).toContain('bad_data: parse error');
    expect(evaluateGate(thresholdGate(), {}).reason).toContain(
      'no result for query "value"',
    );
  });
});

describe('burn-rate gates', () => {
  const gate: BurnRateGate = {
    id: 'checkout/availability',
    name: 'availability',
    kind: 'burn-rate',
    ratio: {
      type: 'bad',
      bad: prom('sum(increase(errors[{{.window}}]))'),
      total: prom('sum(increase(requests[{{.window}}]))'),
    },
    objective: 0.999,
    windows: [{ longSeconds: 3600, shortSeconds: 300, factor: 14.4 }],
    policy: policy(),
  };
  const results = (long: [number, number], short: [number, number]) => ({
    'bad@1h': ok(long[0]),
    'total@1h': ok(long[1]),
    'bad@5m': ok(short[0]),
    'total@5m': ok(short[1]),
  });

  it('plans one numerator and one total query per window length', () => {
    expect(planGateQueries(gate).map(q => `${q.key}=${q.query}`)).toEqual([
      'bad@1h=sum(increase(errors[1h]))',
      'total@1h=sum(increase(requests[1h]))',
      'bad@5m=sum(increase(errors[5m]))',
      'total@5m=sum(increase(requests[5m]))',
    ]);
  });

  it('fails a sustained breach that both windows see', () => {
    // 1h: 30/1000 = 3% errors → 0.03/0.001 = 30×; 5m: 2/100 = 2% → 20×; both > 14.4.
    const evaluation = evaluateGate(gate, results([30, 1000], [2, 100]));
    expect(evaluation.verdict).toBe('fail');
    expect(evaluation.value).toBeCloseTo(20, 6);
    expect(evaluation.threshold).toBe(14.4);
    expect(evaluation.reason).toMatch(
      'burn rates 30× over 1h and 20× over 5m both exceed 14.4×',
    );
  });

  it('passes a short spike the long window does not confirm', () => {
    // 1h: 10/1000 = 1% → 10×; 5m: 5/100 = 5% → 50×. Only the short window is above 14.4.
    const evaluation = evaluateGate(gate, results([10, 1000], [5, 100]));
    expect(evaluation.verdict).toBe('pass');
    expect(evaluation.value).toBeCloseTo(10, 6);
  });

  const good: BurnRateGate = {
    ...gate,
    ratio: {
      type: 'good',
      good: prom('good[{{.window}}]'),
      total: prom('total[{{.window}}]'),
    },
  };

  it('reads good/total ratios too', () => {
    // 970 good of 1000 → 3% errors → 30×; 98 of 100 → 2% → 20×.
    const evaluation = evaluateGate(good, {
      'good@1h': ok(970),
      'total@1h': ok(1000),
      'good@5m': ok(98),
      'total@5m': ok(100),
    });
    expect(evaluation.verdict).toBe('fail');
  });

  it('has no data when a window had no traffic', () => {
    // 0/0 in the last 5 minutes: the error ratio is unknown, not 0%.
    expect(evaluateGate(gate, results([30, 1000], [0, 0])).verdict).toBe(
      'no-data',
    );
    expect(
      evaluateGate(gate, {
        ...results([30, 1000], [2, 100]),
        'bad@5m': ok(NaN),
      }).verdict,
    ).toBe('no-data');
  });

  // The numerator series of a healthy service do not exist at all: Prometheus
  // has no `code=~"5.."` series to sum, so the query answers an empty vector.
  // Only a missing or zero denominator (no traffic) is no data.
  it.each([
    {
      // bad: nothing; total 1000 and 100 → 0/1000 = 0 and 0/100 = 0, burn 0×.
      case: 'empty numerator with traffic',
      bad: { status: 'no-data' } as MetricQueryResult,
      total: ok(1000),
      verdict: 'pass',
      value: 0,
    },
    {
      case: 'empty numerator vector with traffic',
      bad: ok(),
      total: ok(1000),
      verdict: 'pass',
      value: 0,
    },
    {
      // bad: nothing; total: nothing → no traffic to judge.
      case: 'no traffic at all',
      bad: { status: 'no-data' } as MetricQueryResult,
      total: { status: 'no-data' } as MetricQueryResult,
      verdict: 'no-data',
      value: null,
    },
    {
      // total 0 → 0/0, unknown.
      case: 'zero traffic',
      bad: { status: 'no-data' } as MetricQueryResult,
      total: ok(0),
      verdict: 'no-data',
      value: null,
    },
  ])('$case → $verdict', c => {
    const evaluation = evaluateGate(
      { ...gate, policy: policy({ noData: 'fail' }) },
      {
        'bad@1h': c.bad,
        'total@1h': c.total,
        'bad@5m': c.bad,
        'total@5m': c.total.status === 'ok' ? ok(100) : c.total,
      },
    );
    expect(evaluation.verdict).toBe(c.verdict);
    expect(evaluation.value).toBe(c.value);
  });

  it('reads an empty good count with traffic as every request failing', () => {
    // good: nothing of 1000 → error ratio 1 → burn 1/0.001 = 1000× > 14.4.
    const evaluation = evaluateGate(good, {
      'good@1h': { status: 'no-data' },
      'total@1h': ok(1000),
      'good@5m': { status: 'no-data' },
      'total@5m': ok(100),
    });
    expect(evaluation.verdict).toBe('fail');
    expect(evaluation.value).toBeCloseTo(1000, 6);
  });

  it('still fails on one firing pair while another pair has no data', () => {
    const twoPairs: BurnRateGate = {
      ...gate,
      windows: [
        ...gate.windows,
        { longSeconds: 21600, shortSeconds: 1800, factor: 6 },
      ],
    };
    const evaluation = evaluateGate(twoPairs, {
      ...results([30, 1000], [2, 100]),
      'bad@6h': ok(NaN),
      'total@6h': ok(0),
      'bad@30m': ok(1),
      'total@30m': ok(10),
    });
    expect(evaluation.verdict).toBe('fail');
  });

  it('checks traffic over one interval against the minimum', () => {
    const guarded: BurnRateGate = {
      ...gate,
      traffic: gate.ratio.total,
      policy: policy({ minTraffic: 50 }),
    };
    expect(planGateQueries(guarded).at(-1)).toEqual({
      key: 'traffic',
      provider: 'prometheus',
      query: 'sum(increase(requests[1m]))',
    });
    const quiet = evaluateGate(guarded, {
      ...results([30, 1000], [2, 100]),
      traffic: ok(20),
    });
    expect(quiet).toMatchObject({
      verdict: 'no-data',
      reason: 'traffic 20 is below the minimum of 50',
    });
  });
});

describe('canary-vs-baseline gates', () => {
  const gate = (
    overrides: Partial<CanaryVsBaselineGate> = {},
  ): CanaryVsBaselineGate => ({
    id: 'checkout/latency',
    name: 'latency',
    kind: 'canary-vs-baseline',
    canary: prom('latency{track="canary"}[{{.window}}]'),
    baseline: prom('latency{track="baseline"}[{{.window}}]'),
    direction: 'lower-is-better',
    alpha: 0.1,
    minSampleSize: 4,
    allowedEffect: 0,
    windowSeconds: 300,
    policy: policy(),
    ...overrides,
  });
  // The scipy worked example again: canary U = 17 of 20, exact one-sided p = 7/126 = 0.0556.
  const canary = ok(19, 22, 16, 29, 24);
  const baseline = ok(20, 11, 17, 12);

  it('fails when the canary is significantly worse', () => {
    const evaluation = evaluateGate(gate(), { canary, baseline });
    expect(evaluation.verdict).toBe('fail');
    expect(evaluation.value).toBeCloseTo(7 / 126, 10);
    expect(evaluation.threshold).toBe(0.1);
    expect(evaluation.samples).toBe(9);
    expect(evaluation.details).toMatchObject({
      u1: 17,
      canaryMedian: 22,
      baselineMedian: 14.5,
    });
  });

  it('passes when the difference is not significant at alpha', () => {
    expect(
      evaluateGate(gate({ alpha: 0.05 }), { canary, baseline }).verdict,
    ).toBe('pass');
  });

  it('tolerates the allowed effect', () => {
    // Baseline median 14.5; a 50% allowance shifts the baseline by 7.25 to
    // 18.25, 19.25, 24.25, 27.25. Canary U against that is 0+1+2+2+4 = 9 < 10 = n1·n2/2.
    const evaluation = evaluateGate(gate({ allowedEffect: 0.5 }), {
      canary,
      baseline,
    });
    expect(evaluation.verdict).toBe('pass');
    expect(evaluation.details).toMatchObject({ u1: 9, tolerance: 7.25 });
  });

  it('fails a lower canary when higher is better', () => {
    const throughput = gate({ direction: 'higher-is-better' });
    expect(
      evaluateGate(throughput, { canary: baseline, baseline: canary }).verdict,
    ).toBe('fail');
    expect(evaluateGate(throughput, { canary, baseline }).verdict).toBe('pass');
  });

  it('is underpowered, never passing, with too few samples', () => {
    const evaluation = evaluateGate(gate({ minSampleSize: 8 }), {
      canary,
      baseline,
    });
    expect(evaluation).toMatchObject({
      verdict: 'underpowered',
      outcome: 'inconclusive',
      value: null,
    });
  });

  it('has no data without samples on either side', () => {
    expect(
      evaluateGate(gate(), { canary: ok(NaN, NaN), baseline }).reason,
    ).toBe('no samples for canary');
    expect(
      evaluateGate(gate(), { canary, baseline: { status: 'no-data' } }).verdict,
    ).toBe('no-data');
  });
});
