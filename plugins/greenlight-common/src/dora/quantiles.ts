/**
 * Zero-based index of the nearest-rank quantile: the smallest observation such
 * that at least `q` of all observations are less than or equal to it
 * (rank `ceil(q * n)`, with `q = 0` meaning the minimum).
 *
 * Nearest rank is used everywhere (exact and sketched) because it always
 * reports a duration that was actually observed, and because the sketch's
 * relative-error guarantee is stated for rank-based quantiles; interpolated
 * quantiles could fall between two far-apart observations where no bucket
 * bound applies.
 */
export function nearestRankIndex(q: number, n: number): number {
  if (!(q >= 0 && q <= 1)) {
    throw new RangeError(`Quantile must be within [0, 1], got ${q}`);
  }
  return Math.max(0, Math.ceil(q * n) - 1);
}

/**
 * Exact nearest-rank quantile; `null` for no observations.
 *
 * @public
 */
export function exactQuantile(
  values: readonly number[],
  q: number,
): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[nearestRankIndex(q, sorted.length)];
}

/** @public */
export interface DurationSummary {
  /** Number of observations. */
  n: number;
  /** Nearest-rank median in milliseconds; `null` when `n` is 0. */
  medianMs: number | null;
  /** Nearest-rank 90th percentile in milliseconds; `null` when `n` is 0. */
  p90Ms: number | null;
}

export function summariseDurations(values: readonly number[]): DurationSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q: number) =>
    sorted.length === 0 ? null : sorted[nearestRankIndex(q, sorted.length)];
  return { n: sorted.length, medianMs: pick(0.5), p90Ms: pick(0.9) };
}
