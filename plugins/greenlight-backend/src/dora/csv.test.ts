import {
  computeDoraMetrics,
  DoraDeployment,
} from '@greenlight/backstage-plugin-greenlight-common';
import { DORA_CSV_COLUMNS, doraCsv } from './csv';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string) => Date.parse(`${iso}Z`);
const window = { from: at('2026-01-05T00:00'), to: at('2026-01-19T00:00') };

function deploy(
  id: string,
  finishedAt: number,
  overrides: Partial<DoraDeployment> = {},
): DoraDeployment {
  return {
    id,
    entityRef: 'component:default/payments',
    environment: 'prod',
    tier: 'production',
    status: 'succeeded',
    intent: 'planned',
    startedAt: finishedAt - 10 * MINUTE,
    finishedAt,
    commitTimes: [],
    ...overrides,
  };
}

function parse(csv: string): Array<Record<string, string>> {
  const [header, ...rows] = csv.split('\r\n').filter(l => l !== '');
  const columns = header.split(',');
  return rows.map(r =>
    Object.fromEntries(r.split(',').map((v, i) => [columns[i], v])),
  );
}

describe('DORA CSV', () => {
  it('appends the new columns after the existing ones, whose positions stay', () => {
    expect(DORA_CSV_COLUMNS.indexOf('entity_ref')).toBe(0);
    expect(DORA_CSV_COLUMNS.indexOf('recovery_median_ms')).toBe(13);
    expect(DORA_CSV_COLUMNS.indexOf('lead_time_from_merge')).toBe(21);
    expect(DORA_CSV_COLUMNS.slice(22)).toEqual([
      'recovery_median_of_all_ms',
      'change_fail_interval_lower',
      'change_fail_interval_upper',
      'rework_interval_lower',
      'rework_interval_upper',
    ]);
  });

  it('exports the median recovery counting the unrecovered, and the rates’ intervals', () => {
    // Five failures fixed after [10 min, 20 min, 30 min, 6 h, 20 h] by the next deployment
    // (the first a hotfix), four never fixed. 14 deployments: 9 failed, 1 rework.
    const fixedAfter = [
      10 * MINUTE,
      20 * MINUTE,
      30 * MINUTE,
      6 * HOUR,
      20 * HOUR,
    ];
    const deployments = [
      ...fixedAfter.flatMap((after, i) => {
        const failedAt = at(`2026-01-0${5 + i}T10:00`);
        return [
          deploy(`failed-${i}`, failedAt, { status: 'failed' }),
          deploy(
            `fix-${i}`,
            failedAt + after,
            i === 0 ? { intent: 'hotfix', replaces: 'failed-0' } : {},
          ),
        ];
      }),
      ...[12, 13, 14, 15].map(d =>
        deploy(`broken-${d}`, at(`2026-01-${d}T10:00`), { status: 'failed' }),
      ),
    ];
    const metrics = computeDoraMetrics({ deployments }, window);
    const [row] = parse(
      doraCsv([{ entityRef: 'component:default/payments', metrics }]),
    );
    // Recovered alone: rank ceil(5 / 2) = 3 → 30 min. All nine, the four unrecovered last:
    // rank ceil(9 / 2) = 5 → 20 h.
    expect(row).toMatchObject({
      change_fail_numerator: '9',
      change_fail_denominator: '14',
      recovery_n: '5',
      recovery_median_ms: String(30 * MINUTE),
      recovery_unrecovered: '4',
      recovery_median_of_all_ms: String(20 * HOUR),
      rework_numerator: '1',
      rework_denominator: '14',
    });
    // Wilson 95% (z = 1.96, z² = 3.8416, 1 + z²/14 = 1.2744):
    // 9/14: centre (0.642857 + 0.137200) / 1.2744 = 0.612098,
    //       half-width 1.96 √(0.229592/14 + 3.8416/784) / 1.2744 = 0.224458.
    expect(Number(row.change_fail_interval_lower)).toBeCloseTo(0.38764, 4);
    expect(Number(row.change_fail_interval_upper)).toBeCloseTo(0.83656, 4);
    // 1/14: centre (0.071429 + 0.137200) / 1.2744 = 0.163708,
    //       half-width 1.96 √(0.066327/14 + 3.8416/784) / 1.2744 = 0.150986.
    expect(Number(row.rework_interval_lower)).toBeCloseTo(0.01272, 4);
    expect(Number(row.rework_interval_upper)).toBeCloseTo(0.31469, 4);
    // The cells are the metrics' own numbers, unrounded.
    expect(row.change_fail_interval_lower).toBe(
      String(metrics.changeFailRate.interval?.lower),
    );
    expect(row.rework_interval_upper).toBe(
      String(metrics.deploymentReworkRate.interval?.upper),
    );
  });

  it('leaves the new cells empty when there is nothing to say', () => {
    const none = computeDoraMetrics({ deployments: [] }, window);
    // An answer without intervals or a median of all failures (an older shape).
    const older = {
      ...none,
      changeFailRate: { ...none.changeFailRate, interval: undefined },
      failedDeploymentRecoveryTime: {
        ...none.failedDeploymentRecoveryTime,
        medianOfAllMs: undefined,
      },
    } as unknown as typeof none;
    for (const metrics of [none, older]) {
      const [row] = parse(
        doraCsv([{ entityRef: 'component:default/quiet', metrics }]),
      );
      expect(row).toMatchObject({
        recovery_median_of_all_ms: '',
        change_fail_interval_lower: '',
        change_fail_interval_upper: '',
        rework_interval_lower: '',
        rework_interval_upper: '',
      });
    }
  });
});
