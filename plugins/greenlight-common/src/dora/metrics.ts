import { DoraFailureReason } from './changeFailure';
import {
  DoraDeploymentFrequency,
  deploymentFrequency,
} from './deploymentFrequency';
import { analyseHistory } from './history';
import { DoraOptions, resolveOptions } from './options';
import {
  DurationSummary,
  nearestRankIndex,
  summariseDurations,
} from './quantiles';
import { assessTiers, DoraTierAssessment } from './tiers';
import { isInWindow, utcDayStart, windowDays } from './time';
import { DoraInput, DoraWindow } from './types';
import { ProportionInterval, wilsonInterval } from './wilson';

/** @public */
export interface DoraFailedDeployment {
  deploymentId: string;
  entityRef: string;
  environment: string;
  finishedAt: number;
  reasons: DoraFailureReason[];
  /** `null` while unrecovered. */
  recoveryMs: number | null;
}

/** @public */
export interface DoraRate {
  numerator: number;
  denominator: number;
  /** `numerator / denominator`; `null` when the denominator is 0. */
  rate: number | null;
  /** 95% Wilson score interval; `null` when the denominator is 0. */
  interval: ProportionInterval | null;
}

/** @public */
export interface DoraChangeFailRate extends DoraRate {
  /** Cancelled production deployments in the window, outside the denominator. */
  cancelled: number;
  /** Why each failed deployment failed; only when computed from raw events. */
  failures?: DoraFailedDeployment[];
}

/** @public */
export interface DoraChangeLeadTime extends DurationSummary {
  /** Commits in the window's input list that have not reached production. */
  notInProduction: number;
  /** Commits left out because their commit time is after their deployment. */
  clockSkewed: number;
  /**
   * What the `n` lead times were measured from: the commit time, or the merge when the
   * source knew no commit time (e.g. a CDEvents `change.merged`).
   */
  basis: DoraLeadTimeBasis;
}

/** @public */
export interface DoraLeadTimeBasis {
  fromCommit: number;
  fromMerge: number;
}

/** @public */
export interface DoraRecoveryTime extends DurationSummary {
  /**
   * Nearest-rank median over every failure of the window, those not recovered yet counted as
   * slower than every recovered one; `null` when more than half have not recovered (the median
   * failure is then one of them). The performance level is rated on it: a median of the
   * recovered alone would rate a team whose failures mostly never recovered on the few that
   * did.
   */
  medianOfAllMs: number | null;
  /** Failed deployments in the window that have not recovered yet. */
  unrecovered: number;
}

/** @public */
export interface DoraMetrics {
  window: DoraWindow;
  /** `exact` from raw events; `sketch` (within relative accuracy) from rollups. */
  quantiles: 'exact' | 'sketch';
  deploymentFrequency: DoraDeploymentFrequency;
  changeLeadTime: DoraChangeLeadTime;
  changeFailRate: DoraChangeFailRate;
  failedDeploymentRecoveryTime: DoraRecoveryTime;
  deploymentReworkRate: DoraRate;
  tiers: DoraTierAssessment;
}

export function rate(numerator: number, denominator: number): DoraRate {
  return {
    numerator,
    denominator,
    rate: denominator > 0 ? numerator / denominator : null,
    interval: wilsonInterval(numerator, denominator),
  };
}

/** The window-level aggregates both raw events and rollups reduce to. */
export interface MetricParts {
  window: DoraWindow;
  quantiles: 'exact' | 'sketch';
  successfulByDay: ReadonlyMap<number, number>;
  /** Entities with a successful production deployment in the window. */
  deployingEntities: number;
  production: number;
  failed: number;
  rework: number;
  cancelled: number;
  failures?: DoraFailedDeployment[];
  leadTime: DurationSummary;
  /** Of `leadTime.n`, those measured from the merge. */
  leadTimeFromMerge: number;
  clockSkewed: number;
  notInProduction: number;
  recovery: DurationSummary;
  unrecovered: number;
  /** See `DoraRecoveryTime.medianOfAllMs`. */
  recoveryMedianOfAllMs: number | null;
}

/**
 * Zero-based rank, among the recovered failures, of the nearest-rank median of all failures
 * when the unrecovered ones rank after every recovered one; `undefined` when that median is
 * an unrecovered failure.
 */
export function medianOfAllRank(
  recovered: number,
  unrecovered: number,
): number | undefined {
  const all = recovered + unrecovered;
  if (all === 0) return undefined;
  const rank = nearestRankIndex(0.5, all);
  return rank < recovered ? rank : undefined;
}

export function countInWindow(
  times: readonly number[] | undefined,
  window: DoraWindow,
): number {
  return (times ?? []).filter(t => isInWindow(t, window)).length;
}

export function assembleMetrics(
  parts: MetricParts,
  options: DoraOptions | undefined,
): DoraMetrics {
  const resolved = resolveOptions(options);
  const frequency = deploymentFrequency(
    parts.successfulByDay,
    parts.window,
    parts.deployingEntities,
  );
  const changeFailRate = rate(parts.failed, parts.production);
  return {
    window: parts.window,
    quantiles: parts.quantiles,
    deploymentFrequency: frequency,
    changeLeadTime: {
      ...parts.leadTime,
      notInProduction: parts.notInProduction,
      clockSkewed: parts.clockSkewed,
      basis: {
        fromCommit: parts.leadTime.n - parts.leadTimeFromMerge,
        fromMerge: parts.leadTimeFromMerge,
      },
    },
    changeFailRate: {
      ...changeFailRate,
      cancelled: parts.cancelled,
      ...(parts.failures ? { failures: parts.failures } : {}),
    },
    failedDeploymentRecoveryTime: {
      ...parts.recovery,
      unrecovered: parts.unrecovered,
      medianOfAllMs: parts.recoveryMedianOfAllMs,
    },
    deploymentReworkRate: rate(parts.rework, parts.production),
    tiers: assessTiers(
      {
        windowDays: windowDays(parts.window),
        deploymentsPerDay: frequency.perDayPerEntity,
        leadTimeMedianMs: parts.leadTime.medianMs,
        commits: parts.leadTime.n,
        changeFailRate: changeFailRate.rate,
        deployments: parts.production,
        recoveryMedianMs: parts.recoveryMedianOfAllMs,
        recoveries: parts.recovery.n,
      },
      resolved.reportYear,
      resolved.minimumSamples,
    ),
  };
}

/**
 * All five metrics over pooled events: pass every deployment and incident of
 * a service, team or organisation and the medians are medians of all their
 * commits and failures, never a mean of per-service medians. Pass the full
 * history, not just the window: later rollbacks and incidents decide whether a
 * deployment in the window failed and when it recovered.
 *
 * @public
 */
export function computeDoraMetrics(
  input: DoraInput,
  window: DoraWindow,
  options?: DoraOptions,
): DoraMetrics {
  const { attributionHorizonMs } = resolveOptions(options);
  const history = analyseHistory(
    input.deployments,
    input.incidents ?? [],
    attributionHorizonMs,
  );
  const outcomes = history.outcomes.filter(o => isInWindow(o.at, window));
  const counted = outcomes.filter(o => !o.cancelled);
  const failed = counted.filter(o => o.failureReasons.length > 0);

  const successfulByDay = new Map<number, number>();
  const deploying = new Set<string>();
  for (const o of counted) {
    if (!o.succeeded) continue;
    const day = utcDayStart(o.at);
    successfulByDay.set(day, (successfulByDay.get(day) ?? 0) + 1);
    deploying.add(o.deployment.entityRef);
  }
  const leadTimes = history.leadTimes.filter(s => isInWindow(s.at, window));
  const recovered = failed.flatMap(o => {
    const recoveryMs = o.recoveryMs ?? null;
    return recoveryMs === null ? [] : [recoveryMs];
  });

  return assembleMetrics(
    {
      window,
      quantiles: 'exact',
      successfulByDay,
      deployingEntities: deploying.size,
      production: counted.length,
      failed: failed.length,
      rework: counted.filter(o => o.rework).length,
      cancelled: outcomes.length - counted.length,
      failures: failed.map(o => ({
        deploymentId: o.deployment.id,
        entityRef: o.deployment.entityRef,
        environment: o.deployment.environment,
        finishedAt: o.at,
        reasons: o.failureReasons,
        recoveryMs: o.recoveryMs ?? null,
      })),
      leadTime: summariseDurations(
        leadTimes.filter(s => s.leadTimeMs >= 0).map(s => s.leadTimeMs),
      ),
      leadTimeFromMerge: leadTimes.filter(s => s.leadTimeMs >= 0 && s.fromMerge)
        .length,
      clockSkewed: leadTimes.filter(s => s.leadTimeMs < 0).length,
      notInProduction: countInWindow(input.notInProductionCommitTimes, window),
      recovery: summariseDurations(recovered),
      unrecovered: failed.length - recovered.length,
      recoveryMedianOfAllMs: valueAtRank(
        [...recovered].sort((a, b) => a - b),
        medianOfAllRank(recovered.length, failed.length - recovered.length),
      ),
    },
    options,
  );
}

function valueAtRank(
  sorted: readonly number[],
  rank: number | undefined,
): number | null {
  return rank === undefined ? null : sorted[rank];
}
