import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createSloValidateAction } from './sloValidate';

const validSlo = `
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  annotations:
    greenlight.dev/interval: 30s
    greenlight.dev/evaluations: '20'
    greenlight.dev/failure-rule: 2-of-3
    greenlight.dev/gates: |
      - name: p99-latency
        kind: threshold
        query: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="checkout"}[{{.window}}])))
        comparator: '<'
        threshold: 0.3
spec:
  service: checkout
  indicator:
    metadata: { name: checkout-errors }
    spec:
      ratioMetric:
        counter: true
        good: { metricSource: { type: Prometheus, spec: { query: 'sum(increase(http_requests_total{job="checkout",code!~"5.."}[{{.window}}]))' } } }
        total: { metricSource: { type: Prometheus, spec: { query: 'sum(increase(http_requests_total{job="checkout"}[{{.window}}]))' } } }
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ displayName: Availability, target: 0.999 }]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-latency
  annotations:
    greenlight.dev/interval: 30s
    greenlight.dev/evaluations: '20'
    greenlight.dev/failure-rule: consecutive:2
spec:
  service: checkout
  indicator:
    metadata: { name: checkout-p99 }
    spec:
      thresholdMetric:
        metricSource: { type: Prometheus, spec: { query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="checkout"}[{{.window}}])))' } }
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Timeslices
  objectives: [{ displayName: p99 latency, op: lt, value: 0.3 }]
`;

describe('greenlight:slo:validate', () => {
  const workspace = createMockDirectory();
  const action = createSloValidateAction();

  beforeEach(() => workspace.clear());

  it('outputs the gate ids of a valid file and the settings its SLOs agree on', async () => {
    workspace.setContent({ 'slo.yaml': validSlo });
    const ctx = createMockActionContext({
      input: { path: './slo.yaml', requiredSettings: ['interval', 'evaluations', 'failure-rule'] },
      workspacePath: workspace.path,
    });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('gateIds', [
      'checkout-availability/availability',
      'checkout-availability/p99-latency',
      'checkout-latency/p99-latency',
    ]);
    // The failure rules differ between the two SLOs, so no common value is claimed for it.
    expect(ctx.output).toHaveBeenCalledWith('settings', { interval: '30s', evaluations: '20' });
  });

  it('accepts inline content', async () => {
    const ctx = createMockActionContext({ input: { content: validSlo }, workspacePath: workspace.path });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('gateIds', expect.arrayContaining(['checkout-latency/p99-latency']));
  });

  it('fails listing every problem: parser errors, misspelt and missing settings', async () => {
    const broken = validSlo
      .replace('greenlight.dev/failure-rule: 2-of-3', 'greenlight.dev/failure-rule: 5-of-3')
      .replace("greenlight.dev/evaluations: '20'\n    greenlight.dev/failure-rule: consecutive:2", "greenlight.dev/evaluation: '20'")
      .replace('  budgetingMethod: Timeslices\n', '');
    workspace.setContent({ 'slo.yaml': broken });
    const ctx = createMockActionContext({
      input: { path: 'slo.yaml', requiredSettings: ['interval', 'evaluations', 'failure-rule'] },
      workspacePath: workspace.path,
    });
    const error = await action.handler(ctx).then(
      () => undefined,
      e => e as Error,
    );
    expect(error?.message).toContain('slo.yaml is not a valid Greenlight SLO');
    expect(error?.message).toContain('unknown annotation greenlight.dev/evaluation;');
    expect(error?.message).toContain('SLO checkout-latency: annotation greenlight.dev/evaluations is required');
    expect(error?.message).toContain('SLO checkout-latency: annotation greenlight.dev/failure-rule is required');
    expect(error?.message).toMatch(/failure-rule.*k must not exceed n/);
    expect(error?.message).toMatch(/document 2 \(SLO\) spec\.budgetingMethod/);
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('reports YAML syntax errors with the document they are in', async () => {
    const ctx = createMockActionContext({
      input: { content: `${validSlo}\n---\nkind: [unclosed\n` },
      workspacePath: workspace.path,
    });
    await expect(action.handler(ctx)).rejects.toThrow(/document 3: /);
  });

  it('needs exactly one of path and content, and stays inside the workspace', async () => {
    await expect(
      action.handler(createMockActionContext({ input: {}, workspacePath: workspace.path })),
    ).rejects.toThrow('exactly one of path and content');
    await expect(
      action.handler(createMockActionContext({ input: { path: 'a', content: 'b' }, workspacePath: workspace.path })),
    ).rejects.toThrow('exactly one of path and content');
    await expect(
      action.handler(createMockActionContext({ input: { path: '../outside.yaml' }, workspacePath: workspace.path })),
    ).rejects.toThrow(/outside/i);
    await expect(
      action.handler(createMockActionContext({ input: { path: 'missing.yaml' }, workspacePath: workspace.path })),
    ).rejects.toThrow('Cannot read missing.yaml');
  });
});
