import type { z } from 'zod';
import {
  burnRateFactor,
  maxBurnRate,
  scaleBurnRateWindows,
  sreWorkbookBurnRateTable,
} from './burnRate';
import { GATE_ANNOTATIONS, type WindowSetting } from './gateSettings';
import type { OpenSloSliSpec } from './openSloSchema';
import { hasWindowPlaceholder } from './queries';
import type {
  BurnRateGate,
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
export const defaultWindows: WindowSetting[] = sreWorkbookBurnRateTable
  .filter(row => row.severity === 'page')
  .map(({ longSeconds, shortSeconds, budgetFraction }) => ({
    longSeconds,
    shortSeconds,
    budgetFraction,
  }));
/** Rate windows shorter than this hold too few scrapes to mean much. */
export const defaultMinWindowSeconds = 60;
/** SLO period assumed where none is given, the one the workbook table is for. */
export const defaultPeriodSeconds = 30 * 86400;

/** Shared state of one parse: findings so far and the documents others refer to. */
export interface Context {
  errors: string[];
  warnings: string[];
  slis: Map<string, OpenSloSliSpec>;
  dataSources: Map<string, string>;
  options: GateParseOptions;
}

/** Zod issues as lines; `rename` turns a setting name into the annotation the author wrote. */
export function issuesOf(
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

/** A display name as an id segment, e.g. `Checkout p99` → `checkout-p99`. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Warns when the failure rule needs more failures than there are evaluations. */
export function checkRule(policy: GatePolicy, where: string, ctx: Context) {
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

/** What a burn-rate gate is built from, whichever document it came from. */
export interface BurnRateInput {
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

/**
 * Resolves window factors (budget shares become factors over the SLO period), rejects
 * factors no burn rate can exceed, and scales the windows to the rollout.
 */
export function buildBurnRate(
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

/** good/total or bad/total; exactly one numerator. */
export function ratioSource(
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

/** A minimum traffic without a traffic query cannot be checked; say so rather than ignore it. */
export function warnUncheckedTraffic(
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
