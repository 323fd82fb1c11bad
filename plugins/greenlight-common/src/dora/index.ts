/**
 * Pure DORA software delivery metric maths: definitions in docs/dora.md.
 */

export type {
  DoraChangeIntent,
  DoraDeployment,
  DoraDeploymentStatus,
  DoraEnvironmentTier,
  DoraIncident,
  DoraInput,
  DoraWindow,
} from './types';
export type { DoraReworkIntent } from './deployments';
export { isReworkIntent } from './deployments';
export type { DoraFailureReason } from './changeFailure';
export { DEFAULT_ATTRIBUTION_HORIZON_MS } from './changeFailure';
export type {
  DoraDeploymentFrequency,
  DoraWeekDeploymentDays,
} from './deploymentFrequency';
export type { DoraOptions } from './options';
export type {
  DoraChangeFailRate,
  DoraChangeLeadTime,
  DoraLeadTimeBasis,
  DoraFailedDeployment,
  DoraMetrics,
  DoraRate,
  DoraRecoveryTime,
} from './metrics';
export { computeDoraMetrics } from './metrics';
export type { DurationSummary } from './quantiles';
export { exactQuantile } from './quantiles';
export type { ProportionInterval } from './wilson';
export { wilsonInterval } from './wilson';
export type { QuantileSketch } from './sketch';
export {
  DEFAULT_SKETCH_RELATIVE_ACCURACY,
  emptySketch,
  mergeSketches,
  parseQuantileSketch,
  quantileSketchSchema,
  sketchOf,
  sketchQuantile,
} from './sketch';
export type {
  DoraLevelBound,
  DoraLevelTable,
  DoraMetricLevels,
  DoraMinimumSamples,
  DoraPerformanceLevel,
  DoraReportYear,
  DoraTierAssessment,
  DoraTierRating,
} from './tiers';
export {
  DEFAULT_DORA_REPORT_YEAR,
  DEFAULT_MINIMUM_SAMPLES,
  DORA_LEVEL_TABLES,
  DORA_REPORT_YEARS,
  rateLevel,
} from './tiers';
export type { DoraDailyRollup } from './rollups';
export {
  buildDailyRollups,
  fromMergeOf,
  doraDailyRollupSchema,
  mergeDailyRollups,
  metricsFromRollups,
  parseDoraDailyRollup,
} from './rollups';
export type { DoraStaleRollups } from './staleRollups';
export { staleRollupDays } from './staleRollups';
export type {
  DoraHeadlineChange,
  DoraMetricsForWindow,
  DoraPeriodComparison,
  DoraTrendPoint,
} from './trends';
export { compareWithPreviousPeriod, doraTrend } from './trends';
export type { DoraBucket, DoraGranularity } from './time';
export {
  isInWindow,
  isoWeekLabel,
  isoWeekStart,
  MS_PER_DAY,
  MS_PER_HOUR,
  previousWindow,
  splitWindow,
  utcDayKey,
  windowDays,
} from './time';
