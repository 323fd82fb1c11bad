import { PolicyCheck } from './PolicyGateChecks';
import { policyEvaluations, promotionHolds } from './policyEvaluations';

const provenance = (
  verdict: PolicyCheck['verdict'],
  reason: string,
  shadow = false,
): PolicyCheck => ({
  gate: {
    id: 'policy/provenance',
    kind: 'provenance',
    shadow,
    minSlsaLevel: 2,
  },
  verdict,
  reason,
  checked: 'verified provenance at SLSA level 2 or higher',
});

describe('policyEvaluations', () => {
  it('records a policy gate when its answer changes, not at every recheck', () => {
    const first = policyEvaluations(
      [provenance('fail', 'unsigned')],
      {},
      1000,
      'promote',
    );
    expect(first.evaluations).toMatchObject([
      {
        gateId: 'policy/provenance',
        kind: 'policy',
        verdict: 'fail',
        outcome: 'fail',
        decision: 'continue',
        value: null,
      },
    ]);
    const again = policyEvaluations(
      [provenance('fail', 'unsigned')],
      first.states,
      2000,
      'promote',
    );
    expect(again.evaluations).toEqual([]);
    const verified = policyEvaluations(
      [provenance('pass', 'verified at 2')],
      again.states,
      3000,
      'promote',
    );
    expect(verified.evaluations).toMatchObject([
      { verdict: 'pass', decision: 'promote' },
    ]);
  });

  it('never shows a policy gate as the trigger of a rollback', () => {
    const { evaluations } = policyEvaluations(
      [provenance('fail', 'unsigned')],
      {},
      1000,
      'rollback',
    );
    expect(evaluations[0].decision).toBe('continue');
  });

  it('lets a shadow gate record what it would do without holding', () => {
    const check = provenance('fail', 'unsigned', true);
    const { evaluations } = policyEvaluations([check], {}, 1000, 'promote');
    expect(evaluations[0]).toMatchObject({
      shadow: true,
      decision: 'promote',
      evidence: { holdsPromotion: false, wouldHoldPromotion: true },
    });
    expect(promotionHolds([check], undefined)).toEqual([]);
  });
});

describe('promotionHolds', () => {
  it('names every enforced gate that is not passing, and the stop', () => {
    expect(
      promotionHolds(
        [
          provenance('inconclusive', 'could not be checked: timeout'),
          provenance('pass', 'fine'),
        ],
        { scope: 'production', reason: 'outage', pulledBy: 'user:default/ada' },
      ),
    ).toEqual([
      'policy gate policy/provenance: could not be checked: timeout',
      'emergency stop of production pulled by user:default/ada: outage',
    ]);
  });
});
