/** @public */
export interface ProportionInterval {
  lower: number;
  upper: number;
}

/** z for a two-sided 95% interval. */
export const Z_95 = 1.96;

/**
 * Wilson score interval for a binomial proportion. Chosen over the normal
 * ("Wald") interval because it stays inside [0, 1] and remains meaningful for
 * the small counts and 0% / 100% rates that single services often have.
 * `null` when there are no trials.
 *
 * @public
 */
export function wilsonInterval(
  successes: number,
  trials: number,
  z: number = Z_95,
): ProportionInterval | null {
  if (trials <= 0) return null;
  if (successes < 0 || successes > trials) {
    throw new RangeError(`Invalid proportion ${successes}/${trials}`);
  }
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const halfWidth =
    (z / denominator) *
    Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 % and 100 % the bounds are exactly 0 and 1; computed, they can miss by one unit in
  // the last place (6 of 6 gives 0.9999999999999999), leaving the rate outside its interval.
  return {
    lower: successes === 0 ? 0 : Math.max(0, centre - halfWidth),
    upper: successes === trials ? 1 : Math.min(1, centre + halfWidth),
  };
}
