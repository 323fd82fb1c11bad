import { measureOf } from './evaluationMeasure';
import { toEvaluationView } from './views';
import type { EvaluationRecord } from './RolloutStore';

const stored = (evidence: unknown): EvaluationRecord => ({
  at: Date.UTC(2026, 11, 4, 10),
  dueAt: Date.UTC(2026, 11, 4, 10),
  gateId: 'checkout/p99',
  kind: 'threshold',
  shadow: false,
  query: 'histogram_quantile(0.99, …)',
  value: null,
  threshold: 0.5,
  verdict: 'fail',
  outcome: 'fail',
  decision: 'continue',
  reason: '∞ (above every bucket) is above the 500 ms limit',
  sampleCount: 1,
  evidence,
});

describe('the measure of an evaluation', () => {
  it('reaches the view with its comparator, unit and a value JSON cannot carry', () => {
    const measure = measureOf({
      verdict: 'fail',
      outcome: 'fail',
      value: Infinity,
      threshold: 0.5,
      comparator: '<',
      unit: 'seconds',
      samples: 1,
      reason: '',
    });
    expect(toEvaluationView(stored({ queries: [], measure }))).toMatchObject({
      value: null,
      threshold: 0.5,
      comparator: '<',
      unit: 'seconds',
      nonFiniteValue: 'Infinity',
    });
  });

  it('leaves rows written before measures were kept, and unknown values, without one', () => {
    const older = toEvaluationView(stored({ queries: [] }));
    expect(older).not.toHaveProperty('comparator');
    expect(older).not.toHaveProperty('unit');
    const odd = toEvaluationView(
      stored({ measure: { comparator: '≈', unit: 'furlongs' } }),
    );
    expect(odd).not.toHaveProperty('comparator');
    expect(odd).not.toHaveProperty('unit');
  });
});
