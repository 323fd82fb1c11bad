import fc from 'fast-check';
import {
  combineGateDecisions,
  decideGate,
  failuresNeeded,
  ruleFiring,
  ruleTrippedAt,
  type GateDecision,
} from './decision';
import type { FailureRule, GateOutcome } from './types';

const consecutive2: FailureRule = { kind: 'consecutive', count: 2 };
const twoOfThree: FailureRule = { kind: 'k-of-n', k: 2, n: 3 };
const policy = (
  failureRule: FailureRule,
  evaluations = 10,
  maxInconclusive = 2,
) => ({
  failureRule,
  evaluations,
  maxInconclusive,
});
const pass = (n: number): GateOutcome[] => new Array(n).fill('pass');

describe('failure rules', () => {
  it('does not roll back on a single spike under a k ≥ 2 rule', () => {
    const spike: GateOutcome[] = ['pass', 'pass', 'fail', ...pass(7)];
    expect(decideGate(spike, policy(consecutive2)).action).toBe('promote');
    expect(decideGate(spike, policy(twoOfThree)).action).toBe('promote');
  });

  it('rolls back on a sustained breach, at the evaluation where the rule trips', () => {
    const breach: GateOutcome[] = ['pass', 'pass', 'fail', 'fail', 'fail'];
    expect(decideGate(breach, policy(consecutive2))).toMatchObject({
      action: 'rollback',
      trippedAt: 3,
      failures: 3,
      reason: '2 consecutive evaluations failed',
    });
    expect(decideGate(breach, policy(twoOfThree))).toMatchObject({
      action: 'rollback',
      trippedAt: 3,
    });
  });

  it('catches an alternating breach with k-of-n but not with consecutive', () => {
    const alternating: GateOutcome[] = ['fail', 'pass', 'fail', 'pass', 'fail'];
    expect(ruleTrippedAt(alternating, consecutive2)).toBeUndefined();
    // Window of the last three at index 2: fail, pass, fail → 2 of 3.
    expect(ruleTrippedAt(alternating, twoOfThree)).toBe(2);
    // Failures further apart than the window never trip it.
    expect(
      ruleTrippedAt(
        ['fail', 'pass', 'pass', 'fail', 'pass', 'pass', 'fail'],
        twoOfThree,
      ),
    ).toBeUndefined();
  });

  it('lets inconclusive evaluations break runs and skips ignored ones', () => {
    expect(
      ruleTrippedAt(['fail', 'inconclusive', 'fail'], consecutive2),
    ).toBeUndefined();
    expect(ruleTrippedAt(['fail', 'inconclusive', 'fail'], twoOfThree)).toBe(2);
    expect(
      ruleTrippedAt(['fail', 'ignored', 'ignored', 'fail'], consecutive2),
    ).toBe(3);
    // The 2-of-3 window spans counted evaluations: pass, fail, [ignored], fail.
    expect(
      ruleTrippedAt(['fail', 'pass', 'pass', 'ignored', 'fail'], twoOfThree),
    ).toBeUndefined();
  });

  it('reports whether the rule holds over the latest evaluations', () => {
    expect(ruleFiring(['fail', 'fail'], consecutive2)).toBe(true);
    expect(ruleFiring(['fail', 'fail', 'pass'], consecutive2)).toBe(false);
    expect(ruleFiring(['fail', 'fail', 'ignored'], consecutive2)).toBe(true);
    expect(ruleFiring(['fail', 'pass', 'fail'], twoOfThree)).toBe(true);
    expect(ruleFiring(['fail', 'pass', 'fail', 'pass'], twoOfThree)).toBe(
      false,
    );
    expect(ruleFiring([], twoOfThree)).toBe(false);
  });
});

describe('decideGate', () => {
  it('continues until the required evaluations are made', () => {
    expect(decideGate(pass(9), policy(consecutive2))).toMatchObject({
      action: 'continue',
      completed: 9,
    });
    expect(decideGate(pass(10), policy(consecutive2))).toMatchObject({
      action: 'promote',
      completed: 10,
    });
  });

  it('counts ignored evaluations towards completion only', () => {
    const quiet: GateOutcome[] = [...pass(5), ...new Array(5).fill('ignored')];
    expect(decideGate(quiet, policy(consecutive2)).action).toBe('promote');
  });

  it('pauses on more inconclusive evaluations than allowed', () => {
    const unsure: GateOutcome[] = ['pass', 'inconclusive', 'inconclusive'];
    expect(decideGate(unsure, policy(consecutive2)).action).toBe('continue');
    expect(
      decideGate([...unsure, 'inconclusive'], policy(consecutive2)),
    ).toMatchObject({
      action: 'pause-inconclusive',
      inconclusive: 3,
    });
  });

  it('prefers rollback to a pause', () => {
    const both: GateOutcome[] = [
      'inconclusive',
      'inconclusive',
      'inconclusive',
      'fail',
      'fail',
    ];
    expect(decideGate(both, policy(consecutive2)).action).toBe('rollback');
  });

  const outcome = fc.constantFrom<GateOutcome>(
    'pass',
    'fail',
    'inconclusive',
    'ignored',
  );
  const rule = fc.oneof(
    fc
      .integer({ min: 1, max: 5 })
      .map((count): FailureRule => ({ kind: 'consecutive', count })),
    fc
      .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 4 }))
      .map(([k, extra]): FailureRule => ({ kind: 'k-of-n', k, n: k + extra })),
  );

  it('never rolls back with fewer failing evaluations than the rule needs', () => {
    fc.assert(
      fc.property(
        fc.array(outcome, { maxLength: 30 }),
        rule,
        (outcomes, failureRule) => {
          const failures = outcomes.filter(o => o === 'fail').length;
          fc.pre(failures < failuresNeeded(failureRule));
          expect(
            decideGate(outcomes, policy(failureRule, 30, 30)).action,
          ).not.toBe('rollback');
        },
      ),
    );
  });

  it('always rolls back once k evaluations in a row have failed', () => {
    fc.assert(
      fc.property(
        fc.array(outcome),
        fc.array(outcome),
        rule,
        (before, after, failureRule) => {
          const run: GateOutcome[] = new Array(
            failuresNeeded(failureRule),
          ).fill('fail');
          const decision = decideGate(
            [...before, ...run, ...after],
            policy(failureRule),
          );
          expect(decision.action).toBe('rollback');
          expect(decision.trippedAt).toBeLessThan(before.length + run.length);
        },
      ),
    );
  });

  it('never takes a rollback back when more evaluations arrive', () => {
    fc.assert(
      fc.property(
        fc.array(outcome),
        fc.array(outcome),
        rule,
        (first, later, failureRule) => {
          const earlier = decideGate(first, policy(failureRule));
          fc.pre(earlier.action === 'rollback');
          expect(
            decideGate([...first, ...later], policy(failureRule)),
          ).toMatchObject({
            action: 'rollback',
            trippedAt: earlier.trippedAt,
          });
        },
      ),
    );
  });
});

describe('combineGateDecisions', () => {
  const decision = (action: GateDecision['action']): GateDecision => ({
    action,
    reason: action,
    completed: 1,
    failures: 0,
    inconclusive: 0,
  });

  it('rolls back when any enforced gate does, and only then', () => {
    expect(
      combineGateDecisions([
        { gateId: 'a', shadow: false, decision: decision('promote') },
        { gateId: 'b', shadow: false, decision: decision('rollback') },
        {
          gateId: 'c',
          shadow: false,
          decision: decision('pause-inconclusive'),
        },
      ]),
    ).toMatchObject({ action: 'rollback', reason: 'b: rollback' });
    expect(
      combineGateDecisions([
        { gateId: 'a', shadow: false, decision: decision('continue') },
        {
          gateId: 'c',
          shadow: false,
          decision: decision('pause-inconclusive'),
        },
      ]).action,
    ).toBe('pause-inconclusive');
  });

  it('records shadow gates without acting on them', () => {
    const combined = combineGateDecisions([
      { gateId: 'a', shadow: false, decision: decision('promote') },
      { gateId: 's', shadow: true, decision: decision('rollback') },
    ]);
    expect(combined).toEqual({
      action: 'promote',
      reason: 'all 1 gates passed',
      shadow: [{ gateId: 's', action: 'rollback' }],
    });
  });

  it('continues while an enforced gate continues', () => {
    expect(
      combineGateDecisions([
        { gateId: 'a', shadow: false, decision: decision('promote') },
        { gateId: 'b', shadow: false, decision: decision('continue') },
      ]).action,
    ).toBe('continue');
  });

  it('waits for shadow gates when no gate is enforced', () => {
    const shadowOnly = (action: GateDecision['action']) =>
      combineGateDecisions([
        { gateId: 's', shadow: true, decision: decision(action) },
      ]).action;
    expect(shadowOnly('continue')).toBe('continue');
    expect(shadowOnly('rollback')).toBe('promote');
  });
});
