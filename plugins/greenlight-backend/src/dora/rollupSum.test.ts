import {
  DoraDailyRollup,
  mergeSketches,
  metricsFromRollups,
  sketchOf,
} from '@greenlight/backstage-plugin-greenlight-common';
import fc from 'fast-check';
import { LoadedRollup, StoredRollup } from './DoraStore';
import { RollupSum } from './rollupSum';
import { flattenSketch, SketchSum, unflattenSketch } from './sketchCodec';
import { buildWeeklyRollups } from './weeklyRollups';

const durations = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 400 * 86_400_000 })), { maxLength: 30 });

function loaded(r: StoredRollup): LoadedRollup {
  return { ...r, leadTime: flattenSketch(r.leadTime), recoveryTime: flattenSketch(r.recoveryTime) };
}

describe('stored sketches', () => {
  it('round-trip through their flat form', () => {
    fc.assert(
      fc.property(durations, values => {
        const sketch = sketchOf(values);
        expect(unflattenSketch(JSON.parse(JSON.stringify(flattenSketch(sketch))))).toEqual(sketch);
      }),
    );
  });

  it('add up exactly as the common mergeSketches merges them', () => {
    fc.assert(
      fc.property(fc.array(durations, { maxLength: 8 }), lists => {
        const sketches = lists.map(v => sketchOf(v));
        const sum = new SketchSum();
        for (const s of sketches) sum.add(flattenSketch(s));
        expect(sum.toSketch(0.01)).toEqual(mergeSketches(sketches, 0.01));
      }),
    );
  });

  it('refuse to add sketches of another accuracy', () => {
    const sum = new SketchSum().add(flattenSketch(sketchOf([5], 0.01)));
    expect(() => sum.add(flattenSketch(sketchOf([5], 0.02)))).toThrow(RangeError);
  });
});

describe('RollupSum', () => {
  const day = (d: number) => `2026-03-${String(d).padStart(2, '0')}`;
  const rollup = (d: number, successful: number, leadTimes: number[], failed: number): StoredRollup => ({
    entityRef: 'component:default/a',
    day: day(d),
    successfulProduction: successful,
    production: successful + failed,
    failed,
    rework: failed,
    cancelled: 1,
    leadTime: sketchOf(leadTimes),
    leadTimeClockSkewed: 1,
    recoveryTime: sketchOf(leadTimes.slice(0, failed)),
    unrecovered: 0,
    deploymentsWithoutCommit: 0,
    commitsWithoutTime: 0,
    examples: null,
  });

  it('gives the same metrics as the daily rollups it added up, days and weeks alike', () => {
    const window = { from: Date.parse('2026-03-02T00:00:00Z'), to: Date.parse('2026-03-30T00:00:00Z') };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 2, max: 29 }), fc.integer({ min: 0, max: 4 }), durations, fc.integer({ min: 0, max: 3 })), {
          maxLength: 20,
        }),
        entries => {
          const byDay = new Map<number, StoredRollup>();
          for (const [d, successful, leads, failed] of entries) byDay.set(d, rollup(d, successful, leads, failed));
          const daily = [...byDay.values()];
          // The first week read day by day, the others as weeks, as a query plan would.
          const sum = new RollupSum();
          for (const r of daily.filter(x => x.day < '2026-03-09')) sum.add(loaded(r));
          for (const w of buildWeeklyRollups(daily.filter(x => x.day >= '2026-03-09'))) {
            sum.add({ ...loaded(w), week: w.week, successfulByDay: w.successfulByDay });
          }
          const fromSum: DoraDailyRollup[] = sum.toDailyRollups('component:default/a', '2026-03-02', 0.01);
          expect(metricsFromRollups(fromSum, window)).toEqual(metricsFromRollups(daily, window));
        },
      ),
    );
  });
});

describe('lead times from the merge in stored rollups', () => {
  const day = (d: string, leadTimeFromMerge?: number): StoredRollup => ({
    entityRef: 'component:default/a',
    day: d,
    successfulProduction: 1,
    production: 1,
    failed: 0,
    rework: 0,
    cancelled: 0,
    leadTime: sketchOf([3_600_000, 7_200_000]),
    leadTimeClockSkewed: 0,
    ...(leadTimeFromMerge === undefined ? {} : { leadTimeFromMerge }),
    recoveryTime: sketchOf([]),
    unrecovered: 0,
    deploymentsWithoutCommit: 0,
    commitsWithoutTime: 0,
    examples: null,
  });
  const window = { from: Date.parse('2026-03-02T00:00:00Z'), to: Date.parse('2026-03-09T00:00:00Z') };

  it('count rows written before the field was kept as from the commit, daily and weekly', () => {
    // A row stored before the field existed, as parsed from its JSON, and two rows with it.
    const days = [day('2026-03-02'), day('2026-03-03', 2), day('2026-03-04', 0)];
    const sum = new RollupSum();
    for (const r of days) sum.add(loaded(r));
    const fromDays = metricsFromRollups(sum.toDailyRollups('scope', '2026-03-02', 0.01), window);
    expect(fromDays.changeLeadTime.basis).toEqual({ fromCommit: 4, fromMerge: 2 });

    const [week] = buildWeeklyRollups(days);
    expect(week.leadTimeFromMerge).toBe(2);
    const fromWeek = metricsFromRollups(new RollupSum().add(loaded(week)).toDailyRollups('scope', '2026-03-02', 0.01), window);
    expect(fromWeek.changeLeadTime.basis).toEqual({ fromCommit: 4, fromMerge: 2 });
    expect(buildWeeklyRollups([day('2026-03-02')])[0]).not.toHaveProperty('leadTimeFromMerge');
  });
});
