import { QuantileSketch } from '@greenlight/backstage-plugin-greenlight-common';

/**
 * A quantile sketch as stored in rollup rows: the common `QuantileSketch` with its bins as a
 * flat `[index, count, index, count, …]` array. Parsed, an array of small integers is a
 * fraction of the cost of an object keyed by bucket index, and reading many rows is what
 * team and organisation queries do.
 */
export type FlatSketch = Omit<QuantileSketch, 'bins'> & { bins: number[] };

export function flattenSketch(sketch: QuantileSketch): FlatSketch {
  const bins: number[] = [];
  for (const key of Object.keys(sketch.bins).map(Number).sort((a, b) => a - b)) {
    bins.push(key, sketch.bins[String(key)]);
  }
  return { ...sketch, bins };
}

export function unflattenSketch(flat: FlatSketch): QuantileSketch {
  const bins: Record<string, number> = {};
  for (let i = 0; i < flat.bins.length; i += 2) bins[String(flat.bins[i])] = flat.bins[i + 1];
  return { ...flat, bins };
}

/**
 * Adds up stored sketches into one `QuantileSketch`: counts and bucket counts are summed
 * and the extremes kept, exactly as the common `mergeSketches` does (a test holds them
 * equal), without building a bucket object per stored row.
 */
export class SketchSum {
  private accuracy: number | undefined;
  private count = 0;
  private zeroCount = 0;
  private min: number | null = null;
  private max: number | null = null;
  private readonly bins = new Map<number, number>();

  add(sketch: FlatSketch): this {
    if (this.accuracy === undefined) this.accuracy = sketch.relativeAccuracy;
    else if (sketch.relativeAccuracy !== this.accuracy) {
      throw new RangeError(
        `Cannot merge sketches of relative accuracy ${sketch.relativeAccuracy} and ${this.accuracy}`,
      );
    }
    if (sketch.count === 0) return this;
    this.count += sketch.count;
    this.zeroCount += sketch.zeroCount;
    if (sketch.min !== null) this.min = this.min === null ? sketch.min : Math.min(this.min, sketch.min);
    if (sketch.max !== null) this.max = this.max === null ? sketch.max : Math.max(this.max, sketch.max);
    const b = sketch.bins;
    for (let i = 0; i < b.length; i += 2) this.bins.set(b[i], (this.bins.get(b[i]) ?? 0) + b[i + 1]);
    return this;
  }

  toSketch(defaultAccuracy: number): QuantileSketch {
    const bins: Record<string, number> = {};
    for (const key of [...this.bins.keys()].sort((a, b) => a - b)) bins[String(key)] = this.bins.get(key)!;
    return {
      relativeAccuracy: this.accuracy ?? defaultAccuracy,
      count: this.count,
      zeroCount: this.zeroCount,
      min: this.min,
      max: this.max,
      bins,
    };
  }
}
