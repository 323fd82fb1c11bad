import type {
  DoraHeadlineChange,
  DoraMetrics,
  DoraTierAssessment,
  DoraTierRating,
} from '@greenlight/backstage-plugin-greenlight-common';
import { chooseScale, MetricQuantity, UnitChoice, UnitScale } from './doraUnits';
import { formatDuration, formatFrequency, formatPercent, frequencyUnit } from './format';

export type DoraMetricKey = Exclude<keyof DoraTierAssessment, 'reportYear'>;

/** How one of the five DORA metrics is read out of `DoraMetrics` and shown. */
export type DoraMetricDefinition = {
  key: DoraMetricKey;
  title: string;
  /** Which direction is an improvement, for delta arrows. */
  better: 'higher' | 'lower';
  /** Quantile-based, so approximate when computed from sketches. */
  quantile: boolean;
  /** What the value measures, which decides the units it can be shown in. */
  quantity: MetricQuantity;
  value(metrics: DoraMetrics): number | null;
  /** The sample the value rests on, and what it counts. */
  sample(metrics: DoraMetrics): number;
  sampleLabel: string;
  /** What the sample was measured from, when that is not the metric's usual start. */
  basis?(metrics: DoraMetrics): string | null;
  format(value: number | null): string;
  /** The change, in the unit its current value is shown in when that matters. */
  formatChange(change: number, current?: number | null): string;
  change(change: DoraHeadlineChange): number | null;
};

const signed = (text: string, value: number) => (value > 0 ? `+${text}` : text);
/** A change between two rates, in percentage points. */
const formatPoints = (change: number) => signed(`${(change * 100).toFixed(1)} pts`, change);

export const DORA_METRICS: DoraMetricDefinition[] = [
  {
    key: 'deploymentFrequency',
    title: 'Deployment frequency',
    better: 'higher',
    quantile: false,
    quantity: 'frequency',
    value: m => m.deploymentFrequency.perDay,
    sample: m => m.deploymentFrequency.count,
    sampleLabel: 'deployments',
    basis: m => frequencyBasisNote(m),
    format: formatFrequency,
    formatChange: (c, current) =>
      signed(formatFrequency(c, current === null || current === undefined ? undefined : frequencyUnit(current)), c),
    change: c => c.deploymentsPerDay,
  },
  {
    key: 'changeLeadTime',
    title: 'Change lead time (median)',
    better: 'lower',
    quantile: true,
    quantity: 'duration',
    value: m => m.changeLeadTime.medianMs,
    sample: m => m.changeLeadTime.n,
    sampleLabel: 'commits',
    basis: m => leadTimeBasisNote(m),
    format: formatDuration,
    formatChange: c => signed(formatDuration(c), c),
    change: c => c.changeLeadTimeMedianMs,
  },
  {
    key: 'changeFailRate',
    title: 'Change fail rate',
    better: 'lower',
    quantile: false,
    quantity: 'ratio',
    value: m => m.changeFailRate.rate,
    sample: m => m.changeFailRate.denominator,
    sampleLabel: 'deployments',
    format: formatPercent,
    formatChange: formatPoints,
    change: c => c.changeFailRate,
  },
  {
    key: 'failedDeploymentRecoveryTime',
    title: 'Failed deployment recovery time (median)',
    better: 'lower',
    quantile: true,
    quantity: 'duration',
    value: m => m.failedDeploymentRecoveryTime.medianMs,
    sample: m => m.failedDeploymentRecoveryTime.n,
    sampleLabel: 'recoveries',
    basis: m => recoveryBasisNote(m),
    format: formatDuration,
    formatChange: c => signed(formatDuration(c), c),
    change: c => c.failedDeploymentRecoveryTimeMedianMs,
  },
  {
    key: 'deploymentReworkRate',
    title: 'Deployment rework rate',
    better: 'lower',
    quantile: false,
    quantity: 'ratio',
    value: m => m.deploymentReworkRate.rate,
    sample: m => m.deploymentReworkRate.denominator,
    sampleLabel: 'deployments',
    format: formatPercent,
    formatChange: formatPoints,
    change: c => c.deploymentReworkRate,
  },
];

/**
 * The one unit in which a set of values of the metric is shown: a row (this window, the
 * previous one and the change) or a chart axis. See `doraUnits.ts` for how it is chosen.
 */
export function metricScale(
  definition: Pick<DoraMetricDefinition, 'quantity'>,
  values: Array<number | null | undefined>,
  choice: UnitChoice,
): UnitScale {
  return chooseScale(definition.quantity, values, choice);
}

/**
 * "from merge" when every lead time was measured from the merge (the source knew no commit
 * time, e.g. CDEvents), "n of N from merge" when some were, else null.
 */
export function leadTimeBasisNote(metrics: DoraMetrics): string | null {
  const basis = metrics.changeLeadTime.basis;
  if (!basis || basis.fromMerge === 0) return null;
  const total = basis.fromMerge + basis.fromCommit;
  return basis.fromCommit === 0 ? 'from merge' : `${basis.fromMerge} of ${total} from merge`;
}

/**
 * For a team or a system: the level is rated per service that deployed, which the pooled figure
 * above it is not ("10 services, 1 / week each").
 */
export function frequencyBasisNote(metrics: DoraMetrics): string | null {
  const { entities, perDayPerEntity } = metrics.deploymentFrequency;
  // Answers of an older backend carry neither.
  if (entities === undefined || entities < 2 || perDayPerEntity === undefined) return null;
  return `${entities} services, ${formatFrequency(perDayPerEntity)} each`;
}

/**
 * Failures not recovered yet are not in the median shown; the level counts them. Says so, and
 * what the level was rated on when that is not the median shown ("4 not recovered yet; level
 * rated on 20 h, the median counting them"), or that it was not rated ("6 not recovered yet;
 * level not rated: most have not recovered").
 */
export function recoveryBasisNote(metrics: DoraMetrics): string | null {
  const { unrecovered, medianMs, medianOfAllMs } = metrics.failedDeploymentRecoveryTime;
  if (!unrecovered) return null;
  const level = metrics.tiers.failedDeploymentRecoveryTime;
  const note = `${unrecovered} not recovered yet`;
  // Answers of an older backend carry no median of all failures.
  if (medianOfAllMs === null && level === 'insufficient-data') {
    return `${note}; level not rated: most have not recovered`;
  }
  // Only a level that was rated (not one short of samples) was rated on the median of all.
  const rated = level !== 'insufficient-data' && level !== 'not-benchmarked';
  if (rated && medianOfAllMs !== null && medianOfAllMs !== undefined && medianOfAllMs !== medianMs) {
    return `${note}; level rated on ${formatDuration(medianOfAllMs)}, the median counting them`;
  }
  return note;
}

/** The sample of a metric as shown next to its value: "12 commits", "12 commits, from merge". */
export function sampleText(definition: DoraMetricDefinition, metrics: DoraMetrics): string {
  const basis = definition.basis?.(metrics);
  return `${definition.sample(metrics)} ${definition.sampleLabel}${basis ? `, ${basis}` : ''}`;
}

export const TIER_LABELS: Record<DoraTierRating, string> = {
  elite: 'Elite',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  'insufficient-data': 'Insufficient data',
  'not-benchmarked': 'Not benchmarked',
};

export type ChangeDirection = 'up' | 'down' | 'flat';

/** Whether a change is an improvement, given which direction is better for the metric. */
export function assessChange(
  definition: Pick<DoraMetricDefinition, 'better'>,
  change: number | null,
): { direction: ChangeDirection; improved: boolean | null } {
  if (change === null || change === 0 || !Number.isFinite(change)) {
    return { direction: 'flat', improved: null };
  }
  const direction = change > 0 ? 'up' : 'down';
  return { direction, improved: definition.better === 'higher' ? change > 0 : change < 0 };
}

export const DATA_QUALITY_LABELS: Record<string, string> = {
  'deployments-without-commit': 'Deployments that name no commit, so they add no lead time',
  'commits-without-time': 'Commits without a commit time, left out of lead time',
  'incidents-without-entity': 'Incidents tied to no catalog entity',
  'incidents-without-attribution': 'Incidents not attributed to a deployment, so they count as no failure',
  'entities-without-production': 'Entities with no production deployment in the window',
  'rollups-refreshing': 'Entities whose newest events are still being rolled up, so these figures do not count them yet',
};
