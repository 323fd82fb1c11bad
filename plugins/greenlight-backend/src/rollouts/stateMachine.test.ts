import { thresholdGate } from './__testUtils__/fakes';
import {
  afterEvaluation,
  allowedActions,
  decideRollout,
  dueGates,
  initialGateStates,
  nextEvaluationAt,
  planAction,
  resumedGateStates,
} from './stateMachine';

const T0 = 1_000_000;
const all = { rolloutAction: true, override: true };

describe('rollout state machine', () => {
  it('schedules the first evaluation one interval after the start, then every interval from the due time', () => {
    const gate = thresholdGate('s/g', 'q', { intervalSeconds: 30 });
    const states = initialGateStates([gate], T0);
    expect(states['s/g'].nextDueAt).toBe(T0 + 30_000);
    // Evaluated 4 s late: the next one is still due on the 30 s grid.
    const after = afterEvaluation(gate, states['s/g'], 'pass', T0 + 34_000);
    expect(after).toEqual({ nextDueAt: T0 + 60_000, outcomes: ['pass'] });
    // More than an interval behind: missed evaluations are skipped, not made in a burst.
    expect(afterEvaluation(gate, after, 'pass', T0 + 200_000).nextDueAt).toBe(
      T0 + 230_000,
    );
  });

  it('only lists gates that are due, and finds the earliest next one', () => {
    const fast = thresholdGate('s/fast', 'q', { intervalSeconds: 10 });
    const slow = thresholdGate('s/slow', 'q', { intervalSeconds: 60 });
    const states = initialGateStates([fast, slow], T0);
    expect(dueGates([fast, slow], states, T0 + 10_000).map(g => g.id)).toEqual([
      's/fast',
    ]);
    expect(nextEvaluationAt([fast, slow], states)).toBe(T0 + 10_000);
  });

  it('stops watching a shadow gate once it has decided, never an enforced one', () => {
    const shadow = thresholdGate('s/shadow', 'q', { shadow: true });
    const enforced = thresholdGate('s/enforced', 'q');
    const states = {
      's/shadow': { nextDueAt: T0, outcomes: ['fail', 'fail'] as const },
      's/enforced': {
        nextDueAt: T0,
        outcomes: ['pass', 'pass', 'pass', 'pass', 'pass'] as const,
      },
    };
    const copy = JSON.parse(JSON.stringify(states));
    expect(dueGates([shadow, enforced], copy, T0).map(g => g.id)).toEqual([
      's/enforced',
    ]);
    expect(decideRollout([shadow, enforced], copy)).toMatchObject({
      action: 'promote',
      shadow: [{ gateId: 's/shadow', action: 'rollback' }],
    });
  });

  it('forgives inconclusive outcomes when resuming from paused-inconclusive only', () => {
    const gate = thresholdGate('s/g', 'q', { maxInconclusive: 1 });
    const states = {
      's/g': {
        nextDueAt: T0,
        outcomes: ['pass', 'inconclusive', 'inconclusive'] as any,
      },
    };
    expect(decideRollout([gate], states).action).toBe('pause-inconclusive');
    const resumed = resumedGateStates(
      [gate],
      states,
      'paused-inconclusive',
      T0 + 5_000,
    );
    expect(resumed['s/g']).toEqual({
      nextDueAt: T0 + 5_000 + 60_000,
      outcomes: ['pass'],
    });
    expect(decideRollout([gate], resumed).action).toBe('continue');
    expect(
      resumedGateStates([gate], states, 'paused', T0)['s/g'].outcomes,
    ).toHaveLength(3);
  });

  it.each([
    ['analysing', null, ['pause', 'promote', 'rollback', 'override']],
    ['paused', null, ['resume', 'promote', 'rollback', 'override']],
    ['paused-inconclusive', null, ['resume', 'rollback', 'override']],
    ['promoted', null, []],
    ['aborted', null, []],
    ['rolled-back', 'pending', []],
    ['rolled-back', 'succeeded', []],
    ['rolled-back', 'failed', ['rollback']],
  ] as const)(
    'allows from %s (rollback %s): %j',
    (state, rollbackStatus, expected) => {
      expect(allowedActions({ state, rollbackStatus }, all)).toEqual(expected);
    },
  );

  it('allows only what the caller is permitted to do', () => {
    const rollout = {
      state: 'paused-inconclusive',
      rollbackStatus: null,
    } as const;
    expect(
      allowedActions(rollout, { rolloutAction: true, override: false }),
    ).toEqual(['resume', 'rollback']);
    expect(
      allowedActions(rollout, { rolloutAction: false, override: true }),
    ).toEqual(['override']);
    expect(
      allowedActions(rollout, { rolloutAction: false, override: false }),
    ).toEqual([]);
  });

  it('plans a retry for a failed rollback, and refuses with the reason otherwise', () => {
    expect(
      planAction('rollback', {
        state: 'rolled-back',
        rollbackStatus: 'failed',
      }),
    ).toEqual({ kind: 'retry-rollback' });
    expect(
      planAction('rollback', { state: 'analysing', rollbackStatus: null }),
    ).toEqual({ kind: 'rollback' });
    expect(
      planAction('resume', { state: 'promoted', rollbackStatus: null }),
    ).toEqual({
      kind: 'refused',
      message: 'cannot resume a rollout that is promoted',
    });
  });
});
