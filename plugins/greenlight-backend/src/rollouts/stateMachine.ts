import {
  combineGateDecisions,
  decideGate,
  type GateDecisionEntry,
  type GateDefinition,
  type GateOutcome,
  type RolloutDecision,
  type RolloutState,
  type RolloutView,
} from '@greenlight/backstage-plugin-greenlight-common';
import type { GateRunState, RollbackStatus } from './RolloutStore';

export type ManualAction = RolloutView['allowedActions'][number];
export const manualActions: readonly ManualAction[] = [
  'pause',
  'resume',
  'promote',
  'rollback',
  'override',
];

/** States in which the rollout is not decided yet. */
export const openStates: readonly RolloutState[] = [
  'analysing',
  'paused',
  'paused-inconclusive',
];

export function initialGateStates(
  gates: GateDefinition[],
  startedAt: number,
): Record<string, GateRunState> {
  // The first evaluation waits one interval: the new version needs time to produce metrics.
  return Object.fromEntries(
    gates.map(g => [
      g.id,
      { nextDueAt: startedAt + g.policy.intervalSeconds * 1000, outcomes: [] },
    ]),
  );
}

function stateOf(
  states: Record<string, GateRunState>,
  gate: GateDefinition,
): GateRunState {
  return states[gate.id] ?? { nextDueAt: 0, outcomes: [] };
}

/**
 * Enforced gates are watched until the rollout is decided, so a late breach still rolls
 * back. A shadow gate stops once it has reached a decision of its own.
 */
export function isWatched(gate: GateDefinition, state: GateRunState): boolean {
  if (!gate.policy.shadow) return true;
  return decideGate(state.outcomes, gate.policy).action === 'continue';
}

export function dueGates(
  gates: GateDefinition[],
  states: Record<string, GateRunState>,
  now: number,
) {
  return gates.filter(
    g =>
      isWatched(g, stateOf(states, g)) && stateOf(states, g).nextDueAt <= now,
  );
}

export function nextEvaluationAt(
  gates: GateDefinition[],
  states: Record<string, GateRunState>,
): number | null {
  const times = gates
    .filter(g => isWatched(g, stateOf(states, g)))
    .map(g => stateOf(states, g).nextDueAt);
  return times.length ? Math.min(...times) : null;
}

/**
 * Appends an outcome. The next evaluation is due one interval after this one was due, so
 * a slow watcher does not drift; a gate that fell more than an interval behind skips
 * the missed evaluations instead of catching up in a burst.
 */
export function afterEvaluation(
  gate: GateDefinition,
  state: GateRunState,
  outcome: GateOutcome,
  now: number,
): GateRunState {
  const interval = gate.policy.intervalSeconds * 1000;
  let nextDueAt = state.nextDueAt + interval;
  if (nextDueAt <= now) nextDueAt = now + interval;
  return { nextDueAt, outcomes: [...state.outcomes, outcome] };
}

/** Each gate's own decision from its outcomes so far. */
export function gateDecisions(
  gates: GateDefinition[],
  states: Record<string, GateRunState>,
): GateDecisionEntry[] {
  return gates.map(g => ({
    gateId: g.id,
    shadow: g.policy.shadow,
    decision: decideGate(stateOf(states, g).outcomes, g.policy),
  }));
}

/** What the gates, taken together, say the rollout should do now. */
export function decideRollout(
  gates: GateDefinition[],
  states: Record<string, GateRunState>,
): RolloutDecision {
  return combineGateDecisions(gateDecisions(gates, states));
}

/**
 * Gate states when a paused rollout analyses again: every gate is due one interval from
 * now. Resuming from `paused-inconclusive` forgives the inconclusive outcomes that paused
 * it (they stay in the evaluation history), or the rollout would pause again at once.
 */
export function resumedGateStates(
  gates: GateDefinition[],
  states: Record<string, GateRunState>,
  from: RolloutState,
  now: number,
): Record<string, GateRunState> {
  return Object.fromEntries(
    gates.map(g => {
      const outcomes = stateOf(states, g).outcomes;
      return [
        g.id,
        {
          nextDueAt: now + g.policy.intervalSeconds * 1000,
          outcomes:
            from === 'paused-inconclusive'
              ? outcomes.filter(o => o !== 'inconclusive')
              : outcomes,
        },
      ];
    }),
  );
}

export type ActionPlan =
  | { kind: 'transition'; to: RolloutState }
  | { kind: 'rollback' }
  | { kind: 'retry-rollback' }
  | { kind: 'refused'; message: string };

/**
 * What a manual action does from a state. `promote` is for rollouts the gates have not
 * objected to; promoting one they paused as inconclusive is an `override`.
 */
export function planAction(
  action: ManualAction,
  rollout: { state: RolloutState; rollbackStatus: RollbackStatus | null },
): ActionPlan {
  const { state, rollbackStatus } = rollout;
  const refused = (): ActionPlan => ({
    kind: 'refused',
    message: `cannot ${action} a rollout that is ${state}${
      rollbackStatus ? ` (rollback ${rollbackStatus})` : ''
    }`,
  });
  switch (action) {
    case 'pause':
      return state === 'analysing'
        ? { kind: 'transition', to: 'paused' }
        : refused();
    case 'resume':
      return state === 'paused' || state === 'paused-inconclusive'
        ? { kind: 'transition', to: 'analysing' }
        : refused();
    case 'promote':
      return state === 'analysing' || state === 'paused'
        ? { kind: 'transition', to: 'promoted' }
        : refused();
    case 'override':
      return openStates.includes(state)
        ? { kind: 'transition', to: 'promoted' }
        : refused();
    case 'rollback':
      if (openStates.includes(state) && rollbackStatus === null)
        return { kind: 'rollback' };
      // A rollback whose executor gave up may be tried again; it stays the same rollback.
      if (state === 'rolled-back' && rollbackStatus === 'failed')
        return { kind: 'retry-rollback' };
      return refused();
    default:
      return refused();
  }
}

/** The manual actions a caller with these permissions may take on the rollout now. */
export function allowedActions(
  rollout: { state: RolloutState; rollbackStatus: RollbackStatus | null },
  permitted: { rolloutAction: boolean; override: boolean },
): ManualAction[] {
  return manualActions.filter(action => {
    const allowedByPermission =
      action === 'override' ? permitted.override : permitted.rolloutAction;
    return (
      allowedByPermission && planAction(action, rollout).kind !== 'refused'
    );
  });
}
