import {
  isoWeekLabel,
  isoWeekStart,
  previousWindow,
  splitWindow,
} from './time';
import { at, DAY } from './__testUtils__/builders';

describe('UTC calendar helpers', () => {
  it.each([
    ['2026-01-01T12:00', '2026-W01'], // Thursday: week 1 of 2026
    ['2025-12-29T00:00', '2026-W01'], // Monday of that week belongs to 2026
    ['2027-01-01T00:00', '2026-W53'], // Friday: 2026 has 53 ISO weeks
    ['2024-12-30T23:59', '2025-W01'],
    ['2026-01-11T23:59', '2026-W02'], // Sunday ends the week
  ])('%s is in ISO week %s', (time, label) => {
    expect(isoWeekLabel(at(time))).toBe(label);
  });

  it('starts weeks on Monday 00:00 UTC', () => {
    expect(isoWeekStart(at('2026-01-11T23:59'))).toBe(at('2026-01-05T00:00'));
  });

  it('splits a window into partial and full ISO weeks', () => {
    // Wed 7 Jan to Tue 20 Jan: 5 days of W02, all of W03, 2 days of W04
    const buckets = splitWindow(
      { from: at('2026-01-07T00:00'), to: at('2026-01-20T00:00') },
      'week',
    );
    expect(
      buckets.map(b => [b.label, (b.window.to - b.window.from) / DAY]),
    ).toEqual([
      ['2026-W02', 5],
      ['2026-W03', 7],
      ['2026-W04', 1],
    ]);
  });

  it('splits a window into calendar months', () => {
    const buckets = splitWindow(
      { from: at('2026-01-15T00:00'), to: at('2026-03-02T00:00') },
      'month',
    );
    expect(
      buckets.map(b => [b.label, (b.window.to - b.window.from) / DAY]),
    ).toEqual([
      ['2026-01', 17],
      ['2026-02', 28],
      ['2026-03', 1],
    ]);
  });

  it('has no buckets for an empty window', () => {
    expect(splitWindow({ from: 5, to: 5 }, 'week')).toEqual([]);
  });

  it('puts the previous period right before the window, same length', () => {
    expect(previousWindow({ from: 100, to: 130 })).toEqual({
      from: 70,
      to: 100,
    });
  });
});
