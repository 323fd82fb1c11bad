import {
  burnRate,
  burnRateFactor,
  errorRatio,
  maxBurnRate,
  multiWindowFires,
  scaleBurnRateWindows,
  sreWorkbookBurnRateTable,
  windowFires,
} from './burnRate';

const hour = 3600;
const day = 24 * hour;

describe('burn-rate maths', () => {
  it('computes error ratios from good/total and bad/total', () => {
    expect(errorRatio('bad', 5, 1000)).toBeCloseTo(0.005, 12);
    expect(errorRatio('good', 995, 1000)).toBeCloseTo(0.005, 12);
    // Counters read a moment apart: good above total is clamped, not a negative ratio.
    expect(errorRatio('good', 1001, 1000)).toBe(0);
  });

  it('has no error ratio without traffic or with non-finite inputs', () => {
    expect(errorRatio('bad', 0, 0)).toBeNaN();
    expect(errorRatio('bad', NaN, 10)).toBeNaN();
    expect(errorRatio('good', 5, Infinity)).toBeNaN();
  });

  it('divides the error ratio by the error budget', () => {
    // 0.5% errors against a 99.9% objective: 0.005 / 0.001 = 5× too fast.
    expect(burnRate(0.005, 0.999)).toBeCloseTo(5, 9);
    expect(burnRate(0.001, 0.999)).toBeCloseTo(1, 9);
    expect(maxBurnRate(0.999)).toBeCloseTo(1000, 6);
    expect(maxBurnRate(0.99)).toBeCloseTo(100, 9);
  });

  it.each(
    sreWorkbookBurnRateTable.map(row => [
      row.budgetFraction,
      row.longSeconds,
      row.factor,
    ]),
  )(
    'reproduces the SRE workbook factor: %p of a 30-day budget in %ps → %p',
    (budget, long, factor) => {
      // 0.02·720h/1h = 14.4, 0.05·720h/6h = 6, 0.10·720h/72h = 1.
      expect(burnRateFactor(budget, 30 * day, long)).toBeCloseTo(factor, 9);
    },
  );

  it('holds the workbook table itself', () => {
    expect(
      sreWorkbookBurnRateTable.map(r => [
        r.longSeconds / 60,
        r.shortSeconds / 60,
        r.factor,
        r.severity,
      ]),
    ).toEqual([
      [60, 5, 14.4, 'page'],
      [360, 30, 6, 'page'],
      [4320, 360, 1, 'ticket'],
    ]);
  });

  it('derives factors for other SLO periods from the same budget shares', () => {
    // 28 days = 672h: 0.02·672/1 = 13.44 and 0.05·672/6 = 5.6.
    expect(burnRateFactor(0.02, 28 * day, hour)).toBeCloseTo(13.44, 9);
    expect(burnRateFactor(0.05, 28 * day, 6 * hour)).toBeCloseTo(5.6, 9);
  });

  it('fires a window pair only when both windows exceed the factor', () => {
    const window = { longSeconds: hour, shortSeconds: 300, factor: 14.4 };
    expect(windowFires({ window, longBurn: 20, shortBurn: 30 })).toBe(true);
    // A short spike: the 5m window burns at 50× but the hour only at 10×.
    expect(windowFires({ window, longBurn: 10, shortBurn: 50 })).toBe(false);
    // Recovered: the hour still remembers the outage, the last 5m do not.
    expect(windowFires({ window, longBurn: 20, shortBurn: 2 })).toBe(false);
    // Strictly above: exactly at the factor does not fire.
    expect(windowFires({ window, longBurn: 14.4, shortBurn: 14.4 })).toBe(
      false,
    );
  });

  it('fires the gate when any pair fires', () => {
    const fast = { longSeconds: hour, shortSeconds: 300, factor: 14.4 };
    const slow = { longSeconds: 6 * hour, shortSeconds: 1800, factor: 6 };
    expect(
      multiWindowFires([
        { window: fast, longBurn: 8, shortBurn: 9 },
        { window: slow, longBurn: 7, shortBurn: 8 },
      ]),
    ).toBe(true);
    expect(
      multiWindowFires([
        { window: fast, longBurn: 8, shortBurn: 9 },
        { window: slow, longBurn: 5, shortBurn: 8 },
      ]),
    ).toBe(false);
  });
});

describe('scaleBurnRateWindows', () => {
  const workbook = sreWorkbookBurnRateTable.slice(0, 2);

  it('shrinks windows to the rollout and keeps factors', () => {
    // Rollout of 20 evaluations × 60s = 1200s; longest long window 6h = 21600s,
    // s = 1200/21600 = 1/18: 1h → 200s, 5m → 16.7s → raised to 60s, 6h → 1200s, 30m → 100s.
    expect(scaleBurnRateWindows(workbook, 1200, 60)).toEqual([
      { longSeconds: 200, shortSeconds: 60, factor: 14.4 },
      { longSeconds: 1200, shortSeconds: 100, factor: 6 },
    ]);
  });

  it('leaves windows alone when the rollout is longer than all of them', () => {
    expect(scaleBurnRateWindows(workbook, 7 * hour, 60)).toEqual(
      workbook.map(({ longSeconds, shortSeconds, factor }) => ({
        longSeconds,
        shortSeconds,
        factor,
      })),
    );
  });

  it('never makes the short window longer than the long one', () => {
    const [scaled] = scaleBurnRateWindows(
      [{ longSeconds: hour, shortSeconds: 300, factor: 14.4 }],
      120,
      300,
    );
    expect(scaled).toEqual({
      longSeconds: 300,
      shortSeconds: 300,
      factor: 14.4,
    });
  });
});
