import fc from 'fast-check';
import { exactQuantile } from './quantiles';
import {
  emptySketch,
  mergeSketches,
  parseQuantileSketch,
  sketchOf,
  sketchQuantile,
} from './sketch';

const ALPHA = 0.01;
// Floating-point rounding at bucket edges may add a few ulps to the bound.
const BOUND = ALPHA * (1 + 1e-9);

const durations = fc.array(
  fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 60_000 }),
    fc.double({ min: 1, max: 1e10, noNaN: true }),
  ),
  { minLength: 1, maxLength: 300 },
);
const quantile = fc.double({ min: 0, max: 1, noNaN: true });

describe('quantile sketch', () => {
  it('is within 1% relative error of the exact nearest-rank quantile', () => {
    fc.assert(
      fc.property(durations, quantile, (values, q) => {
        const exact = exactQuantile(values, q)!;
        const estimate = sketchQuantile(sketchOf(values), q)!;
        expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(BOUND * exact);
      }),
      { numRuns: 300 },
    );
  });

  it('stays within the bound on a wide log-uniform sample at every percentile', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const values = Array.from({ length: 5000 }, () => Math.exp(random() * 23));
    const sketch = sketchOf(values);
    for (let p = 0; p <= 100; p++) {
      const exact = exactQuantile(values, p / 100)!;
      expect(
        Math.abs(sketchQuantile(sketch, p / 100)! - exact),
      ).toBeLessThanOrEqual(BOUND * exact);
    }
  });

  it('merges associatively and commutatively, equal to sketching all values', () => {
    const parts = fc.array(fc.integer({ min: 0, max: 1e9 }), { maxLength: 50 });
    fc.assert(
      fc.property(parts, parts, parts, (a, b, c) => {
        const [sa, sb, sc] = [a, b, c].map(v => sketchOf(v));
        const left = mergeSketches([mergeSketches([sa, sb]), sc]);
        const right = mergeSketches([sa, mergeSketches([sb, sc])]);
        expect(left).toEqual(right);
        expect(mergeSketches([sc, sb, sa])).toEqual(left);
        expect(left).toEqual(sketchOf([...a, ...b, ...c]));
      }),
    );
  });

  it('round-trips through JSON', () => {
    const sketch = sketchOf([0, 0.5, 3, 1e9, 42, 42]);
    const back = parseQuantileSketch(JSON.parse(JSON.stringify(sketch)));
    expect(back).toEqual(sketch);
    expect(sketchQuantile(back, 0.5)).toBe(sketchQuantile(sketch, 0.5));
  });

  it('counts zeros apart and reads them back exactly', () => {
    const sketch = sketchOf([0, 0, 0, 10]);
    expect(sketch.zeroCount).toBe(3);
    expect(sketchQuantile(sketch, 0.75)).toBe(0);
    expect(sketchQuantile(sketch, 1)).toBe(10);
  });

  it('is empty without values', () => {
    expect(sketchQuantile(emptySketch(), 0.5)).toBeNull();
    expect(mergeSketches([])).toEqual(emptySketch());
  });

  it('refuses values and merges that would break its guarantee', () => {
    expect(() => sketchOf([-1])).toThrow(RangeError);
    expect(() => sketchOf([Number.POSITIVE_INFINITY])).toThrow(RangeError);
    expect(() =>
      mergeSketches([sketchOf([1], 0.01), sketchOf([1], 0.02)]),
    ).toThrow(RangeError);
  });

  it('rejects stored JSON whose counts do not add up', () => {
    const sketch = sketchOf([1, 2, 3]);
    expect(() => parseQuantileSketch({ ...sketch, count: 4 })).toThrow();
  });
});
