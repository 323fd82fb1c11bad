import { computeDoraMetrics } from './metrics';
import { DORA_LEVEL_TABLES, DoraReportYear, rateLevel } from './tiers';
import { at, DAY, deploy, HOUR, MINUTE } from './__testUtils__/builders';

const level = (
  year: DoraReportYear,
  metric: keyof (typeof DORA_LEVEL_TABLES)[2024],
  value: number,
) => {
  const table = DORA_LEVEL_TABLES[year][metric];
  if (typeof table !== 'object') throw new Error(`${metric} is not a metric`);
  return rateLevel(value, table);
};

describe('performance levels', () => {
  it.each([
    [2024, 2, 'elite'], // multiple deploys per day
    [2024, 1, 'high'], // once per day is the top of "between once per day and once per week"
    [2024, 1 / 7, 'high'],
    [2024, 0.1, 'medium'], // between weekly and monthly
    [2024, 1 / 30, 'medium'],
    [2024, 0.02, 'low'],
    [2023, 0.02, 'low'],
  ] as const)('%i: %f deploys/day is %s', (year, perDay, expected) => {
    expect(level(year, 'deploymentFrequencyPerDay', perDay)).toBe(expected);
  });

  it.each([
    [2024, 23 * HOUR, 'elite'],
    [2024, DAY, 'high'],
    [2024, 7 * DAY, 'high'],
    [2024, 8 * DAY, 'medium'],
    [2024, 31 * DAY, 'low'],
    [2023, 31 * DAY, 'low'],
  ] as const)('%i: lead time %i ms is %s', (year, ms, expected) => {
    expect(level(year, 'changeLeadTimeMs', ms)).toBe(expected);
  });

  it.each([
    [2023, 0.05, 'elite'],
    [2023, 0.08, 'high'],
    [2023, 0.12, 'medium'],
    [2023, 0.3, 'low'],
    [2024, 0.05, 'elite'],
    // 2024 publishes high at 20% and medium at 10%: 8% and 15% are both high.
    [2024, 0.08, 'high'],
    [2024, 0.15, 'high'],
    [2024, 0.3, 'low'],
  ] as const)('%i: change fail rate %f is %s', (year, rate, expected) => {
    expect(level(year, 'changeFailRate', rate)).toBe(expected);
  });

  it.each([
    [2023, 30 * MINUTE, 'elite'],
    [2023, 2 * HOUR, 'high'],
    [2023, 3 * DAY, 'medium'],
    [2023, 10 * DAY, 'low'],
    [2024, 30 * MINUTE, 'elite'],
    [2024, 2 * HOUR, 'high'],
    // 2024's medium is "less than one day" like high; one to seven days is below both.
    [2024, 3 * DAY, 'low'],
  ] as const)('%i: recovery %i ms is %s', (year, ms, expected) => {
    expect(level(year, 'failedDeploymentRecoveryTimeMs', ms)).toBe(expected);
  });
});

describe('tier assessment of computed metrics', () => {
  const window = { from: at('2026-01-05T00:00'), to: at('2026-01-19T00:00') };
  // 12 deployments over 14 days, each shipping one commit 2 hours old; one failed.
  const deployments = Array.from({ length: 12 }, (_, i) =>
    deploy(`d${i}`, window.from + i * DAY + 10 * HOUR, {
      status: i === 3 ? 'failed' : 'succeeded',
      commitTimes: [window.from + i * DAY + 8 * HOUR],
    }),
  );

  it('rates each metric, and rework rate as not benchmarked', () => {
    const { tiers } = computeDoraMetrics({ deployments }, window, {
      reportYear: 2023,
    });
    // 11 successful / 14 days = 0.79 per day: high. Lead time 2 h: elite.
    // 1/12 = 8.3% failed: high in 2023. One recovery (the next
    // day's deployment, 24 h later): below the minimum of 5.
    expect(tiers).toEqual({
      reportYear: 2023,
      deploymentFrequency: 'high',
      changeLeadTime: 'elite',
      changeFailRate: 'high',
      failedDeploymentRecoveryTime: 'insufficient-data',
      deploymentReworkRate: 'not-benchmarked',
    });
  });

  it('says insufficient data below the configured minimum sample sizes', () => {
    const { tiers } = computeDoraMetrics({ deployments }, window, {
      minimumSamples: {
        deployments: 13,
        commits: 12,
        recoveries: 1,
        windowDays: 15,
      },
    });
    // 12 deployments < 13; 11 commits < 12; 14 days < 15. One recovery meets a
    // minimum of 1: 24 h is not "less than one day", so 2024 rates it low.
    expect(tiers).toMatchObject({
      reportYear: 2024,
      deploymentFrequency: 'insufficient-data',
      changeLeadTime: 'insufficient-data',
      changeFailRate: 'insufficient-data',
      failedDeploymentRecoveryTime: 'low',
    });
  });

  it('rates an empty window as insufficient data', () => {
    const { tiers } = computeDoraMetrics({ deployments }, { from: 0, to: 0 });
    expect(tiers).toMatchObject({
      deploymentFrequency: 'insufficient-data',
      changeLeadTime: 'insufficient-data',
      changeFailRate: 'insufficient-data',
      failedDeploymentRecoveryTime: 'insufficient-data',
    });
  });
});
