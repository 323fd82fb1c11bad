import type {
  BurnRateGate,
  CanaryVsBaselineGate,
} from '@greenlight/backstage-plugin-greenlight-common';
import { parseGateYaml } from './parseGateYaml';

const stream = `
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  annotations:
    greenlight.dev/interval: 30s
    greenlight.dev/evaluations: "20"
    greenlight.dev/failure-rule: 2-of-3
    greenlight.dev/min-traffic: "100"
    greenlight.dev/gates: |
      - name: latency-vs-baseline
        kind: canary-vs-baseline
        canary: histogram_quantile(0.99, sum by (le, pod) (rate(http_request_duration_seconds_bucket{job="checkout",track="canary"}[{{.window}}])))
        baseline: histogram_quantile(0.99, sum by (le, pod) (rate(http_request_duration_seconds_bucket{job="checkout",track="baseline"}[{{.window}}])))
        minSampleSize: 3
        allowedEffect: 0.1
        window: 2m
spec:
  service: checkout
  indicator:
    metadata:
      name: checkout-errors
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(increase(http_requests_total{job="checkout",code!~"5.."}[{{.window}}]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(increase(http_requests_total{job="checkout"}[{{.window}}]))
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Availability
      target: 0.999
---
apiVersion: openslo/v1
kind: Service
metadata:
  name: checkout
spec:
  description: Checkout API
`;

describe('parseGateYaml', () => {
  it('reads a multi-document OpenSLO stream with a YAML gate list', () => {
    const result = parseGateYaml(stream, { defaults: { noData: 'fail' } });
    expect(result.ok).toBe(true);
    const [burn, canary] = (result.ok ? result.gates : []) as [
      BurnRateGate,
      CanaryVsBaselineGate,
    ];
    expect(burn).toMatchObject({
      id: 'checkout-availability/availability',
      kind: 'burn-rate',
      ratio: { type: 'good' },
      policy: {
        intervalSeconds: 30,
        evaluations: 20,
        minTraffic: 100,
        noData: 'fail',
      },
    });
    // 30 days: factors 14.4 and 6; rollout 600s scales 1h → 100s and 6h → 600s.
    expect(
      burn.windows.map(w => [
        w.longSeconds,
        w.shortSeconds,
        Number(w.factor.toFixed(6)),
      ]),
    ).toEqual([
      [100, 60, 14.4],
      [600, 60, 6],
    ]);
    expect(canary).toMatchObject({
      id: 'checkout-availability/latency-vs-baseline',
      kind: 'canary-vs-baseline',
      minSampleSize: 3,
      allowedEffect: 0.1,
      windowSeconds: 120,
    });
  });

  it('reports YAML syntax errors', () => {
    const result = parseGateYaml('apiVersion: openslo/v1\nkind: [SLO\n');
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual([
      expect.stringMatching(/^document 1: /),
    ]);
  });
});
