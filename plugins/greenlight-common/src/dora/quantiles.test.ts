import { exactQuantile, summariseDurations } from './quantiles';

describe('exactQuantile (nearest rank)', () => {
  it.each([
    // rank ceil(0.5 * 4) = 2 → the lower middle value, not the 2.5 average
    [[4, 1, 3, 2], 0.5, 2],
    [[1, 2, 3], 0.5, 2],
    // rank ceil(0.9 * 10) = 9
    [[10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 0.9, 9],
    // rank ceil(0.9 * 12) = ceil(10.8) = 11
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 0.9, 11],
    [[7, 3], 0, 3],
    [[7, 3], 1, 7],
    [[42], 0.9, 42],
  ])('quantile of %j at %f is %f', (values, q, expected) => {
    expect(exactQuantile(values, q)).toBe(expected);
  });

  it('is null without observations', () => {
    expect(exactQuantile([], 0.5)).toBeNull();
    expect(summariseDurations([])).toEqual({
      n: 0,
      medianMs: null,
      p90Ms: null,
    });
  });

  it('rejects quantiles outside [0, 1]', () => {
    expect(() => exactQuantile([1], 1.5)).toThrow(RangeError);
    expect(() => exactQuantile([1], Number.NaN)).toThrow(RangeError);
  });

  it('summarises n, median and p90', () => {
    expect(summariseDurations([5, 1, 4, 2, 3])).toEqual({
      n: 5,
      medianMs: 3,
      p90Ms: 5,
    });
  });
});
