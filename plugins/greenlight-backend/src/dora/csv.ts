import { DoraMetrics } from '@greenlight/backstage-plugin-greenlight-common';

/** The columns of `GET /v1/dora.csv`, in order; documented in docs/api.md. */
export const DORA_CSV_COLUMNS = [
  'entity_ref',
  'deployments',
  'deployments_per_day',
  'deployment_frequency_tier',
  'lead_time_n',
  'lead_time_median_ms',
  'lead_time_p90_ms',
  'lead_time_tier',
  'change_fail_numerator',
  'change_fail_denominator',
  'change_fail_rate',
  'change_fail_tier',
  'recovery_n',
  'recovery_median_ms',
  'recovery_p90_ms',
  'recovery_unrecovered',
  'recovery_tier',
  'rework_numerator',
  'rework_denominator',
  'rework_rate',
  'rework_tier',
  'lead_time_from_merge',
  // Appended, so that the columns above keep their positions.
  'recovery_median_of_all_ms',
  'change_fail_interval_lower',
  'change_fail_interval_upper',
  'rework_interval_lower',
  'rework_interval_upper',
] as const;

function cell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  // Quote what CSV needs quoted, and defuse cells a spreadsheet would run as formulas.
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function doraCsvRow(entityRef: string, m: DoraMetrics): string {
  return [
    entityRef,
    m.deploymentFrequency.count,
    m.deploymentFrequency.perDay,
    m.tiers.deploymentFrequency,
    m.changeLeadTime.n,
    m.changeLeadTime.medianMs,
    m.changeLeadTime.p90Ms,
    m.tiers.changeLeadTime,
    m.changeFailRate.numerator,
    m.changeFailRate.denominator,
    m.changeFailRate.rate,
    m.tiers.changeFailRate,
    m.failedDeploymentRecoveryTime.n,
    m.failedDeploymentRecoveryTime.medianMs,
    m.failedDeploymentRecoveryTime.p90Ms,
    m.failedDeploymentRecoveryTime.unrecovered,
    m.tiers.failedDeploymentRecoveryTime,
    m.deploymentReworkRate.numerator,
    m.deploymentReworkRate.denominator,
    m.deploymentReworkRate.rate,
    m.tiers.deploymentReworkRate,
    m.changeLeadTime.basis.fromMerge,
    m.failedDeploymentRecoveryTime.medianOfAllMs ?? null,
    m.changeFailRate.interval?.lower ?? null,
    m.changeFailRate.interval?.upper ?? null,
    m.deploymentReworkRate.interval?.lower ?? null,
    m.deploymentReworkRate.interval?.upper ?? null,
  ]
    .map(cell)
    .join(',');
}

/** One row per entity, after a header row; CRLF line ends as RFC 4180 asks. */
export function doraCsv(rows: Array<{ entityRef: string; metrics: DoraMetrics }>): string {
  return [DORA_CSV_COLUMNS.join(','), ...rows.map(r => doraCsvRow(r.entityRef, r.metrics))]
    .map(line => `${line}\r\n`)
    .join('');
}
