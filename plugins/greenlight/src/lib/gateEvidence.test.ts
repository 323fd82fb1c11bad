import type { GateEvaluationView, RolloutView } from '../api';
import {
  evidenceSentence,
  formatEvaluationThreshold,
  formatEvaluationValue,
  rollbackReason,
} from './gateEvidence';

const evaluation = (
  overrides: Partial<GateEvaluationView> = {},
): GateEvaluationView => ({
  at: '2026-11-02T10:02:00Z',
  gateId: 'checkout/error-rate',
  kind: 'threshold',
  shadow: false,
  query: 'errors / requests',
  value: 0.08275853897787058,
  threshold: 0.02,
  comparator: '<',
  unit: 'ratio',
  verdict: 'fail',
  decision: 'rollback',
  reason: 'stored',
  ...overrides,
});

const latency = evaluation({
  gateId: 'checkout/p99',
  value: 0.7,
  threshold: 0.5,
  unit: 'seconds',
});

const rolledBack = (
  reason: string,
  evaluations: GateEvaluationView[],
): Pick<RolloutView, 'rollback' | 'evaluations'> => ({
  rollback: { status: 'succeeded', executor: 'demo', attempts: 1, reason },
  evaluations,
});

describe('gate evidence in the portal', () => {
  it('says an evaluation from its numbers, and an older row from its reason', () => {
    expect(evidenceSentence(evaluation())).toBe('8.3% is above the 2% limit');
    expect(
      evidenceSentence(
        evaluation({
          comparator: undefined,
          unit: undefined,
          reason: '0.08275853897787058 is not < 0.02',
        }),
      ),
    ).toBe('0.0828 is not < 0.02');
    const unknown = evaluation({
      comparator: '≈' as GateEvaluationView['comparator'],
      reason: 'close enough',
    });
    expect(evidenceSentence(unknown)).toBe('close enough');
  });

  it('shows values and thresholds in their unit, infinities included', () => {
    expect(formatEvaluationValue(evaluation())).toBe('8.3%');
    expect(formatEvaluationThreshold(evaluation())).toBe('2%');
    expect(formatEvaluationValue(latency)).toBe('700 ms');
    expect(
      formatEvaluationValue(
        evaluation({
          value: null,
          nonFiniteValue: 'Infinity',
          unit: 'seconds',
        }),
      ),
    ).toBe('∞ (above every bucket)');
    expect(
      formatEvaluationValue(evaluation({ value: null, verdict: 'no-data' })),
    ).toBe('—');
  });

  it('adds what the failing gates measured to a reason stored without it', () => {
    expect(
      rollbackReason(
        rolledBack('error ratio 3 failures in a row', [evaluation()]),
      ),
    ).toBe(
      'error ratio 3 failures in a row (last: 8.3% is above the 2% limit)',
    );
    expect(
      rollbackReason(rolledBack('two gates tripped', [evaluation(), latency])),
    ).toBe(
      'two gates tripped (last: checkout/error-rate: 8.3% is above the 2% limit; checkout/p99: 700 ms is above the 500 ms limit)',
    );
  });

  it('leaves a reason that already says it, a manual reason and a shadow gate alone', () => {
    const written =
      'checkout/error-rate: 2 consecutive evaluations failed (last: 8.3% is above the 2% limit)';
    // The latency gate failed in the same round but did not trip: the watcher did not name it.
    expect(rollbackReason(rolledBack(written, [evaluation(), latency]))).toBe(
      written,
    );
    expect(
      rollbackReason(
        rolledBack('customers report errors', [
          evaluation({ decision: 'continue' }),
        ]),
      ),
    ).toBe('customers report errors');
    expect(
      rollbackReason(rolledBack('by hand', [evaluation({ shadow: true })])),
    ).toBe('by hand');
    expect(rollbackReason({ rollback: null, evaluations: [] })).toBeNull();
  });
});
