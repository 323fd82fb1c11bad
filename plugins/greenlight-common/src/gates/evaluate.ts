import { burnRate, errorRatio, windowFires, type WindowBurn } from './burnRate';
import { formatDuration } from './duration';
import { formatGateValue, gateEvidenceSentence } from './evidenceSentence';
import { mannWhitneyU, median } from './mannWhitney';
import { burnRateQueryKey, planGateQueries } from './queries';
import type {
  BurnRateGate,
  CanaryVsBaselineGate,
  GateDefinition,
  GateEvaluation,
  GateOutcome,
  GatePolicy,
  GateVerdict,
  MetricQueryResult,
  ThresholdGate,
} from './types';

type Verdict = Omit<GateEvaluation, 'outcome'>;

/**
 * The outcome the failure rule sees: no-data per policy, underpowered as inconclusive.
 *
 * @public
 */
export function applyNoDataPolicy(
  verdict: GateVerdict,
  policy: Pick<GatePolicy, 'noData'>,
): GateOutcome {
  if (verdict === 'no-data') {
    return policy.noData === 'ignore' ? 'ignored' : policy.noData;
  }
  return verdict === 'underpowered' ? 'inconclusive' : verdict;
}

function noData(
  reason: string,
  samples = 0,
  details?: Record<string, unknown>,
): Verdict {
  return {
    verdict: 'no-data',
    value: null,
    threshold: null,
    samples,
    reason,
    details,
  };
}

/**
 * The sample values of a result. NaN (0/0: a ratio over no traffic) means "no value";
 * ±Inf is a value like any other: `histogram_quantile` answers +Inf when latency is above
 * the top bucket, the worst breach there is, not silence.
 */
function sampleValues(result: MetricQueryResult): number[] {
  if (result.status !== 'ok') return [];
  return result.samples.map(s => s.value).filter(v => !Number.isNaN(v));
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

const holds: Record<
  ThresholdGate['comparator'],
  (v: number, t: number) => boolean
> = {
  '<': (v, t) => v < t,
  '<=': (v, t) => v <= t,
  '>': (v, t) => v > t,
  '>=': (v, t) => v >= t,
};

function evaluateThreshold(
  gate: ThresholdGate,
  results: Record<string, MetricQueryResult>,
): Verdict {
  const values = sampleValues(results.value);
  if (!values.length) return noData('the query returned no value');
  // Every series must satisfy the threshold, so judge the worst one.
  const lowerIsBetter = gate.comparator === '<' || gate.comparator === '<=';
  const value = lowerIsBetter ? Math.max(...values) : Math.min(...values);
  const pass = holds[gate.comparator](value, gate.threshold);
  const verdict = pass ? 'pass' : 'fail';
  const measured = {
    value,
    threshold: gate.threshold,
    comparator: gate.comparator,
    ...(gate.unit ? { unit: gate.unit } : {}),
  };
  return {
    verdict,
    ...measured,
    samples: values.length,
    reason: gateEvidenceSentence({ ...measured, verdict }),
  };
}

function single(result: MetricQueryResult): number {
  const values = sampleValues(result);
  return values.length ? sum(values) : NaN;
}

/**
 * A count that Prometheus leaves out when it is zero: a healthy service has no
 * `code=~"5.."` series at all, so an empty numerator is 0, not "unknown". Whether
 * there was traffic to judge is the denominator's business.
 */
function countOrZero(result: MetricQueryResult): number {
  const empty =
    result.status === 'no-data' ||
    (result.status === 'ok' && result.samples.length === 0);
  return empty ? 0 : single(result);
}

function evaluateBurnRate(
  gate: BurnRateGate,
  results: Record<string, MetricQueryResult>,
): Verdict {
  const part = gate.ratio.type;
  const ratioAt = (seconds: number) =>
    errorRatio(
      part,
      countOrZero(results[burnRateQueryKey(part, seconds)]),
      single(results[burnRateQueryKey('total', seconds)]),
    );
  const burns: WindowBurn[] = gate.windows.map(window => ({
    window,
    longBurn: burnRate(ratioAt(window.longSeconds), gate.objective),
    shortBurn: burnRate(ratioAt(window.shortSeconds), gate.objective),
  }));
  const details = {
    windows: burns.map(b => ({
      ...b.window,
      longBurn: b.longBurn,
      shortBurn: b.shortBurn,
    })),
  };
  const known = burns.filter(
    b => Number.isFinite(b.longBurn) && Number.isFinite(b.shortBurn),
  );
  // How far each pair is towards firing: the smaller burn over the factor.
  const severity = (b: WindowBurn) =>
    Math.min(b.longBurn, b.shortBurn) / b.window.factor;
  const worst = [...known].sort((a, b) => severity(b) - severity(a))[0];
  const firing = burns.find(windowFires);
  const times = (burn: number) => formatGateValue(burn, 'burnRate');
  if (firing) {
    return {
      verdict: 'fail',
      value: Math.min(firing.longBurn, firing.shortBurn),
      threshold: firing.window.factor,
      unit: 'burnRate',
      samples: burns.length,
      reason: `burn rates ${times(firing.longBurn)} over ${formatDuration(
        firing.window.longSeconds,
      )} and ${times(firing.shortBurn)} over ${formatDuration(
        firing.window.shortSeconds,
      )} both exceed ${firing.window.factor}×`,
      details,
    };
  }
  if (known.length < burns.length) {
    return noData(
      'the error ratio is unknown for some windows (no traffic or no data)',
      known.length,
      details,
    );
  }
  return {
    verdict: 'pass',
    value: Math.min(worst.longBurn, worst.shortBurn),
    threshold: worst.window.factor,
    unit: 'burnRate',
    samples: burns.length,
    reason: `no window pair has both burn rates above its factor`,
    details,
  };
}

function evaluateCanary(
  gate: CanaryVsBaselineGate,
  results: Record<string, MetricQueryResult>,
): Verdict {
  const canary = sampleValues(results.canary);
  const baseline = sampleValues(results.baseline);
  const samples = canary.length + baseline.length;
  if (!canary.length || !baseline.length) {
    return noData(
      `no samples for ${canary.length ? 'baseline' : 'canary'}`,
      samples,
    );
  }
  if (Math.min(canary.length, baseline.length) < gate.minSampleSize) {
    return {
      verdict: 'underpowered',
      value: null,
      threshold: gate.alpha,
      samples,
      reason: `${canary.length} canary and ${baseline.length} baseline samples; at least ${gate.minSampleSize} each are needed`,
    };
  }
  const lowerIsBetter = gate.direction === 'lower-is-better';
  const baselineMedian = median(baseline);
  // Move the baseline by the tolerated effect so that only a worse shift counts.
  // An infinite baseline median (latency above the top bucket) tolerates no
  // shift: ∞ − ∞ would be NaN.
  const tolerance = Number.isFinite(baselineMedian)
    ? gate.allowedEffect * Math.abs(baselineMedian)
    : 0;
  const shifted = baseline.map(v =>
    lowerIsBetter ? v + tolerance : v - tolerance,
  );
  const test = mannWhitneyU(canary, shifted, {
    alternative: lowerIsBetter ? 'greater' : 'less',
  });
  const fail = test.pValue < gate.alpha;
  const canaryMedian = median(canary);
  const inUnit = (v: number) => formatGateValue(v, gate.unit);
  return {
    verdict: fail ? 'fail' : 'pass',
    value: test.pValue,
    threshold: gate.alpha,
    samples,
    reason: fail
      ? `canary median ${inUnit(canaryMedian)} is significantly ${
          lowerIsBetter ? 'higher' : 'lower'
        } than baseline median ${inUnit(
          baselineMedian,
        )} (p=${test.pValue.toPrecision(3)} < ${gate.alpha})`
      : `no significant regression (p=${test.pValue.toPrecision(3)} ≥ ${
          gate.alpha
        })`,
    details: { ...test, canaryMedian, baselineMedian, tolerance },
  };
}

/**
 * Evaluates a gate once from the results of its planned queries (see
 * `planGateQueries`), keyed by query key. A provider error makes the evaluation
 * inconclusive: it says nothing about the new version.
 *
 * @public
 */
export function evaluateGate(
  gate: GateDefinition,
  results: Record<string, MetricQueryResult | undefined>,
): GateEvaluation {
  const finish = (v: Verdict): GateEvaluation => ({
    ...v,
    outcome: applyNoDataPolicy(v.verdict, gate.policy),
  });
  const complete: Record<string, MetricQueryResult> = {};
  for (const { key } of planGateQueries(gate)) {
    const result = results[key] ?? {
      status: 'error',
      message: `no result for query "${key}"`,
    };
    if (result.status === 'error') {
      return finish({
        verdict: 'inconclusive',
        value: null,
        threshold: null,
        samples: 0,
        reason: `metric query "${key}" failed: ${result.message}`,
      });
    }
    complete[key] = result;
  }
  if (complete.traffic) {
    const traffic = sum(sampleValues(complete.traffic));
    if (traffic < gate.policy.minTraffic) {
      return finish(
        noData(
          `traffic ${traffic} is below the minimum of ${gate.policy.minTraffic}`,
          0,
          { traffic },
        ),
      );
    }
  }
  if (gate.kind === 'threshold')
    return finish(evaluateThreshold(gate, complete));
  if (gate.kind === 'burn-rate')
    return finish(evaluateBurnRate(gate, complete));
  return finish(evaluateCanary(gate, complete));
}
