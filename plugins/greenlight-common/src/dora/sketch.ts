import { z } from 'zod';
import { nearestRankIndex } from './quantiles';

/**
 * Relative accuracy of the sketches the backend stores in daily rollups: every
 * quantile read from a sketch is within 1% of the exact nearest-rank quantile
 * of the same values.
 *
 * @public
 */
export const DEFAULT_SKETCH_RELATIVE_ACCURACY = 0.01;

/**
 * A mergeable quantile sketch for non-negative values (DDSketch, Masson, Rim
 * and Lee, VLDB 2019) as plain JSON-serialisable data.
 *
 * A positive value `x` is counted in bucket `i = ceil(log_gamma(x))` with
 * `gamma = (1 + alpha) / (1 - alpha)`, i.e. bucket `i` holds
 * `(gamma^(i-1), gamma^i]`, and the bucket is read back as
 * `2 * gamma^i / (gamma + 1)`, which is within relative error `alpha` of every
 * value in the bucket. Zeros are counted apart because `log(0)` is undefined.
 * Merging adds bucket counts, so it is exact, associative and commutative:
 * sketches of days can be merged into weeks, teams or organisations without
 * losing accuracy.
 *
 * @public
 */
export interface QuantileSketch {
  relativeAccuracy: number;
  count: number;
  zeroCount: number;
  /** Exact minimum, `null` when empty; reads are clamped to [min, max]. */
  min: number | null;
  max: number | null;
  /** Bucket index (as a decimal string, so it survives JSON) to count. */
  bins: Record<string, number>;
}

const count = z.number().int().nonnegative();

/** @public */
export const quantileSketchSchema = z
  .object({
    relativeAccuracy: z.number().gt(0).lt(1),
    count,
    zeroCount: count,
    min: z.number().nonnegative().nullable(),
    max: z.number().nonnegative().nullable(),
    bins: z.record(z.string().regex(/^-?\d+$/), count.positive()),
  })
  .refine(
    s =>
      s.zeroCount + Object.values(s.bins).reduce((a, b) => a + b, 0) ===
      s.count,
    { message: 'count must equal zeroCount plus the bin counts' },
  );

function gammaOf(alpha: number): number {
  return (1 + alpha) / (1 - alpha);
}

/** @public */
export function emptySketch(
  relativeAccuracy: number = DEFAULT_SKETCH_RELATIVE_ACCURACY,
): QuantileSketch {
  if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
    throw new RangeError(`Relative accuracy must be in (0, 1)`);
  }
  return {
    relativeAccuracy,
    count: 0,
    zeroCount: 0,
    min: null,
    max: null,
    bins: {},
  };
}

/**
 * Builds a sketch of non-negative finite values (durations in ms).
 *
 * @public
 */
export function sketchOf(
  values: Iterable<number>,
  relativeAccuracy: number = DEFAULT_SKETCH_RELATIVE_ACCURACY,
): QuantileSketch {
  const sketch = emptySketch(relativeAccuracy);
  const logGamma = Math.log(gammaOf(relativeAccuracy));
  for (const value of values) {
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(
        `Sketch values must be finite and >= 0, got ${value}`,
      );
    }
    sketch.count += 1;
    sketch.min = sketch.min === null ? value : Math.min(sketch.min, value);
    sketch.max = sketch.max === null ? value : Math.max(sketch.max, value);
    if (value === 0) {
      sketch.zeroCount += 1;
    } else {
      const key = String(Math.ceil(Math.log(value) / logGamma));
      sketch.bins[key] = (sketch.bins[key] ?? 0) + 1;
    }
  }
  return sketch;
}

function minOf(a: number | null, b: number | null) {
  if (a === null) return b;
  return b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null) {
  if (a === null) return b;
  return b === null ? a : Math.max(a, b);
}

/**
 * Merges sketches of the same relative accuracy into a new sketch. The result
 * equals the sketch of all underlying values.
 *
 * @public
 */
export function mergeSketches(
  sketches: readonly QuantileSketch[],
  relativeAccuracy: number = sketches[0]?.relativeAccuracy ??
    DEFAULT_SKETCH_RELATIVE_ACCURACY,
): QuantileSketch {
  const merged = emptySketch(relativeAccuracy);
  for (const sketch of sketches) {
    if (sketch.relativeAccuracy !== relativeAccuracy) {
      // Buckets of different widths cannot be added without losing the bound.
      throw new RangeError(
        `Cannot merge sketches of relative accuracy ${sketch.relativeAccuracy} and ${relativeAccuracy}`,
      );
    }
    merged.count += sketch.count;
    merged.zeroCount += sketch.zeroCount;
    merged.min = minOf(merged.min, sketch.min);
    merged.max = maxOf(merged.max, sketch.max);
    for (const [key, n] of Object.entries(sketch.bins)) {
      merged.bins[key] = (merged.bins[key] ?? 0) + n;
    }
  }
  return merged;
}

/**
 * Nearest-rank quantile estimate `v` with `|v - x| <= relativeAccuracy * x`,
 * where `x` is the exact nearest-rank quantile of the sketched values.
 * `null` for an empty sketch.
 *
 * @public
 */
export function sketchQuantile(
  sketch: QuantileSketch,
  q: number,
): number | null {
  if (sketch.count === 0) return null;
  return sketchValueAtRank(sketch, nearestRankIndex(q, sketch.count));
}

/**
 * The estimate of the sketched value of zero-based `rank` in ascending order, within the
 * sketch's relative accuracy.
 */
export function sketchValueAtRank(
  sketch: QuantileSketch,
  rank: number,
): number {
  if (!(rank >= 0 && rank < sketch.count)) {
    throw new RangeError(`Rank ${rank} is outside a sketch of ${sketch.count}`);
  }
  if (rank < sketch.zeroCount) return 0;
  const gamma = gammaOf(sketch.relativeAccuracy);
  const indices = Object.keys(sketch.bins)
    .map(Number)
    .sort((a, b) => a - b);
  let seen = sketch.zeroCount;
  for (const index of indices) {
    seen += sketch.bins[String(index)];
    if (seen > rank) {
      const estimate = (2 * gamma ** index) / (gamma + 1);
      // Clamping only moves the estimate towards the true value.
      return Math.min(
        sketch.max ?? estimate,
        Math.max(sketch.min ?? 0, estimate),
      );
    }
  }
  throw new Error('Corrupt sketch: bin counts do not add up to count');
}

/**
 * Validates sketch JSON read back from storage.
 *
 * @public
 */
export function parseQuantileSketch(json: unknown): QuantileSketch {
  return quantileSketchSchema.parse(json);
}
