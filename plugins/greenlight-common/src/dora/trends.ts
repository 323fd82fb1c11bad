import { DoraMetrics } from './metrics';
import { DoraGranularity, previousWindow, splitWindow } from './time';
import { DoraWindow } from './types';

/**
 * Computes metrics for a window; either
 * `w => computeDoraMetrics(input, w, options)` over raw events or
 * `w => metricsFromRollups(rollups, w, options)` over stored rollups.
 *
 * @public
 */
export type DoraMetricsForWindow = (window: DoraWindow) => DoraMetrics;

/** @public */
export interface DoraTrendPoint {
  /** `2026-W02` or `2026-01`. */
  label: string;
  metrics: DoraMetrics;
}

/**
 * Metrics per ISO week (Monday 00:00 UTC) or UTC calendar month; the first and
 * last points cover only the part of their week or month inside the window.
 *
 * @public
 */
export function doraTrend(
  window: DoraWindow,
  granularity: DoraGranularity,
  metricsFor: DoraMetricsForWindow,
): DoraTrendPoint[] {
  return splitWindow(window, granularity).map(bucket => ({
    label: bucket.label,
    metrics: metricsFor(bucket.window),
  }));
}

/**
 * Current minus previous for each headline figure; `null` when either is
 * missing.
 *
 * @public
 */
export interface DoraHeadlineChange {
  deploymentsPerDay: number | null;
  changeLeadTimeMedianMs: number | null;
  changeFailRate: number | null;
  failedDeploymentRecoveryTimeMedianMs: number | null;
  deploymentReworkRate: number | null;
}

/** @public */
export interface DoraPeriodComparison {
  current: DoraMetrics;
  /** The window of the same length immediately before the current one. */
  previous: DoraMetrics;
  change: DoraHeadlineChange;
}

function difference(current: number | null, previous: number | null) {
  return current === null || previous === null ? null : current - previous;
}

/** @public */
export function compareWithPreviousPeriod(
  window: DoraWindow,
  metricsFor: DoraMetricsForWindow,
): DoraPeriodComparison {
  const current = metricsFor(window);
  const previous = metricsFor(previousWindow(window));
  return {
    current,
    previous,
    change: {
      deploymentsPerDay: difference(
        current.deploymentFrequency.perDay,
        previous.deploymentFrequency.perDay,
      ),
      changeLeadTimeMedianMs: difference(
        current.changeLeadTime.medianMs,
        previous.changeLeadTime.medianMs,
      ),
      changeFailRate: difference(
        current.changeFailRate.rate,
        previous.changeFailRate.rate,
      ),
      failedDeploymentRecoveryTimeMedianMs: difference(
        current.failedDeploymentRecoveryTime.medianMs,
        previous.failedDeploymentRecoveryTime.medianMs,
      ),
      deploymentReworkRate: difference(
        current.deploymentReworkRate.rate,
        previous.deploymentReworkRate.rate,
      ),
    },
  };
}
