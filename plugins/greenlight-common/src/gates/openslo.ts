import type { z } from 'zod';
import {
  burnRateFactor,
  maxBurnRate,
  scaleBurnRateWindows,
  sreWorkbookBurnRateTable,
} from './burnRate';
import { parseDurationSeconds } from './duration';
import {
  GATE_ANNOTATIONS,
  defaultGatePolicy,
  gateEntrySchema,
  gateSettingsSchema,
  mergePolicy,
  policyOverrides,
  settingsFromAnnotations,
  type GateEntry,
  type GateSettings,
  type WindowSetting,
} from './gateSettings';
import {
  openSloDataSourceSchema,
  openSloSliSchema,
  openSloSloSchema,
  type OpenSloMetric,
  type OpenSloSliSpec,
  type OpenSloSlo,
} from './openSloSchema';
import { hasWindowPlaceholder } from './queries';
import type {
  BurnRateGate,
  Comparator,
  ErrorRatioSource,
  GateDefinition,
  GatePolicy,
  MetricQuery,
} from './types';

/** @public */
export interface GateParseOptions {
  /** Policy defaults of this installation, e.g. `{ noData: 'fail' }` for production. */
  defaults?: Partial<GatePolicy>;
  /** Provider of metric sources without a type; `prometheus` unless set. */
  defaultProvider?: string;
  /**
   * Parses the text of the `greenlight.dev/gates` annotation. JSON.parse unless set;
   * a YAML parser lets authors write the list as YAML (JSON is valid YAML too).
   */
  parseEmbedded?: (text: string) => unknown;
}

/** @public */
export type GateParseResult =
  | { ok: true; gates: GateDefinition[]; warnings: string[] }
  | { ok: false; errors: string[]; warnings: string[] };

/** The paging rows of the SRE workbook table, as budget shares of the SLO period. */
const defaultWindows: WindowSetting[] = sreWorkbookBurnRateTable
  .filter(row => row.severity === 'page')
  .map(({ longSeconds, shortSeconds, budgetFraction }) => ({
    longSeconds,
    shortSeconds,
    budgetFraction,
  }));
const defaultMinWindowSeconds = 60;
const defaultPeriodSeconds = 30 * 86400;

const comparatorOfOp: Record<'lt' | 'lte' | 'gt' | 'gte', Comparator> = {
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
};

interface Context {
  errors: string[];
  warnings: string[];
  slis: Map<string, OpenSloSliSpec>;
  dataSources: Map<string, string>;
  options: GateParseOptions;
}

function issuesOf(
  where: string,
  error: z.ZodError,
  rename?: (field: string) => string,
): string[] {
  return error.issues.map(issue => {
    const [first, ...rest] = issue.path.map(String);
    const path =
      first === undefined
        ? ''
        : [rename ? rename(first) : first, ...rest].join('.');
    return `${where}${path ? ` ${path}` : ''}: ${issue.message}`;
  });
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

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

function checkRule(policy: GatePolicy, where: string, ctx: Context) {
  const needed =
    policy.failureRule.kind === 'consecutive'
      ? policy.failureRule.count
      : policy.failureRule.k;
  if (needed > policy.evaluations) {
    ctx.warnings.push(
      `${where}: the failure rule needs ${needed} failing evaluations but only ${policy.evaluations} are made, so it can never roll back`,
    );
  }
}

interface BurnRateInput {
  base: Omit<
    BurnRateGate,
    'kind' | 'ratio' | 'objective' | 'windows' | 'traffic'
  >;
  ratio: ErrorRatioSource;
  objective: number;
  windows: WindowSetting[] | undefined;
  periodSeconds: number;
  minWindowSeconds: number;
  traffic: MetricQuery | undefined;
}

function buildBurnRate(
  input: BurnRateInput,
  where: string,
  ctx: Context,
): BurnRateGate | undefined {
  const { base, ratio, objective } = input;
  const numerator = ratio.type === 'good' ? ratio.good : ratio.bad;
  const missing = [numerator, ratio.total].filter(
    q => !hasWindowPlaceholder(q.query),
  );
  if (missing.length) {
    ctx.errors.push(
      `${where}: burn-rate queries need the {{.window}} placeholder in their range selector, e.g. rate(http_requests_total[{{.window}}])`,
    );
    return undefined;
  }
  const resolved = (input.windows ?? defaultWindows).map(w => ({
    longSeconds: w.longSeconds,
    shortSeconds: w.shortSeconds,
    factor:
      'factor' in w
        ? w.factor
        : burnRateFactor(w.budgetFraction, input.periodSeconds, w.longSeconds),
  }));
  const ceiling = maxBurnRate(objective);
  const unreachable = resolved.filter(w => w.factor >= ceiling);
  if (unreachable.length) {
    ctx.errors.push(
      `${where}: burn-rate factor ${unreachable[0].factor} can never be exceeded with objective ${objective} (the highest burn rate is ${ceiling})`,
    );
    return undefined;
  }
  const rolloutSeconds = base.policy.intervalSeconds * base.policy.evaluations;
  return {
    ...base,
    kind: 'burn-rate',
    ratio,
    objective,
    windows: scaleBurnRateWindows(
      resolved,
      rolloutSeconds,
      input.minWindowSeconds,
    ),
    traffic: input.traffic ?? ratio.total,
  };
}

function ratioSource(
  good: MetricQuery | undefined,
  bad: MetricQuery | undefined,
  total: MetricQuery | undefined,
  where: string,
  ctx: Context,
): ErrorRatioSource | undefined {
  if (!total || !!good === !!bad) {
    ctx.errors.push(
      `${where}: a ratio needs total and exactly one of good and bad`,
    );
    return undefined;
  }
  return good
    ? { type: 'good', good, total }
    : { type: 'bad', bad: bad!, total };
}

function warnUncheckedTraffic(
  policy: GatePolicy,
  traffic: MetricQuery | undefined,
  where: string,
  ctx: Context,
) {
  if (policy.minTraffic > 0 && !traffic) {
    ctx.warnings.push(
      `${where}: min traffic is not checked because the gate has no traffic query (${GATE_ANNOTATIONS.trafficQuery} or trafficQuery)`,
    );
  }
}

function objectiveGate(
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
  return {
    ...base,
    kind: 'threshold',
    metric,
    comparator: comparatorOfOp[objective.op],
    threshold: objective.value,
    windowSeconds: policy.intervalSeconds,
    traffic,
  };
}

function entryGate(
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
    return {
      ...base,
      kind: 'threshold',
      metric: metric(entry.query),
      comparator: entry.comparator,
      threshold: entry.threshold,
      windowSeconds: entry.window ?? policy.intervalSeconds,
      traffic,
    };
  }
  return {
    ...base,
    kind: 'canary-vs-baseline',
    canary: metric(entry.canary),
    baseline: metric(entry.baseline),
    direction: entry.direction,
    alpha: entry.alpha,
    minSampleSize: entry.minSampleSize,
    allowedEffect: entry.allowedEffect,
    windowSeconds: entry.window ?? policy.intervalSeconds,
    traffic,
  };
}

function embeddedEntries(slo: OpenSloSlo, ctx: Context): GateEntry[] {
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

function sloGates(slo: OpenSloSlo, ctx: Context): GateDefinition[] {
  const where = `SLO ${slo.metadata.name}`;
  const settingsResult = gateSettingsSchema.safeParse(
    settingsFromAnnotations(slo.metadata.annotations),
  );
  if (!settingsResult.success) {
    ctx.errors.push(
      ...issuesOf(
        where,
        settingsResult.error,
        field =>
          GATE_ANNOTATIONS[field as keyof typeof GATE_ANNOTATIONS] ?? field,
      ),
    );
    return [];
  }
  if (parseDurationSeconds(slo.spec.timeWindow[0].duration) === undefined) {
    ctx.errors.push(
      `${where} timeWindow: "${slo.spec.timeWindow[0].duration}" is not a duration like 28d or 1M`,
    );
  }
  const settings = settingsResult.data;
  const policy = mergePolicy(
    defaultGatePolicy,
    ctx.options.defaults,
    policyOverrides(settings),
  );
  checkRule(policy, where, ctx);
  const derived = slo.spec.objectives.map((_, i) =>
    objectiveGate(slo, i, settings, policy, ctx),
  );
  const listed = embeddedEntries(slo, ctx).map(entry =>
    entryGate(entry, slo, settings, policy, ctx),
  );
  return [...derived, ...listed].filter(
    (gate): gate is GateDefinition => !!gate,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns OpenSLO v1 documents (already parsed from YAML or JSON; one YAML stream may hold
 * several) into gate definitions. `SLI` and `DataSource` documents resolve
 * `indicatorRef` and `metricSourceRef`; other OpenSLO kinds are ignored. Each SLO
 * objective becomes a gate (burn-rate for ratio SLIs, threshold for threshold SLIs) and
 * the `greenlight.dev/gates` annotation adds further gates.
 */
export function parseOpenSloDocuments(
  documents: readonly unknown[],
  options: GateParseOptions = {},
): GateParseResult {
  const ctx: Context = {
    errors: [],
    warnings: [],
    slis: new Map(),
    dataSources: new Map(),
    options,
  };
  const slos: OpenSloSlo[] = [];
  documents.forEach((doc, i) => {
    const where = `document ${i + 1}`;
    if (doc === null || doc === undefined) return;
    if (!isRecord(doc)) {
      ctx.errors.push(`${where}: not an object`);
      return;
    }
    if (doc.apiVersion !== 'openslo/v1') {
      ctx.warnings.push(
        `${where}: skipped, apiVersion ${String(
          doc.apiVersion,
        )} is not openslo/v1`,
      );
      return;
    }
    const schema = {
      SLO: openSloSloSchema,
      SLI: openSloSliSchema,
      DataSource: openSloDataSourceSchema,
    }[String(doc.kind)];
    if (!schema) return;
    const parsed = schema.safeParse(doc);
    if (!parsed.success) {
      ctx.errors.push(
        ...issuesOf(`${where} (${String(doc.kind)})`, parsed.error),
      );
      return;
    }
    const value = parsed.data;
    if (value.kind === 'SLO') slos.push(value);
    else if (value.kind === 'SLI')
      ctx.slis.set(value.metadata.name, value.spec);
    else ctx.dataSources.set(value.metadata.name, value.spec.type);
  });
  if (!slos.length && !ctx.errors.length)
    ctx.errors.push('no openslo/v1 SLO document found');

  const gates = slos.flatMap(slo => sloGates(slo, ctx));
  const seen = new Set<string>();
  for (const gate of gates) {
    if (seen.has(gate.id)) ctx.errors.push(`gate id ${gate.id} is used twice`);
    seen.add(gate.id);
  }
  return ctx.errors.length
    ? { ok: false, errors: ctx.errors, warnings: ctx.warnings }
    : { ok: true, gates, warnings: ctx.warnings };
}

/** `parseOpenSloDocuments` for a single document. */
export function parseOpenSlo(
  document: unknown,
  options?: GateParseOptions,
): GateParseResult {
  return parseOpenSloDocuments([document], options);
}
