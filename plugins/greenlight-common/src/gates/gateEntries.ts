import { parseDurationSeconds } from './duration';
import {
  buildBurnRate,
  checkRule,
  defaultMinWindowSeconds,
  defaultPeriodSeconds,
  issuesOf,
  ratioSource,
  warnUncheckedTraffic,
  type Context,
} from './gateBuilders';
import {
  GATE_ANNOTATIONS,
  gateEntrySchema,
  mergePolicy,
  policyOverrides,
  type GateEntry,
  type GateSettings,
} from './gateSettings';
import type { OpenSloSlo } from './openSloSchema';
import type { GateDefinition, GatePolicy, MetricQuery } from './types';
import { inferGateUnit } from './units';

/** A gate from an entry of the `greenlight.dev/gates` list, inheriting the SLO's settings. */
export function entryGate(
  entry: GateEntry,
  slo: OpenSloSlo,
  inherited: GateSettings,
  sloPolicy: GatePolicy,
  ctx: Context,
): GateDefinition | undefined {
  const where = `SLO ${slo.metadata.name} gate ${entry.name}`;
  const policy = mergePolicy(sloPolicy, policyOverrides(entry));
  const provider =
    entry.provider ?? ctx.options.defaultProvider ?? 'prometheus';
  const metric = (query: string): MetricQuery => ({ provider, query });
  const trafficQuery = entry.trafficQuery ?? inherited.trafficQuery;
  const traffic = trafficQuery ? metric(trafficQuery) : undefined;
  const base = {
    id: `${slo.metadata.name}/${entry.name}`,
    name: entry.name,
    slo: slo.metadata.name,
    service: slo.spec.service,
    description: entry.description,
    policy,
  };
  checkRule(policy, where, ctx);

  if (entry.kind === 'burn-rate') {
    const ratio = ratioSource(
      entry.good ? metric(entry.good) : undefined,
      entry.bad ? metric(entry.bad) : undefined,
      metric(entry.total),
      where,
      ctx,
    );
    if (!ratio) return undefined;
    return buildBurnRate(
      {
        base,
        ratio,
        objective: entry.objective,
        windows: entry.windows ?? inherited.windows,
        periodSeconds:
          entry.period ??
          parseDurationSeconds(slo.spec.timeWindow[0].duration) ??
          defaultPeriodSeconds,
        minWindowSeconds:
          entry.minWindow ?? inherited.minWindow ?? defaultMinWindowSeconds,
        traffic,
      },
      where,
      ctx,
    );
  }
  warnUncheckedTraffic(policy, traffic, where, ctx);
  if (entry.kind === 'threshold') {
    const unit = entry.unit ?? inferGateUnit(entry.query);
    return {
      ...base,
      kind: 'threshold',
      metric: metric(entry.query),
      comparator: entry.comparator,
      threshold: entry.threshold,
      ...(unit ? { unit } : {}),
      windowSeconds: entry.window ?? policy.intervalSeconds,
      traffic,
    };
  }
  const unit = entry.unit ?? inferGateUnit(entry.canary);
  return {
    ...base,
    kind: 'canary-vs-baseline',
    canary: metric(entry.canary),
    baseline: metric(entry.baseline),
    direction: entry.direction,
    alpha: entry.alpha,
    minSampleSize: entry.minSampleSize,
    allowedEffect: entry.allowedEffect,
    ...(unit ? { unit } : {}),
    windowSeconds: entry.window ?? policy.intervalSeconds,
    traffic,
  };
}

/** The validated entries of the `greenlight.dev/gates` annotation. */
export function embeddedEntries(slo: OpenSloSlo, ctx: Context): GateEntry[] {
  const text = slo.metadata.annotations?.[GATE_ANNOTATIONS.gates];
  if (text === undefined) return [];
  const where = `SLO ${slo.metadata.name} ${GATE_ANNOTATIONS.gates}`;
  let list: unknown;
  try {
    list = (ctx.options.parseEmbedded ?? JSON.parse)(text);
  } catch (error) {
    ctx.errors.push(`${where}: ${(error as Error).message}`);
    return [];
  }
  if (!Array.isArray(list)) {
    ctx.errors.push(`${where}: must be a list of gates`);
    return [];
  }
  return list.flatMap((item, i) => {
    const parsed = gateEntrySchema.safeParse(item);
    if (parsed.success) return [parsed.data];
    ctx.errors.push(...issuesOf(`${where}[${i}]`, parsed.error));
    return [];
  });
}
