import { parseDurationSeconds } from './duration';
import {
  buildBurnRate,
  defaultMinWindowSeconds,
  defaultPeriodSeconds,
  ratioSource,
  slug,
  warnUncheckedTraffic,
  type Context,
} from './gateBuilders';
import type { GateSettings } from './gateSettings';
import type { OpenSloMetric, OpenSloSlo } from './openSloSchema';
import type {
  Comparator,
  GateDefinition,
  GatePolicy,
  MetricQuery,
} from './types';
import { inferGateUnit } from './units';

const comparatorOfOp: Record<'lt' | 'lte' | 'gt' | 'gte', Comparator> = {
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
};

function resolveMetric(
  metric: OpenSloMetric,
  where: string,
  ctx: Context,
): MetricQuery | undefined {
  const source = metric.metricSource;
  const type =
    source.type ??
    (source.metricSourceRef
      ? ctx.dataSources.get(source.metricSourceRef)
      : undefined);
  if (!type && source.metricSourceRef) {
    ctx.errors.push(
      `${where}: DataSource "${source.metricSourceRef}" is not among the documents`,
    );
    return undefined;
  }
  const query = source.spec.query;
  if (typeof query !== 'string' || !query.trim()) {
    ctx.errors.push(
      `${where}: metricSource.spec.query must be a non-empty string`,
    );
    return undefined;
  }
  return {
    provider: (
      type ??
      ctx.options.defaultProvider ??
      'prometheus'
    ).toLowerCase(),
    query,
  };
}

/** The gate for one objective of an SLO: burn-rate for ratio SLIs, threshold for threshold SLIs. */
export function objectiveGate(
  slo: OpenSloSlo,
  index: number,
  settings: GateSettings,
  policy: GatePolicy,
  ctx: Context,
): GateDefinition | undefined {
  const objective = slo.spec.objectives[index];
  const where = `SLO ${slo.metadata.name} objective ${index + 1}`;
  const ref = objective.indicatorRef ?? slo.spec.indicatorRef;
  const sli =
    objective.indicator?.spec ??
    slo.spec.indicator?.spec ??
    (ref ? ctx.slis.get(ref) : undefined);
  if (!sli) {
    ctx.errors.push(
      ref
        ? `${where}: SLI "${ref}" is not among the documents`
        : `${where}: no indicator (inline or indicatorRef)`,
    );
    return undefined;
  }
  const kind = sli.ratioMetric ? 'burn-rate' : 'threshold';
  const single = slo.spec.objectives.length === 1;
  const name =
    (objective.displayName && slug(objective.displayName)) ||
    (single ? kind : `${kind}-${index + 1}`);
  const provider = ctx.options.defaultProvider ?? 'prometheus';
  const traffic = settings.trafficQuery
    ? { provider, query: settings.trafficQuery }
    : undefined;
  const base = {
    id: `${slo.metadata.name}/${name}`,
    name,
    slo: slo.metadata.name,
    service: slo.spec.service,
    description: objective.displayName ?? slo.spec.description,
    policy,
  };

  if (sli.ratioMetric) {
    if (settings.unit) {
      ctx.warnings.push(
        `${where}: greenlight.dev/unit is not used: a burn-rate gate's value is a multiple of the error budget rate`,
      );
    }
    const metric = sli.ratioMetric;
    if (metric.raw) {
      ctx.errors.push(
        `${where}: raw ratio metrics are not supported; use good or bad with total`,
      );
      return undefined;
    }
    const resolve = (m: OpenSloMetric | undefined, part: string) =>
      m && resolveMetric(m, `${where} ratioMetric.${part}`, ctx);
    const ratio = ratioSource(
      resolve(metric.good, 'good'),
      resolve(metric.bad, 'bad'),
      resolve(metric.total, 'total'),
      where,
      ctx,
    );
    const target =
      objective.target ??
      (objective.targetPercent !== undefined
        ? objective.targetPercent / 100
        : undefined);
    if (!ratio) return undefined;
    if (target === undefined || target <= 0) {
      ctx.errors.push(
        `${where}: a ratio objective needs a target between 0 and 1`,
      );
      return undefined;
    }
    return buildBurnRate(
      {
        base,
        ratio,
        objective: target,
        windows: settings.windows,
        periodSeconds:
          parseDurationSeconds(slo.spec.timeWindow[0].duration) ??
          defaultPeriodSeconds,
        minWindowSeconds: settings.minWindow ?? defaultMinWindowSeconds,
        traffic,
      },
      where,
      ctx,
    );
  }

  const metric = resolveMetric(
    sli.thresholdMetric!,
    `${where} thresholdMetric`,
    ctx,
  );
  if (!metric) return undefined;
  if (!objective.op || objective.value === undefined) {
    ctx.errors.push(`${where}: a threshold objective needs op and value`);
    return undefined;
  }
  warnUncheckedTraffic(policy, traffic, where, ctx);
  const unit = settings.unit ?? inferGateUnit(metric.query);
  return {
    ...base,
    kind: 'threshold',
    metric,
    comparator: comparatorOfOp[objective.op],
    threshold: objective.value,
    ...(unit ? { unit } : {}),
    windowSeconds: policy.intervalSeconds,
    traffic,
  };
}
