import { normalSf } from './normal';

/**
 * `greater`: the first sample tends to hold larger values than the second;
 * `less`: smaller; `two-sided`: either.
 *
 * @public
 */
export type MannWhitneyAlternative = 'greater' | 'less' | 'two-sided';

/** @public */
export interface MannWhitneyOptions {
  alternative?: MannWhitneyAlternative;
  /**
   * `auto` uses the exact distribution when there are no ties and both samples hold at
   * most `exactLimit` values, where the normal approximation is poorest.
   */
  method?: 'auto' | 'exact' | 'asymptotic';
}

/** @public */
export interface MannWhitneyResult {
  /** U of the first sample: pairs (x, y) with `x > y`, ties counting one half. */
  u1: number;
  u2: number;
  n1: number;
  n2: number;
  /** Standardised U with continuity correction; null for the exact method. */
  z: number | null;
  pValue: number;
  method: 'exact' | 'asymptotic';
  /** Whether any values are shared, which rules out the exact method. */
  ties: boolean;
}

const exactLimit = 20;

/** Ranks of the pooled values (ties get their average rank) and Σ(t³ − t) over tie groups. */
function rankPooled(values: number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (
      end + 1 < order.length &&
      values[order[end + 1]] === values[order[start]]
    ) {
      end++;
    }
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) ranks[order[i]] = averageRank;
    const t = end - start + 1;
    tieTerm += t * t * t - t;
    start = end + 1;
  }
  return { ranks, tieTerm };
}

/**
 * Counts of the arrangements giving each U for samples of sizes n1 and n2 without ties:
 * the coefficients of the Gaussian binomial ∏ᵢ (1 − q^(n2+i)) / (1 − qⁱ), i = 1..n1.
 */
function exactUCounts(n1: number, n2: number): number[] {
  const counts = new Array<number>(n1 * n2 + 1).fill(0);
  counts[0] = 1;
  for (let i = 1; i <= n1; i++) {
    const shift = n2 + i;
    for (let u = counts.length - 1; u >= shift; u--)
      counts[u] -= counts[u - shift];
    for (let u = i; u < counts.length; u++) counts[u] += counts[u - i];
  }
  return counts;
}

function exactPValue(
  u1: number,
  n1: number,
  n2: number,
  alternative: MannWhitneyAlternative,
): number {
  const counts = exactUCounts(n1, n2);
  const total = counts.reduce((sum, c) => sum + c, 0);
  let atLeast = 0;
  let atMost = 0;
  counts.forEach((count, u) => {
    if (u >= u1) atLeast += count;
    if (u <= u1) atMost += count;
  });
  if (alternative === 'greater') return atLeast / total;
  if (alternative === 'less') return atMost / total;
  return Math.min(1, (2 * Math.min(atLeast, atMost)) / total);
}

/**
 * Mann-Whitney U test of two independent samples: exact distribution for small samples
 * without ties, otherwise the normal approximation with tie-corrected variance and a
 * continuity correction of 0.5 (the conventions of scipy.stats.mannwhitneyu).
 *
 * @public
 */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const alternative = options.alternative ?? 'two-sided';
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) {
    throw new Error('Mann-Whitney U needs at least one value in each sample');
  }
  const n = n1 + n2;
  const { ranks, tieTerm } = rankPooled([...x, ...y]);
  const r1 = ranks.slice(0, n1).reduce((sum, r) => sum + r, 0);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const ties = tieTerm > 0;

  const method = options.method ?? 'auto';
  const useExact =
    method === 'exact' ||
    (method === 'auto' && !ties && n1 <= exactLimit && n2 <= exactLimit);
  if (useExact) {
    if (ties) throw new Error('the exact Mann-Whitney test assumes no ties');
    return {
      u1,
      u2,
      n1,
      n2,
      ties,
      z: null,
      pValue: exactPValue(u1, n1, n2, alternative),
      method: 'exact',
    };
  }

  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) {
    // Every value is the same: no evidence either way.
    return { u1, u2, n1, n2, ties, z: 0, pValue: 1, method: 'asymptotic' };
  }
  const sd = Math.sqrt(variance);
  let u = u1;
  if (alternative === 'less') u = u2;
  if (alternative === 'two-sided') u = Math.max(u1, u2);
  const z = (u - mean - 0.5) / sd;
  const tails = alternative === 'two-sided' ? 2 : 1;
  const pValue = Math.min(1, Math.max(0, tails * normalSf(z)));
  return { u1, u2, n1, n2, ties, z, pValue, method: 'asymptotic' };
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
