import { DEFAULT_ATTRIBUTION_HORIZON_MS } from './changeFailure';
import { DEFAULT_SKETCH_RELATIVE_ACCURACY } from './sketch';
import {
  DEFAULT_DORA_REPORT_YEAR,
  DEFAULT_MINIMUM_SAMPLES,
  DoraMinimumSamples,
  DoraReportYear,
} from './tiers';

/** @public */
export interface DoraOptions {
  /**
   * How long after a deployment finished a rollback, revert or hotfix that
   * names it still marks it as a failed change. Default 7 days.
   */
  attributionHorizonMs?: number;
  /** Which report's performance levels to rate against. Default 2024. */
  reportYear?: DoraReportYear;
  /** Below these sample sizes a metric is rated `insufficient-data`. */
  minimumSamples?: Partial<DoraMinimumSamples>;
  /** Relative accuracy of rollup sketches. Default 0.01. */
  sketchRelativeAccuracy?: number;
}

export interface ResolvedDoraOptions {
  attributionHorizonMs: number;
  reportYear: DoraReportYear;
  minimumSamples: DoraMinimumSamples;
  sketchRelativeAccuracy: number;
}

export function resolveOptions(options: DoraOptions = {}): ResolvedDoraOptions {
  return {
    attributionHorizonMs:
      options.attributionHorizonMs ?? DEFAULT_ATTRIBUTION_HORIZON_MS,
    reportYear: options.reportYear ?? DEFAULT_DORA_REPORT_YEAR,
    minimumSamples: { ...DEFAULT_MINIMUM_SAMPLES, ...options.minimumSamples },
    sketchRelativeAccuracy:
      options.sketchRelativeAccuracy ?? DEFAULT_SKETCH_RELATIVE_ACCURACY,
  };
}
