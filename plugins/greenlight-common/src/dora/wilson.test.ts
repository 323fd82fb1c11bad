import { wilsonInterval } from './wilson';

describe('wilsonInterval', () => {
  it.each([
    // p = 0.5, z²/n = 0.38416: centre 0.5, half-width 1.96/1.38416 * sqrt(0.025 + 0.009604) = 0.26341
    [5, 10, 0.2366, 0.7634],
    // Upper bound for 0 successes is z²/(n + z²) = 3.8416 / 13.8416 = 0.27754
    [0, 10, 0, 0.2775],
    [10, 10, 0.7225, 1],
    // p = 0.1, n = 100: centre 0.11092, half-width 0.06248
    [10, 100, 0.0552, 0.1744],
    [1, 1, 0.2065, 1],
  ])('%i/%i → [%f, %f]', (successes, trials, lower, upper) => {
    const interval = wilsonInterval(successes, trials);
    expect(interval?.lower).toBeCloseTo(lower, 4);
    expect(interval?.upper).toBeCloseTo(upper, 4);
  });

  it('reaches 0 and 1 exactly at 0 % and 100 %, so a rate always lies inside its interval', () => {
    // In floating point the formula gives 0.9999999999999999 for some all-success counts
    // (6 of 6 among them), which would put a 100 % rate above its own upper bound.
    for (let trials = 1; trials <= 1000; trials++) {
      expect({ trials, upper: wilsonInterval(trials, trials)?.upper }).toEqual({
        trials,
        upper: 1,
      });
      expect({ trials, lower: wilsonInterval(0, trials)?.lower }).toEqual({
        trials,
        lower: 0,
      });
    }
  });

  it('has no interval without trials', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('rejects impossible proportions', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });
});
