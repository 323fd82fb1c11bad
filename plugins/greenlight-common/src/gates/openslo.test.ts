import {
  parseOpenSlo,
  parseOpenSloDocuments,
  type GateParseResult,
} from './openslo';
import type {
  BurnRateGate,
  CanaryVsBaselineGate,
  GateDefinition,
  ThresholdGate,
} from './types';

const prometheus = (query: string) => ({
  metricSource: { type: 'Prometheus', spec: { query } },
});

const errorsQuery =
  'sum(increase(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))';
const totalQuery =
  'sum(increase(http_requests_total{job="checkout"}[{{ .window }}]))';

function availabilitySlo(
  annotations: Record<string, string> = {},
  objective: Record<string, unknown> = {},
) {
  return {
    apiVersion: 'openslo/v1',
    kind: 'SLO',
    metadata: { name: 'checkout-availability', annotations },
    spec: {
      service: 'checkout',
      indicator: {
        metadata: { name: 'checkout-errors' },
        spec: {
          ratioMetric: {
            counter: true,
            bad: prometheus(errorsQuery),
            total: prometheus(totalQuery),
          },
        },
      },
      timeWindow: [{ duration: '28d', isRolling: true }],
      budgetingMethod: 'Occurrences',
      objectives: [
        { displayName: 'Availability', target: 0.999, ...objective },
      ],
    },
  };
}

function gatesOf(result: GateParseResult): GateDefinition[] {
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.gates;
}

function errorsOf(result: GateParseResult): string[] {
  return result.ok ? [] : result.errors;
}

describe('parseOpenSlo', () => {
  it('turns a ratio SLO into a burn-rate gate with annotation settings', () => {
    const [gate] = gatesOf(
      parseOpenSlo(
        availabilitySlo({
          'greenlight.dev/interval': '30s',
          'greenlight.dev/evaluations': '20',
          'greenlight.dev/failure-rule': 'consecutive:3',
          'greenlight.dev/min-traffic': '50',
          'greenlight.dev/no-data': 'fail',
          'greenlight.dev/shadow': 'true',
        }),
      ),
    ) as BurnRateGate[];
    expect(gate).toMatchObject({
      id: 'checkout-availability/availability',
      kind: 'burn-rate',
      slo: 'checkout-availability',
      service: 'checkout',
      objective: 0.999,
      ratio: {
        type: 'bad',
        bad: { provider: 'prometheus', query: errorsQuery },
      },
      traffic: { provider: 'prometheus', query: totalQuery },
      policy: {
        intervalSeconds: 30,
        evaluations: 20,
        failureRule: { kind: 'consecutive', count: 3 },
        minTraffic: 50,
        noData: 'fail',
        maxInconclusive: 2,
        shadow: true,
      },
    });
    // Default windows are the workbook's paging budget shares over the SLO's 28 days:
    // 2% in 1h → 0.02·672 = 13.44, 5% in 6h → 0.05·672/6 = 5.6. The rollout lasts
    // 20 × 30s = 600s, so windows shrink by 600/21600 = 1/36: 1h → 100s, 6h → 600s,
    // 5m → 8.3s and 30m → 50s, both raised to the 60s minimum window.
    expect(gate.windows).toHaveLength(2);
    expect(gate.windows[0]).toMatchObject({
      longSeconds: 100,
      shortSeconds: 60,
    });
    expect(gate.windows[0].factor).toBeCloseTo(13.44, 9);
    expect(gate.windows[1]).toMatchObject({
      longSeconds: 600,
      shortSeconds: 60,
    });
    expect(gate.windows[1].factor).toBeCloseTo(5.6, 9);
  });

  it('applies built-in defaults, then installation defaults, then annotations', () => {
    const [plain] = gatesOf(parseOpenSlo(availabilitySlo()));
    expect(plain.policy).toEqual({
      intervalSeconds: 60,
      evaluations: 10,
      failureRule: { kind: 'k-of-n', k: 2, n: 3 },
      minTraffic: 0,
      noData: 'inconclusive',
      maxInconclusive: 2,
      shadow: false,
    });
    const production = {
      defaults: { noData: 'fail' as const, evaluations: 15 },
    };
    const [strict] = gatesOf(parseOpenSlo(availabilitySlo(), production));
    expect(strict.policy).toMatchObject({ noData: 'fail', evaluations: 15 });
    const [overridden] = gatesOf(
      parseOpenSlo(
        availabilitySlo({ 'greenlight.dev/no-data': 'ignore' }),
        production,
      ),
    );
    expect(overridden.policy.noData).toBe('ignore');
  });

  it('reads explicit window pairs as factors or budget shares', () => {
    const [gate] = gatesOf(
      parseOpenSlo(
        availabilitySlo({
          'greenlight.dev/burn-rate-windows': '10m/1m/14.4, 30m/5m/5%',
          'greenlight.dev/evaluations': '30',
        }),
      ),
    ) as BurnRateGate[];
    // 30 × 60s = 1800s is as long as the longest window: no scaling.
    // 5% of 28 days within 30 minutes: 0.05 · 672h / 0.5h = 67.2.
    expect(gate.windows[0]).toEqual({
      longSeconds: 600,
      shortSeconds: 60,
      factor: 14.4,
    });
    expect(gate.windows[1].longSeconds).toBe(1800);
    expect(gate.windows[1].factor).toBeCloseTo(67.2, 9);
  });

  it('accepts targetPercent and k-of-n rules written with "of"', () => {
    const slo = availabilitySlo(
      { 'greenlight.dev/failure-rule': '3 of 5' },
      { target: undefined, targetPercent: 99.5 },
    );
    const [gate] = gatesOf(parseOpenSlo(slo)) as BurnRateGate[];
    expect(gate.objective).toBeCloseTo(0.995, 12);
    expect(gate.policy.failureRule).toEqual({ kind: 'k-of-n', k: 3, n: 5 });
  });

  it('resolves indicatorRef and metricSourceRef across documents for threshold SLIs', () => {
    const result = parseOpenSloDocuments([
      {
        apiVersion: 'openslo/v1',
        kind: 'DataSource',
        metadata: { name: 'metrics' },
        spec: { type: 'Prometheus' },
      },
      {
        apiVersion: 'openslo/v1',
        kind: 'SLI',
        metadata: { name: 'checkout-p99' },
        spec: {
          thresholdMetric: {
            metricSource: {
              metricSourceRef: 'metrics',
              spec: {
                query:
                  'histogram_quantile(0.99, sum by (le) (rate(latency_bucket[{{.window}}])))',
              },
            },
          },
        },
      },
      {
        apiVersion: 'openslo/v1',
        kind: 'Service',
        metadata: { name: 'checkout' },
        spec: {},
      },
      null,
      {
        apiVersion: 'openslo/v1',
        kind: 'SLO',
        metadata: {
          name: 'checkout-latency',
          annotations: { 'greenlight.dev/interval': '2m' },
        },
        spec: {
          service: 'checkout',
          indicatorRef: 'checkout-p99',
          timeWindow: [{ duration: '1M', isRolling: true }],
          budgetingMethod: 'Timeslices',
          objectives: [
            {
              op: 'lte',
              value: 0.3,
              target: 0.99,
              timeSliceTarget: 0.95,
              timeSliceWindow: '1m',
            },
          ],
        },
      },
    ]);
    const [gate] = gatesOf(result) as ThresholdGate[];
    expect(gate).toMatchObject({
      id: 'checkout-latency/threshold',
      kind: 'threshold',
      comparator: '<=',
      threshold: 0.3,
      windowSeconds: 120,
      metric: { provider: 'prometheus' },
    });
  });

  it('adds gates from the greenlight.dev/gates annotation', () => {
    const gates = [
      {
        name: 'p99-latency',
        kind: 'threshold',
        query:
          'histogram_quantile(0.99, sum by (le) (rate(latency_bucket{track="canary"}[{{.window}}])))',
        comparator: '<',
        threshold: 0.25,
        window: '5m',
        shadow: true,
      },
      {
        name: 'latency-vs-baseline',
        kind: 'canary-vs-baseline',
        canary: 'latency_seconds{track="canary"}[{{.window}}]',
        baseline: 'latency_seconds{track="baseline"}[{{.window}}]',
        allowedEffect: 0.1,
        failureRule: { kind: 'consecutive', count: 2 },
      },
    ];
    const result = parseOpenSlo(
      availabilitySlo({
        'greenlight.dev/gates': JSON.stringify(gates),
        'greenlight.dev/interval': '30s',
      }),
    );
    const [, threshold, canary] = gatesOf(result) as [
      BurnRateGate,
      ThresholdGate,
      CanaryVsBaselineGate,
    ];
    expect(threshold).toMatchObject({
      id: 'checkout-availability/p99-latency',
      comparator: '<',
      threshold: 0.25,
      windowSeconds: 300,
      policy: { shadow: true, intervalSeconds: 30 },
    });
    expect(canary).toMatchObject({
      id: 'checkout-availability/latency-vs-baseline',
      direction: 'lower-is-better',
      alpha: 0.05,
      minSampleSize: 8,
      allowedEffect: 0.1,
      windowSeconds: 30,
      policy: { failureRule: { kind: 'consecutive', count: 2 }, shadow: false },
    });
  });

  it('lets the caller parse the gate list, e.g. as YAML', () => {
    const parseEmbedded = jest.fn(() => [
      {
        name: 'errors',
        kind: 'burn-rate',
        bad: errorsQuery,
        total: totalQuery,
        objective: 0.99,
        windows: ['5m/1m/10'],
      },
    ]);
    const result = parseOpenSlo(
      availabilitySlo({
        'greenlight.dev/gates': '- name: errors\n  kind: burn-rate',
      }),
      {
        parseEmbedded,
      },
    );
    expect(parseEmbedded).toHaveBeenCalledWith(
      '- name: errors\n  kind: burn-rate',
    );
    const gate = gatesOf(result)[1] as BurnRateGate;
    expect(gate.windows).toEqual([
      { longSeconds: 300, shortSeconds: 60, factor: 10 },
    ]);
  });

  it('reports bad settings under their annotation names', () => {
    const errors = errorsOf(
      parseOpenSlo(
        availabilitySlo({
          'greenlight.dev/interval': 'soon',
          'greenlight.dev/failure-rule': '3-of-2',
          'greenlight.dev/no-data': 'maybe',
          'greenlight.dev/evaluations': '-1',
        }),
      ),
    );
    expect(errors).toHaveLength(4);
    expect(errors.join('\n')).toMatch(
      /greenlight\.dev\/interval: "soon" is not a duration/,
    );
    expect(errors.join('\n')).toMatch(
      /greenlight\.dev\/failure-rule: k must not exceed n/,
    );
    expect(errors.join('\n')).toMatch(/greenlight\.dev\/no-data/);
    expect(errors.join('\n')).toMatch(/greenlight\.dev\/evaluations/);
  });

  it('explains unreadable failure rules and window pairs', () => {
    const errors = errorsOf(
      parseOpenSlo(
        availabilitySlo({
          'greenlight.dev/failure-rule': 'twice',
          'greenlight.dev/burn-rate-windows': '1h/5m/14.4, 1h-5m',
        }),
      ),
    );
    expect(errors).toEqual([
      'SLO checkout-availability greenlight.dev/failure-rule: expected a failure rule like consecutive:2 or 2-of-3',
      'SLO checkout-availability greenlight.dev/burn-rate-windows.1: expected a window pair like 1h/5m/14.4 or 1h/5m/2%',
    ]);
  });

  it('requires the window placeholder in burn-rate queries', () => {
    const slo = availabilitySlo();
    slo.spec.indicator.spec.ratioMetric.total = prometheus(
      'sum(rate(http_requests_total[5m]))',
    );
    expect(errorsOf(parseOpenSlo(slo))).toEqual([
      expect.stringMatching(/\{\{\.window\}\} placeholder/),
    ]);
  });

  it('rejects factors that no burn rate can exceed', () => {
    // With a 90% objective the budget is 10%: even 100% errors burn only 10× too fast.
    const errors = errorsOf(parseOpenSlo(availabilitySlo({}, { target: 0.9 })));
    expect(errors).toEqual([
      expect.stringMatching(/can never be exceeded with objective 0.9/),
    ]);
  });

  it('reports invalid documents, missing references and duplicate gates', () => {
    expect(
      errorsOf(
        parseOpenSlo({
          apiVersion: 'openslo/v1',
          kind: 'SLO',
          metadata: { name: 'x' },
        }),
      )[0],
    ).toMatch(/document 1 \(SLO\) spec/);
    const missingSli = availabilitySlo() as any;
    delete missingSli.spec.indicator;
    missingSli.spec.indicatorRef = 'nowhere';
    expect(errorsOf(parseOpenSlo(missingSli))).toEqual([
      expect.stringMatching(/SLI "nowhere" is not among/),
    ]);
    const twice = parseOpenSloDocuments([availabilitySlo(), availabilitySlo()]);
    expect(errorsOf(twice)).toEqual([
      'gate id checkout-availability/availability is used twice',
    ]);
    const notJson = parseOpenSlo(
      availabilitySlo({ 'greenlight.dev/gates': '- name: x' }),
    );
    expect(errorsOf(notJson)[0]).toMatch(/greenlight.dev\/gates/);
  });

  it('skips documents of other apiVersions and needs at least one SLO', () => {
    const result = parseOpenSloDocuments([
      { apiVersion: 'openslo/v1alpha', kind: 'SLO' },
    ]);
    expect(result).toEqual({
      ok: false,
      errors: ['no openslo/v1 SLO document found'],
      warnings: [
        'document 1: skipped, apiVersion openslo/v1alpha is not openslo/v1',
      ],
    });
  });

  it('warns about settings that cannot take effect', () => {
    const result = parseOpenSlo(
      availabilitySlo({
        'greenlight.dev/evaluations': '2',
        'greenlight.dev/failure-rule': 'consecutive:3',
        'greenlight.dev/min-traffic': '10',
        'greenlight.dev/gates': JSON.stringify([
          {
            name: 'saturation',
            kind: 'threshold',
            query: 'max(cpu_ratio)',
            comparator: '<',
            threshold: 0.9,
          },
        ]),
      }),
    );
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /^SLO checkout-availability: the failure rule needs 3 failing evaluations but only 2/,
      ),
      expect.stringMatching(/gate saturation: the failure rule needs 3/),
      expect.stringMatching(/gate saturation: min traffic is not checked/),
    ]);
  });
});
