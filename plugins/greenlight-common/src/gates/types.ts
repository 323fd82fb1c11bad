import type { EvidenceUnit, GateUnit } from './units';

/**
 * One sample of an instant query: a labelled series and its value at the query time.
 *
 * @public
 */
export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

/**
 * What a metric provider returns for an instant query.
 *
 * @public
 */
export type MetricQueryResult =
  | { status: 'ok'; samples: MetricSample[] }
  | { status: 'no-data' }
  | { status: 'error'; message: string };

/**
 * A point of a range query: `[unix seconds, value]`, the Prometheus layout.
 *
 * @public
 */
export type MetricPoint = [number, number];

/**
 * One series of a range query. Missing steps are gaps; values may be NaN or ±Infinity.
 *
 * @public
 */
export interface MetricSeries {
  labels: Record<string, string>;
  points: MetricPoint[];
}

/**
 * What a metric provider returns for a range query.
 *
 * @public
 */
export type MetricRangeResult =
  | { status: 'ok'; series: MetricSeries[] }
  | { status: 'no-data' }
  | { status: 'error'; message: string };

/**
 * Comparators of a threshold gate; the comparison states the passing condition.
 *
 * @public
 */
export const gateComparators = ['<', '<=', '>', '>='] as const;
/** @public */
export type Comparator = (typeof gateComparators)[number];

/**
 * What to make of an evaluation that has no usable data.
 *
 * @public
 */
export const noDataPolicies = ['fail', 'inconclusive', 'ignore'] as const;
/** @public */
export type NoDataPolicy = (typeof noDataPolicies)[number];

/**
 * When a sequence of evaluations counts as a breach.
 *
 * @public
 */
export type FailureRule =
  | { kind: 'consecutive'; count: number }
  | { kind: 'k-of-n'; k: number; n: number };

/**
 * How often a gate is evaluated and how its verdicts are turned into a decision.
 *
 * @public
 */
export interface GatePolicy {
  intervalSeconds: number;
  /** Evaluations needed before a rollout may be promoted. */
  evaluations: number;
  failureRule: FailureRule;
  /** Below this value of the traffic query an evaluation has no data. */
  minTraffic: number;
  noData: NoDataPolicy;
  /** More inconclusive evaluations than this pause the rollout. */
  maxInconclusive: number;
  /** A shadow gate is evaluated and recorded but never acted upon. */
  shadow: boolean;
}

/**
 * A query for one metric provider. The text may hold the placeholder `{{.window}}`,
 * replaced by a Prometheus duration such as `5m` before the query runs.
 *
 * @public
 */
export interface MetricQuery {
  provider: string;
  query: string;
}

/**
 * What every kind of gate has.
 *
 * @public
 */
export interface GateBase {
  /** `<slo name>/<gate name>`, unique within a set of documents. */
  id: string;
  name: string;
  slo?: string;
  service?: string;
  description?: string;
  policy: GatePolicy;
  /** Its value is compared with `policy.minTraffic`. */
  traffic?: MetricQuery;
}

/**
 * Pass while `value <comparator> threshold` holds for every returned sample.
 *
 * @public
 */
export interface ThresholdGate extends GateBase {
  kind: 'threshold';
  metric: MetricQuery;
  comparator: Comparator;
  threshold: number;
  /** What the value measures, for evidence that reads with units; none shows the bare number. */
  unit?: GateUnit;
  /** Substituted for `{{.window}}`. */
  windowSeconds: number;
}

/**
 * A long/short window pair; the pair fires when both burn rates exceed `factor`.
 *
 * @public
 */
export interface BurnRateWindow {
  longSeconds: number;
  shortSeconds: number;
  factor: number;
}

/**
 * Where the error ratio comes from: good/total or bad/total.
 *
 * @public
 */
export type ErrorRatioSource =
  | { type: 'good'; good: MetricQuery; total: MetricQuery }
  | { type: 'bad'; bad: MetricQuery; total: MetricQuery };

/**
 * Fail when any window pair burns the error budget faster than its factor.
 *
 * @public
 */
export interface BurnRateGate extends GateBase {
  kind: 'burn-rate';
  ratio: ErrorRatioSource;
  /** The SLO target, e.g. 0.999; the error budget is `1 - objective`. */
  objective: number;
  /** Already scaled to the rollout, see `scaleBurnRateWindows`. */
  windows: BurnRateWindow[];
}

/** @public */
export type MetricDirection = 'lower-is-better' | 'higher-is-better';

/**
 * Fail when canary samples are significantly worse than baseline samples.
 *
 * @public
 */
export interface CanaryVsBaselineGate extends GateBase {
  kind: 'canary-vs-baseline';
  canary: MetricQuery;
  baseline: MetricQuery;
  direction: MetricDirection;
  /** Significance level of the one-sided Mann-Whitney U test. */
  alpha: number;
  /** Fewer samples than this in either group give `underpowered`. */
  minSampleSize: number;
  /**
   * Tolerated degradation relative to the baseline median, e.g. 0.1: the canary may
   * be 10% worse before the test counts it as a regression.
   */
  allowedEffect: number;
  /** What the samples measure; the medians in the evaluation's reason are shown in it. */
  unit?: GateUnit;
  windowSeconds: number;
}

/**
 * A normalised gate, whatever document it came from.
 *
 * @public
 */
export type GateDefinition =
  | ThresholdGate
  | BurnRateGate
  | CanaryVsBaselineGate;
/** @public */
export type GateKind = GateDefinition['kind'];

/**
 * The verdict of one evaluation, before the no-data policy is applied.
 *
 * @public
 */
export type GateVerdict =
  | 'pass'
  | 'fail'
  | 'inconclusive'
  | 'underpowered'
  | 'no-data';

/**
 * The verdict after the no-data policy: what the failure rule sees.
 *
 * @public
 */
export type GateOutcome = 'pass' | 'fail' | 'inconclusive' | 'ignored';

/**
 * The result of evaluating one gate once.
 *
 * @public
 */
export interface GateEvaluation {
  verdict: GateVerdict;
  outcome: GateOutcome;
  /** The measured value (p-value for canary-vs-baseline); null without data. */
  value: number | null;
  threshold: number | null;
  /**
   * For threshold gates, the passing condition `value <comparator> threshold`: with it the
   * evidence can be said in words from the numbers (see `gateEvidenceSentence`).
   */
  comparator?: Comparator;
  /** The unit `value` and `threshold` are in, when known. */
  unit?: EvidenceUnit;
  /** How many samples the value was computed from. */
  samples: number;
  reason: string;
  details?: Record<string, unknown>;
}
