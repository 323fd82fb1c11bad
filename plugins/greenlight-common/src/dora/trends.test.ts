import { computeDoraMetrics } from './metrics';
import { buildDailyRollups, metricsFromRollups } from './rollups';
import { compareWithPreviousPeriod, doraTrend } from './trends';
import { DoraInput, DoraWindow } from './types';
import { at, deploy, HOUR } from './__testUtils__/builders';

const input: DoraInput = {
  deployments: [
    // Previous period (22 Dec – 5 Jan): one deployment, 4 h lead time, failed
    // its SLO gate.
    deploy('old', at('2025-12-29T10:00'), {
      gateFailed: true,
      commitTimes: [at('2025-12-29T06:00')],
    }),
    // Current period (5 – 19 Jan): three successful, 2 h lead time each.
    deploy('a', at('2026-01-05T10:00'), {
      commitTimes: [at('2026-01-05T08:00')],
    }),
    deploy('b', at('2026-01-06T10:00'), {
      commitTimes: [at('2026-01-06T08:00')],
    }),
    deploy('c', at('2026-01-14T10:00'), {
      commitTimes: [at('2026-01-14T08:00')],
    }),
    deploy('feb', at('2026-02-02T10:00')),
  ],
};
const raw = (w: DoraWindow) => computeDoraMetrics(input, w);

describe('trends', () => {
  it('buckets by ISO week', () => {
    const trend = doraTrend(
      { from: at('2026-01-05T00:00'), to: at('2026-01-19T00:00') },
      'week',
      raw,
    );
    expect(
      trend.map(p => [p.label, p.metrics.deploymentFrequency.count]),
    ).toEqual([
      ['2026-W02', 2],
      ['2026-W03', 1],
    ]);
  });

  it('buckets by calendar month, the same from rollups as from raw events', () => {
    const window = { from: at('2025-12-01T00:00'), to: at('2026-03-01T00:00') };
    const rollups = buildDailyRollups(input.deployments, []);
    const fromRaw = doraTrend(window, 'month', raw);
    const fromRollups = doraTrend(window, 'month', w =>
      metricsFromRollups(rollups, w),
    );
    const counts = (trend: typeof fromRaw) =>
      trend.map(p => [
        p.label,
        p.metrics.deploymentFrequency.count,
        p.metrics.changeFailRate.numerator,
      ]);
    expect(counts(fromRaw)).toEqual([
      ['2025-12', 1, 1],
      ['2026-01', 3, 0],
      ['2026-02', 1, 0],
    ]);
    expect(counts(fromRollups)).toEqual(counts(fromRaw));
  });

  it('compares with the previous period of the same length', () => {
    const comparison = compareWithPreviousPeriod(
      { from: at('2026-01-05T00:00'), to: at('2026-01-19T00:00') },
      raw,
    );
    expect(comparison.previous.window).toEqual({
      from: at('2025-12-22T00:00'),
      to: at('2026-01-05T00:00'),
    });
    // Deploys/day 3/14 − 1/14; lead time 2 h − 4 h; fail rate 0/3 − 1/1.
    expect(comparison.change.deploymentsPerDay).toBeCloseTo(2 / 14, 12);
    expect(comparison.change.changeLeadTimeMedianMs).toBe(-2 * HOUR);
    expect(comparison.change.changeFailRate).toBe(-1);
    // Only the previous period has a failure (recovered by 'a' a week later).
    expect(comparison.previous.failedDeploymentRecoveryTime.medianMs).toBe(
      7 * 24 * HOUR,
    );
    expect(comparison.change.failedDeploymentRecoveryTimeMedianMs).toBeNull();
    expect(comparison.change.deploymentReworkRate).toBe(0);
  });
});
