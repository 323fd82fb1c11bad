import { evaluateGate } from './evaluate';
import { parseOpenSlo } from './openslo';
import type { GateParseResult } from './openslo';
import type { ThresholdGate } from './types';

const prometheus = (query: string) => ({
  metricSource: { type: 'Prometheus', spec: { query } },
});
const latencyQuery =
  'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[{{.window}}])))';
const errorRatioQuery =
  'sum(rate(http_requests_total{code=~"5.."}[{{.window}}])) / sum(rate(http_requests_total[{{.window}}]))';
const units =
  'must be one of ratio, percent, seconds, milliseconds, requestsPerSecond, count';

function latencySlo(annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'openslo/v1',
    kind: 'SLO',
    metadata: { name: 'checkout-latency', annotations },
    spec: {
      service: 'checkout',
      indicator: { spec: { thresholdMetric: prometheus(latencyQuery) } },
      timeWindow: [{ duration: '28d', isRolling: true }],
      budgetingMethod: 'Timeslices',
      objectives: [{ displayName: 'p99', op: 'lt', value: 0.5 }],
    },
  };
}

const withGates = (gates: unknown[]) =>
  latencySlo({ 'greenlight.dev/gates': JSON.stringify(gates) });

function gatesOf(result: GateParseResult) {
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.gates as ThresholdGate[];
}

describe('gate units', () => {
  it('infers seconds for a latency quantile and takes the unit written in the gate list', () => {
    const [objective, errors] = gatesOf(
      parseOpenSlo(
        withGates([
          {
            name: 'error-ratio',
            kind: 'threshold',
            query: errorRatioQuery,
            comparator: '<',
            threshold: 0.02,
            unit: 'ratio',
          },
        ]),
      ),
    );
    expect(objective).toMatchObject({
      id: 'checkout-latency/p99',
      unit: 'seconds',
    });
    expect(errors).toMatchObject({
      id: 'checkout-latency/error-ratio',
      unit: 'ratio',
    });
  });

  it('lets the greenlight.dev/unit annotation name the unit of threshold objectives', () => {
    const [gate] = gatesOf(
      parseOpenSlo(latencySlo({ 'greenlight.dev/unit': 'milliseconds' })),
    );
    expect(gate.unit).toBe('milliseconds');
  });

  it('refuses an unknown unit, naming the field', () => {
    const entry = parseOpenSlo(
      withGates([
        {
          name: 'error-ratio',
          kind: 'threshold',
          query: errorRatioQuery,
          comparator: '<',
          threshold: 0.02,
          unit: 'percentage',
        },
      ]),
    );
    expect(entry).toMatchObject({
      ok: false,
      errors: [`SLO checkout-latency greenlight.dev/gates[0] unit: ${units}`],
    });
    const annotation = parseOpenSlo(latencySlo({ 'greenlight.dev/unit': 's' }));
    expect(annotation).toMatchObject({
      ok: false,
      errors: [`SLO checkout-latency greenlight.dev/unit: ${units}`],
    });
  });

  it('refuses a unit on a burn-rate gate, whose value is always a multiple of the budget rate', () => {
    const result = parseOpenSlo(
      withGates([
        {
          name: 'errors',
          kind: 'burn-rate',
          bad: 'sum(increase(errors[{{.window}}]))',
          total: 'sum(increase(requests[{{.window}}]))',
          objective: 0.999,
          unit: 'ratio',
        },
      ]),
    );
    expect(result).toMatchObject({
      ok: false,
      errors: [
        'SLO checkout-latency greenlight.dev/gates[0] unit: a burn-rate gate has no unit: its value is a multiple of the error budget rate',
      ],
    });
  });

  it('says the evidence of a threshold gate with its unit, and keeps the numbers it said it from', () => {
    const [, gate] = gatesOf(
      parseOpenSlo(
        withGates([
          {
            name: 'error-ratio',
            kind: 'threshold',
            query: errorRatioQuery,
            comparator: '<',
            threshold: 0.02,
            unit: 'ratio',
          },
        ]),
      ),
    );
    const evaluation = evaluateGate(gate, {
      value: {
        status: 'ok',
        samples: [{ labels: {}, value: 0.08275853897787058 }],
      },
    });
    expect(evaluation).toMatchObject({
      verdict: 'fail',
      value: 0.08275853897787058,
      threshold: 0.02,
      comparator: '<',
      unit: 'ratio',
      reason: '8.3% is above the 2% limit',
    });
  });
});

describe('canary-vs-baseline gates with a unit', () => {
  it('show the medians of their reason in the unit of their samples', () => {
    const result = parseOpenSlo(
      withGates([
        {
          name: 'latency-vs-baseline',
          kind: 'canary-vs-baseline',
          canary: 'latency{track="canary"}[{{.window}}]',
          baseline: 'latency{track="baseline"}[{{.window}}]',
          unit: 'seconds',
          minSampleSize: 3,
        },
      ]),
    );
    const gate = gatesOf(result)[1];
    const samples = (...values: number[]) => ({
      status: 'ok' as const,
      samples: values.map((value, i) => ({ labels: { i: `${i}` }, value })),
    });
    const evaluation = evaluateGate(gate, {
      canary: samples(0.8, 0.81, 0.82, 0.83, 0.84, 0.85),
      baseline: samples(0.3, 0.31, 0.32, 0.33, 0.34, 0.35),
    });
    expect(evaluation.verdict).toBe('fail');
    // Medians (0.82 + 0.83) / 2 = 0.825 s and (0.32 + 0.33) / 2 = 0.325 s.
    expect(evaluation.reason).toMatch(
      /^canary median 825 ms is significantly higher than baseline median 325 ms \(p=/,
    );
  });
});
