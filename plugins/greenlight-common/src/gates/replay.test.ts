import { replayGate, resultAt } from './replay';
import type {
  BurnRateGate,
  FailureRule,
  MetricRangeResult,
  ThresholdGate,
} from './types';

const t0 = 1_700_000_000;
const minute = 60;

/** One series with a point per minute from t0; null leaves a gap. */
function perMinute(values: Array<number | null>): MetricRangeResult {
  return {
    status: 'ok',
    series: [
      {
        labels: {},
        points: values.flatMap((v, i) =>
          v === null ? [] : [[t0 + i * minute, v] as [number, number]],
        ),
      },
    ],
  };
}

function errorRateGate(failureRule: FailureRule): ThresholdGate {
  return {
    id: 'checkout/error-rate',
    name: 'error-rate',
    kind: 'threshold',
    metric: { provider: 'prometheus', query: 'error_ratio' },
    comparator: '<',
    threshold: 0.01,
    windowSeconds: 60,
    policy: {
      intervalSeconds: 60,
      evaluations: 10,
      failureRule,
      minTraffic: 0,
      noData: 'inconclusive',
      maxInconclusive: 2,
      shadow: false,
    },
  };
}

describe('resultAt', () => {
  const range = perMinute([1, 2, null, 4]);

  it('takes the nearest point within the tolerance', () => {
    expect(resultAt(range, t0 + 65, 30)).toEqual({
      status: 'ok',
      samples: [{ labels: {}, value: 2 }],
    });
    expect(resultAt(range, t0 + 85, 30)).toEqual({
      status: 'ok',
      samples: [{ labels: {}, value: 2 }],
    });
  });

  it('has no data in a gap and passes provider outcomes through', () => {
    expect(resultAt(range, t0 + 2 * minute, 30)).toEqual({ status: 'no-data' });
    expect(resultAt({ status: 'error', message: 'boom' }, t0, 30)).toEqual({
      status: 'error',
      message: 'boom',
    });
    expect(resultAt(undefined, t0, 30)).toBeUndefined();
  });
});

describe('replayGate', () => {
  // Minute:     0      1      2     3      4      5     6     7     8      9      10   11    12
  // Value:   0.001  0.002  0.05  0.001  0.002  0.03  0.04  0.05  0.002  0.001  NaN  gap  0.001
  // Outcome:  pass   pass  FAIL  pass   pass   FAIL  FAIL  FAIL  pass   pass   inc  inc   pass
  // consecutive:2 firing:                            yes   yes
  const history = perMinute([
    0.001,
    0.002,
    0.05,
    0.001,
    0.002,
    0.03,
    0.04,
    0.05,
    0.002,
    0.001,
    NaN,
    null,
    0.001,
  ]);

  it('fires on the sustained breach only and measures detection delay', () => {
    const report = replayGate(
      errorRateGate({ kind: 'consecutive', count: 2 }),
      { value: history },
      {
        incidents: [
          { id: 'INC-1', start: t0 + 5 * minute },
          { id: 'INC-2', start: t0 + 10 * minute },
        ],
        detectionHorizonSeconds: 2 * minute,
      },
    );
    expect(report.steps).toHaveLength(13);
    expect(report.steps.map(s => s.evaluation.verdict)).toEqual([
      'pass',
      'pass',
      'fail',
      'pass',
      'pass',
      'fail',
      'fail',
      'fail',
      'pass',
      'pass',
      'no-data',
      'no-data',
      'pass',
    ]);
    expect(report.firingTimes).toEqual([t0 + 6 * minute]);
    // Off → on at minute 6, on → off at minute 8.
    expect(report.flaps).toBe(2);
    expect(report.detections).toEqual([
      {
        id: 'INC-1',
        start: t0 + 5 * minute,
        detectedAt: t0 + 6 * minute,
        delaySeconds: 60,
        missed: false,
      },
      { id: 'INC-2', start: t0 + 10 * minute, missed: true },
    ]);
    expect(report.falseFirings).toEqual([]);
  });

  it('counts flaps of an alternating signal', () => {
    // fail/pass alternating: 2-of-3 holds at minutes 2 and 4 (fail, pass, fail in the
    // window) and not at 3 and 5 (pass, fail, pass): on, off, on, off = 4 flaps.
    const alternating = perMinute([0.05, 0.001, 0.05, 0.001, 0.05, 0.001]);
    const kOfN = replayGate(errorRateGate({ kind: 'k-of-n', k: 2, n: 3 }), {
      value: alternating,
    });
    expect(kOfN.steps.map(s => s.firing)).toEqual([
      false,
      false,
      true,
      false,
      true,
      false,
    ]);
    expect(kOfN.flaps).toBe(4);
    expect(kOfN.firingTimes).toEqual([t0 + 2 * minute, t0 + 4 * minute]);
    expect(kOfN.falseFirings).toEqual(kOfN.firingTimes);
    // Two consecutive failures never happen, so the same signal never fires.
    const strict = replayGate(
      errorRateGate({ kind: 'consecutive', count: 2 }),
      { value: alternating },
    );
    expect(strict.flaps).toBe(0);
  });

  it('honours explicit start and end times', () => {
    const report = replayGate(
      errorRateGate({ kind: 'consecutive', count: 2 }),
      { value: history },
      {
        start: t0 + 5 * minute,
        end: t0 + 7 * minute,
      },
    );
    expect(report.steps.map(s => s.time)).toEqual([
      t0 + 300,
      t0 + 360,
      t0 + 420,
    ]);
  });

  it('replays a burn-rate gate from its planned range queries', () => {
    const gate: BurnRateGate = {
      ...errorRateGate({ kind: 'consecutive', count: 2 }),
      kind: 'burn-rate',
      ratio: {
        type: 'bad',
        bad: { provider: 'prometheus', query: 'errors[{{.window}}]' },
        total: { provider: 'prometheus', query: 'requests[{{.window}}]' },
      },
      objective: 0.99,
      windows: [{ longSeconds: 600, shortSeconds: 60, factor: 10 }],
    } as BurnRateGate;
    // Budget 1%: factor 10 means more than 10% errors in both windows.
    // Long window 12%, 12%, 12%; short window 2%, 20%, 20% → fire from minute 1, confirmed at 2.
    const report = replayGate(gate, {
      'bad@10m': perMinute([120, 120, 120]),
      'total@10m': perMinute([1000, 1000, 1000]),
      'bad@1m': perMinute([2, 20, 20]),
      'total@1m': perMinute([100, 100, 100]),
    });
    expect(report.steps.map(s => s.evaluation.verdict)).toEqual([
      'pass',
      'fail',
      'fail',
    ]);
    expect(report.firingTimes).toEqual([t0 + 2 * minute]);
  });

  it('returns an empty report without data or bounds', () => {
    expect(replayGate(errorRateGate(twoOfThreeRule()), {})).toEqual({
      steps: [],
      firingTimes: [],
      flaps: 0,
      detections: [],
      falseFirings: [],
    });
  });
});

function twoOfThreeRule(): FailureRule {
  return { kind: 'k-of-n', k: 2, n: 3 };
}
