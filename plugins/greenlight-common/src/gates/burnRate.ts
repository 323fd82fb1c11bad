import type { BurnRateWindow } from './types';

/**
 * Error ratio from good/total or bad/total counts; NaN when it cannot be known.
 *
 * @public
 */
export function errorRatio(
  source: 'good' | 'bad',
  numerator: number,
  total: number,
): number {
  if (!Number.isFinite(numerator) || !Number.isFinite(total) || total <= 0) {
    return NaN;
  }
  const bad = source === 'bad' ? numerator : total - numerator;
  // Counters scraped at slightly different moments can make good exceed total.
  return Math.min(1, Math.max(0, bad / total));
}

/**
 * How many times faster than sustainable the error budget is being spent.
 *
 * @public
 */
export function burnRate(ratio: number, objective: number): number {
  return ratio / (1 - objective);
}

/**
 * The highest burn rate possible (every request failing); a factor above it never fires.
 *
 * @public
 */
export function maxBurnRate(objective: number): number {
  return 1 / (1 - objective);
}

/**
 * The burn-rate factor that spends `budgetFraction` of the budget of an SLO period
 * within one long window: factor = budgetFraction × period / longWindow.
 *
 * @public
 */
export function burnRateFactor(
  budgetFraction: number,
  periodSeconds: number,
  longWindowSeconds: number,
): number {
  return (budgetFraction * periodSeconds) / longWindowSeconds;
}

/**
 * A row of the "Alerting on SLOs" multi-window, multi-burn-rate table.
 *
 * @public
 */
export interface WorkbookBurnRateRow extends BurnRateWindow {
  budgetFraction: number;
  severity: 'page' | 'ticket';
}

/**
 * The SRE workbook's recommended table for a 30-day SLO period.
 *
 * @public
 */
export const sreWorkbookBurnRateTable: readonly WorkbookBurnRateRow[] = [
  {
    severity: 'page',
    budgetFraction: 0.02,
    longSeconds: 3600,
    shortSeconds: 300,
    factor: 14.4,
  },
  {
    severity: 'page',
    budgetFraction: 0.05,
    longSeconds: 6 * 3600,
    shortSeconds: 1800,
    factor: 6,
  },
  {
    severity: 'ticket',
    budgetFraction: 0.1,
    longSeconds: 3 * 86400,
    shortSeconds: 6 * 3600,
    factor: 1,
  },
];

/**
 * Shrinks windows that are longer than the rollout so that they mostly measure the new
 * version. Every window is multiplied by `s = rolloutSeconds / longest long window` (only
 * when `s < 1`), which keeps the long:short ratios, then raised to `minWindowSeconds`
 * because very short rate windows hold too few scrapes. Factors stay as they are: a
 * factor is a speed of budget spending, which does not depend on the window length.
 *
 * @public
 */
export function scaleBurnRateWindows(
  windows: readonly BurnRateWindow[],
  rolloutSeconds: number,
  minWindowSeconds: number,
): BurnRateWindow[] {
  const longest = Math.max(...windows.map(w => w.longSeconds));
  const scale = Math.min(1, rolloutSeconds / longest);
  const fit = (seconds: number) =>
    Math.max(minWindowSeconds, Math.round(seconds * scale));
  return windows.map(w => {
    const longSeconds = fit(w.longSeconds);
    return {
      longSeconds,
      shortSeconds: Math.min(longSeconds, fit(w.shortSeconds)),
      factor: w.factor,
    };
  });
}

/**
 * Burn rates measured for one window pair.
 *
 * @public
 */
export interface WindowBurn {
  window: BurnRateWindow;
  longBurn: number;
  shortBurn: number;
}

/**
 * Whether a window pair fires: both burn rates strictly above the factor.
 *
 * @public
 */
export function windowFires(burn: WindowBurn): boolean {
  return (
    burn.longBurn > burn.window.factor && burn.shortBurn > burn.window.factor
  );
}

/**
 * Multi-window, multi-burn-rate: the gate fires when any pair fires.
 *
 * @public
 */
export function multiWindowFires(burns: readonly WindowBurn[]): boolean {
  return burns.some(windowFires);
}
