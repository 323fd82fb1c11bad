import type { RolloutAction } from '@greenlight/backstage-plugin-greenlight-common';
import { EvaluationRecord, GateRunState } from '../RolloutStore';
import { PolicyCheck } from './PolicyGateChecks';

/** A policy check's verdict is already an outcome: pass, fail or inconclusive. */
const outcomeOf = (verdict: PolicyCheck['verdict']) => verdict;

/**
 * The decision kept with a policy gate's evaluation. A failing enforced policy gate is what
 * keeps the rollout from being promoted, so the rollout continues; and a policy gate never
 * asks for a rollback, so its evaluation is not shown as a trigger of one an SLO gate decided.
 */
function policyDecision(action: RolloutAction, holds: boolean): RolloutAction {
  if (action === 'rollback') return 'continue';
  return holds && action === 'promote' ? 'continue' : action;
}

/**
 * Evaluation records for the policy checks whose answer changed since the last one recorded
 * (a rollout held for hours is rechecked often; its evidence need not repeat), and the gate
 * states that remember the latest answers.
 */
export function policyEvaluations(
  checks: PolicyCheck[],
  states: Record<string, GateRunState>,
  at: number,
  action: RolloutAction,
): {
  evaluations: EvaluationRecord[];
  states: Record<string, GateRunState>;
} {
  const evaluations: EvaluationRecord[] = [];
  const next: Record<string, GateRunState> = {};
  for (const check of checks) {
    const outcome = outcomeOf(check.verdict);
    const previous = states[check.gate.id];
    next[check.gate.id] = {
      nextDueAt: at,
      outcomes: [outcome],
      reason: check.reason,
    };
    if (previous?.outcomes[0] === outcome && previous.reason === check.reason)
      continue;
    const holds = !check.gate.shadow && check.verdict !== 'pass';
    evaluations.push({
      at,
      dueAt: at,
      gateId: check.gate.id,
      kind: 'policy',
      shadow: check.gate.shadow,
      query: check.checked,
      value: null,
      threshold: null,
      verdict: check.verdict,
      outcome,
      decision: policyDecision(action, holds),
      reason: check.reason,
      sampleCount: 0,
      evidence: {
        policyGate: check.gate,
        details: check.details,
        holdsPromotion: holds,
        // For a shadow gate: what it would have done.
        wouldHoldPromotion: check.verdict !== 'pass',
      },
    });
  }
  return { evaluations, states: next };
}

/** What keeps a rollout the gates would promote from being promoted, in words. */
export function promotionHolds(
  checks: PolicyCheck[],
  stop: { scope: string; reason: string; pulledBy: string } | undefined,
): string[] {
  const holds = checks
    .filter(c => !c.gate.shadow && c.verdict !== 'pass')
    .map(c => `policy gate ${c.gate.id}: ${c.reason}`);
  if (stop) {
    holds.push(
      `emergency stop of ${stop.scope} pulled by ${stop.pulledBy}: ${stop.reason}`,
    );
  }
  return holds;
}
