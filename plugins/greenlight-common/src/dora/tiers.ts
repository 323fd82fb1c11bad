import { MS_PER_DAY, MS_PER_HOUR } from './time';

/** @public */
export type DoraPerformanceLevel = 'elite' | 'high' | 'medium' | 'low';

/**
 * `insufficient-data`: fewer samples than the configured minimum, so a level
 * would be noise. `not-benchmarked`: the report publishes no levels for it.
 *
 * @public
 */
export type DoraTierRating =
  | DoraPerformanceLevel
  | 'insufficient-data'
  | 'not-benchmarked';

/** @public */
export const DORA_REPORT_YEARS = [2023, 2024] as const;
/** @public */
export type DoraReportYear = (typeof DORA_REPORT_YEARS)[number];
/** @public */
export const DEFAULT_DORA_REPORT_YEAR: DoraReportYear = 2024;

/** @public */
export interface DoraMinimumSamples {
  /** Change fail rate and rework rate: production deployments in the denominator. */
  deployments: number;
  /** Change lead time: commits with a lead time. */
  commits: number;
  /** Recovery time: recovered failed deployments. */
  recoveries: number;
  /** Deployment frequency: window length in days (few deploys is the signal, not noise). */
  windowDays: number;
}

/** @public */
export const DEFAULT_MINIMUM_SAMPLES: DoraMinimumSamples = {
  deployments: 10,
  commits: 10,
  recoveries: 5,
  windowDays: 7,
};

/**
 * The bound we derived from one level's published value. A value is rated at
 * the best level whose bound it meets, and `low` otherwise, because the
 * reports publish typical values per level, not a partition of all values.
 *
 * @public
 */
export interface DoraLevelBound {
  level: Exclude<DoraPerformanceLevel, 'low'>;
  limit: number;
  inclusive: boolean;
}

/** @public */
export interface DoraMetricLevels {
  better: 'higher' | 'lower';
  /** Verbatim level descriptions from the report, for display. */
  published: Record<DoraPerformanceLevel, string>;
  bounds: DoraLevelBound[];
}

/** @public */
export interface DoraLevelTable {
  year: DoraReportYear;
  source: string;
  deploymentFrequencyPerDay: DoraMetricLevels;
  changeLeadTimeMs: DoraMetricLevels;
  changeFailRate: DoraMetricLevels;
  failedDeploymentRecoveryTimeMs: DoraMetricLevels;
}

const DAY = MS_PER_DAY;
// The reports speak of weeks and months; a month is taken as 30 days.
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;

/**
 * Deployment frequency and lead time ranges are the same in both years (only
 * the low level differs), so they are shared.
 */
const deploymentFrequencyBounds: DoraLevelBound[] = [
  // "On demand (multiple deploys per day)": more than one per day on average.
  { level: 'elite', limit: 1, inclusive: false },
  { level: 'high', limit: 1 / 7, inclusive: true },
  { level: 'medium', limit: 1 / 30, inclusive: true },
];
const leadTimeBounds: DoraLevelBound[] = [
  { level: 'elite', limit: DAY, inclusive: false },
  { level: 'high', limit: WEEK, inclusive: true },
  { level: 'medium', limit: MONTH, inclusive: true },
];

/**
 * Accelerate State of DevOps Report 2023 (DORA / Google Cloud,
 * https://dora.dev/research/2023/dora-report/), table of software delivery
 * performance levels in the chapter comparing respondents' performance. Its
 * low level repeats the medium throughput ranges, so throughput slower than
 * medium is rated low as the only remaining level. Page and figure numbers are
 * not given because they differ between editions of the PDF.
 */
const levels2023: DoraLevelTable = {
  year: 2023,
  source:
    'Accelerate State of DevOps Report 2023, software delivery performance levels',
  deploymentFrequencyPerDay: {
    better: 'higher',
    published: {
      elite: 'On demand (multiple deploys per day)',
      high: 'Between once per day and once per week',
      medium: 'Between once per week and once per month',
      low: 'Between once per week and once per month',
    },
    bounds: deploymentFrequencyBounds,
  },
  changeLeadTimeMs: {
    better: 'lower',
    published: {
      elite: 'Less than one day',
      high: 'Between one day and one week',
      medium: 'Between one week and one month',
      low: 'Between one week and one month',
    },
    bounds: leadTimeBounds,
  },
  changeFailRate: {
    better: 'lower',
    published: { elite: '5%', high: '10%', medium: '15%', low: '64%' },
    bounds: [
      { level: 'elite', limit: 0.05, inclusive: true },
      { level: 'high', limit: 0.1, inclusive: true },
      { level: 'medium', limit: 0.15, inclusive: true },
    ],
  },
  failedDeploymentRecoveryTimeMs: {
    better: 'lower',
    published: {
      elite: 'Less than one hour',
      high: 'Less than one day',
      medium: 'Between one day and one week',
      low: 'Between one month and six months',
    },
    bounds: [
      { level: 'elite', limit: MS_PER_HOUR, inclusive: false },
      { level: 'high', limit: DAY, inclusive: false },
      { level: 'medium', limit: WEEK, inclusive: true },
    ],
  },
};

/**
 * Accelerate State of DevOps Report 2024 (DORA / Google Cloud,
 * https://dora.dev/research/2024/dora-report/), table of software delivery
 * performance levels in the software delivery performance chapter. The
 * published change fail rate of medium (10%) is lower than high's (20%), and
 * medium's recovery time equals high's, so with "best level met" medium is
 * unreachable for those two metrics; we keep the published numbers rather than
 * invent a monotonic table. Rework rate, new in this report, has no levels.
 */
const levels2024: DoraLevelTable = {
  year: 2024,
  source:
    'Accelerate State of DevOps Report 2024, software delivery performance levels',
  deploymentFrequencyPerDay: {
    better: 'higher',
    published: {
      elite: 'On demand (multiple deploys per day)',
      high: 'Between once per day and once per week',
      medium: 'Between once per week and once per month',
      low: 'Between once per month and once every six months',
    },
    bounds: deploymentFrequencyBounds,
  },
  changeLeadTimeMs: {
    better: 'lower',
    published: {
      elite: 'Less than one day',
      high: 'Between one day and one week',
      medium: 'Between one week and one month',
      low: 'Between one month and six months',
    },
    bounds: leadTimeBounds,
  },
  changeFailRate: {
    better: 'lower',
    published: { elite: '5%', high: '20%', medium: '10%', low: '40%' },
    bounds: [
      { level: 'elite', limit: 0.05, inclusive: true },
      { level: 'high', limit: 0.2, inclusive: true },
      { level: 'medium', limit: 0.1, inclusive: true },
    ],
  },
  failedDeploymentRecoveryTimeMs: {
    better: 'lower',
    published: {
      elite: 'Less than one hour',
      high: 'Less than one day',
      medium: 'Less than one day',
      low: 'Between one week and one month',
    },
    bounds: [
      { level: 'elite', limit: MS_PER_HOUR, inclusive: false },
      { level: 'high', limit: DAY, inclusive: false },
      { level: 'medium', limit: DAY, inclusive: false },
    ],
  },
};

/** @public */
export const DORA_LEVEL_TABLES: Record<DoraReportYear, DoraLevelTable> = {
  2023: levels2023,
  2024: levels2024,
};

function meets(
  value: number,
  bound: DoraLevelBound,
  better: 'higher' | 'lower',
) {
  if (better === 'higher') {
    return bound.inclusive ? value >= bound.limit : value > bound.limit;
  }
  return bound.inclusive ? value <= bound.limit : value < bound.limit;
}

/** @public */
export function rateLevel(
  value: number,
  metric: DoraMetricLevels,
): DoraPerformanceLevel {
  const met = metric.bounds.find(b => meets(value, b, metric.better));
  return met ? met.level : 'low';
}

/** @public */
export interface DoraTierAssessment {
  reportYear: DoraReportYear;
  deploymentFrequency: DoraTierRating;
  changeLeadTime: DoraTierRating;
  changeFailRate: DoraTierRating;
  failedDeploymentRecoveryTime: DoraTierRating;
  /** Introduced in 2024 without published performance levels. */
  deploymentReworkRate: DoraTierRating;
}

/** The figures tiers are assigned from, with their sample sizes. */
export interface TierInputs {
  windowDays: number;
  deploymentsPerDay: number | null;
  leadTimeMedianMs: number | null;
  commits: number;
  changeFailRate: number | null;
  deployments: number;
  recoveryMedianMs: number | null;
  recoveries: number;
}

function rated(
  value: number | null,
  samples: number,
  minimum: number,
  metric: DoraMetricLevels,
): DoraTierRating {
  if (value === null || samples < minimum) return 'insufficient-data';
  return rateLevel(value, metric);
}

export function assessTiers(
  inputs: TierInputs,
  year: DoraReportYear,
  minimum: DoraMinimumSamples,
): DoraTierAssessment {
  const table = DORA_LEVEL_TABLES[year];
  return {
    reportYear: year,
    deploymentFrequency: rated(
      inputs.deploymentsPerDay,
      inputs.windowDays,
      minimum.windowDays,
      table.deploymentFrequencyPerDay,
    ),
    changeLeadTime: rated(
      inputs.leadTimeMedianMs,
      inputs.commits,
      minimum.commits,
      table.changeLeadTimeMs,
    ),
    changeFailRate: rated(
      inputs.changeFailRate,
      inputs.deployments,
      minimum.deployments,
      table.changeFailRate,
    ),
    failedDeploymentRecoveryTime: rated(
      inputs.recoveryMedianMs,
      inputs.recoveries,
      minimum.recoveries,
      table.failedDeploymentRecoveryTimeMs,
    ),
    deploymentReworkRate: 'not-benchmarked',
  };
}
