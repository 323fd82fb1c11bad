import fc from 'fast-check';
import { mannWhitneyU, median } from './mannWhitney';
import { normalCdf, normalSf } from './normal';

describe('normal distribution', () => {
  it('matches table values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalSf(1.644854)).toBeCloseTo(0.05, 6);
    expect(normalSf(-3)).toBeCloseTo(0.998650102, 6);
  });
});

describe('mannWhitneyU', () => {
  // Worked example used by scipy.stats.mannwhitneyu's documentation.
  // Pooled ranks: 11F=1 12F=2 16M=3 17F=4 19M=5 20F=6 22M=7 24M=8 29M=9.
  // R1 (males) = 3+5+7+8+9 = 32, U1 = 32 − 5·6/2 = 17, U2 = 5·4 − 17 = 3.
  const males = [19, 22, 16, 29, 24];
  const females = [20, 11, 17, 12];

  it('computes U for both samples', () => {
    const result = mannWhitneyU(males, females);
    expect(result.u1).toBe(17);
    expect(result.u2).toBe(3);
  });

  it('gives exact p-values from the U distribution', () => {
    // C(9,4) = 126 arrangements; U ≤ 3 in 1+1+2+3 = 7 of them (partitions of 0..3
    // fitting a 5×4 box), so P(U ≥ 17) = 7/126 and the two-sided p is 14/126.
    const twoSided = mannWhitneyU(males, females, { method: 'exact' });
    expect(twoSided.method).toBe('exact');
    expect(twoSided.pValue).toBeCloseTo(14 / 126, 12);
    const greater = mannWhitneyU(males, females, { alternative: 'greater' });
    expect(greater.pValue).toBeCloseTo(7 / 126, 12);
    // P(U ≤ 17) = 1 − P(U ≥ 18) = 1 − 4/126 (U ≤ 2 in 1+1+2 arrangements).
    const less = mannWhitneyU(males, females, { alternative: 'less' });
    expect(less.pValue).toBeCloseTo(122 / 126, 12);
  });

  it('gives the normal approximation with continuity correction', () => {
    // μ = 20/2 = 10, σ² = 5·4·10/12 = 16.667, z = (17 − 10 − 0.5)/4.0825 = 1.5922,
    // two-sided p = 2·(1 − Φ(1.5922)) = 0.111347 (scipy: 0.11134688653314041).
    const result = mannWhitneyU(males, females, { method: 'asymptotic' });
    expect(result.z).toBeCloseTo(1.592168, 5);
    expect(result.pValue).toBeCloseTo(0.111347, 5);
    expect(
      mannWhitneyU(males, females, {
        method: 'asymptotic',
        alternative: 'greater',
      }).pValue,
    ).toBeCloseTo(0.055673, 5);
  });

  it('corrects the variance for ties', () => {
    // Pooled ranks: 1y=1, 2y 2y=2.5, 3x 3y=4.5, 4x 4x 4y=7, 5x=9, 6x 6x=10.5.
    // R1 = 4.5+7+7+9+10.5+10.5 = 48.5, U1 = 48.5 − 21 = 27.5.
    // Tie groups of 2, 2, 3, 2: Σ(t³ − t) = 6+6+24+6 = 42.
    // σ² = 6·5/12 · (12 − 42/(11·10)) = 29.04545, z = (27.5 − 15 − 0.5)/5.38938 = 2.22660,
    // one-sided p = 1 − Φ(2.2266) = 0.012987 (scipy: 0.012987017603125232).
    const x = [3, 4, 4, 5, 6, 6];
    const y = [1, 2, 2, 3, 4];
    const result = mannWhitneyU(x, y, { alternative: 'greater' });
    expect(result.ties).toBe(true);
    expect(result.method).toBe('asymptotic');
    expect(result.u1).toBe(27.5);
    expect(result.z).toBeCloseTo(2.2266, 4);
    expect(result.pValue).toBeCloseTo(0.012987, 5);
    expect(mannWhitneyU(x, y).pValue).toBeCloseTo(0.025974, 5);
  });

  it('gives 1/C(16,8) for completely separated samples of eight', () => {
    const result = mannWhitneyU(
      [1, 2, 3, 4, 5, 6, 7, 8],
      [9, 10, 11, 12, 13, 14, 15, 16],
      {
        alternative: 'less',
      },
    );
    expect(result.u1).toBe(0);
    expect(result.pValue).toBeCloseTo(1 / 12870, 12);
  });

  it('agrees with scipy 1.17 exact p-values inside the distribution', () => {
    // Interleaved samples: each x exceeds 0..7 of the y values, U1 = 0+1+…+7 = 28.
    const interleaved = mannWhitneyU(
      [1, 3, 5, 7, 9, 11, 13, 15],
      [2, 4, 6, 8, 10, 12, 14, 16],
      {
        alternative: 'less',
      },
    );
    expect(interleaved.u1).toBe(28);
    expect(interleaved.pValue).toBeCloseTo(0.3604506604506604, 12);
    const uneven = mannWhitneyU(
      [1.1, 2.5, 3.3, 4.7, 8.2, 9.9, 12.0],
      [2.0, 5.1, 6.3, 7.7, 10.4, 11.2, 13.5, 14.1, 15.0],
    );
    expect(uneven.u1).toBe(17);
    expect(uneven.pValue).toBeCloseTo(0.14160839160839161, 12);
  });

  it('gives p = 1 when every value is the same', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5]).pValue).toBe(1);
  });

  it('rejects empty samples and the exact method with ties', () => {
    expect(() => mannWhitneyU([], [1])).toThrow();
    expect(() => mannWhitneyU([1, 2], [2, 3], { method: 'exact' })).toThrow(
      /ties/,
    );
  });

  const sample = fc.array(fc.integer({ min: -20, max: 20 }), {
    minLength: 1,
    maxLength: 25,
  });

  it('always has U1 + U2 = n1·n2 and p in [0, 1]', () => {
    fc.assert(
      fc.property(
        sample,
        sample,
        fc.constantFrom('greater', 'less', 'two-sided' as const),
        (x, y, alt) => {
          const result = mannWhitneyU(x, y, { alternative: alt });
          expect(result.u1 + result.u2).toBe(x.length * y.length);
          expect(result.pValue).toBeGreaterThanOrEqual(0);
          expect(result.pValue).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('is symmetric: "x greater than y" is "y less than x"', () => {
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const a = mannWhitneyU(x, y, { alternative: 'greater' });
        const b = mannWhitneyU(y, x, { alternative: 'less' });
        expect(a.pValue).toBeCloseTo(b.pValue, 10);
      }),
    );
  });
});

describe('median', () => {
  it('handles odd and even lengths', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
