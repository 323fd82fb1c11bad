import { MS_PER_DAY, sketchOf } from '@greenlight/backstage-plugin-greenlight-common';
import { StoredRollup } from './DoraStore';
import { buildWeeklyRollups, planRollupReads } from './weeklyRollups';

const day = (d: string) => Date.parse(`${d}T00:00:00Z`);

function rollup(d: string, successful: number, leadTimes: number[] = []): StoredRollup {
  return {
    entityRef: 'component:default/a',
    day: d,
    successfulProduction: successful,
    production: successful + 1,
    failed: 1,
    rework: 0,
    cancelled: 0,
    leadTime: sketchOf(leadTimes),
    leadTimeClockSkewed: 0,
    recoveryTime: sketchOf([]),
    unrecovered: 1,
    deploymentsWithoutCommit: 0,
    commitsWithoutTime: 0,
    examples: null,
  };
}

describe('planRollupReads', () => {
  it('reads whole weeks inside each part and the days around them', () => {
    // 2026-03-02 is a Monday; the window starts on Wednesday 2026-03-18.
    const plan = planRollupReads({ from: day('2026-03-04'), to: day('2026-04-01') }, [day('2026-03-18')]);
    expect(plan).toEqual({
      weeks: ['2026-03-09', '2026-03-23'],
      dayRanges: [
        ['2026-03-04', '2026-03-09'],
        ['2026-03-16', '2026-03-23'],
        ['2026-03-30', '2026-04-01'],
      ],
    });
  });

  it('reads days only when no whole week fits', () => {
    expect(planRollupReads({ from: day('2026-03-03'), to: day('2026-03-09') }, [])).toEqual({
      weeks: [],
      dayRanges: [['2026-03-03', '2026-03-09']],
    });
  });

  it('covers every day of the range exactly once', () => {
    const range = { from: day('2025-12-29'), to: day('2026-03-17') };
    const plan = planRollupReads(range, [day('2026-01-01'), day('2026-02-01'), day('2026-02-11')]);
    const covered: string[] = [];
    for (const w of plan.weeks) for (let i = 0; i < 7; i++) covered.push(new Date(day(w) + i * MS_PER_DAY).toISOString().slice(0, 10));
    for (const [from, to] of plan.dayRanges) {
      for (let t = day(from); t < day(to); t += MS_PER_DAY) covered.push(new Date(t).toISOString().slice(0, 10));
    }
    expect(covered.sort()).toEqual(
      Array.from({ length: (range.to - range.from) / MS_PER_DAY }, (_, i) => new Date(range.from + i * MS_PER_DAY).toISOString().slice(0, 10)),
    );
  });
});

describe('weekly rollups', () => {
  it('keep each day’s successful deployments and merge everything else', () => {
    const [week] = buildWeeklyRollups([rollup('2026-03-03', 2, [1000]), rollup('2026-03-06', 1, [5000, 7000])]);
    expect(week).toMatchObject({
      week: '2026-03-02',
      successfulProduction: 3,
      production: 5,
      failed: 2,
      unrecovered: 2,
      successfulByDay: [0, 2, 0, 0, 1, 0, 0],
    });
    expect(week.leadTime).toEqual(sketchOf([1000, 5000, 7000]));
  });
});
