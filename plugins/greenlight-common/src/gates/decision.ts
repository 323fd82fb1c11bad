import type { FailureRule, GateOutcome, GatePolicy } from './types';

/**
 * What the rollout should do next, as far as one gate (or all gates) can tell.
 *
 * @public
 */
export type RolloutAction =
  | 'continue'
  | 'promote'
  | 'rollback'
  | 'pause-inconclusive';

/** @public */
export interface GateDecision {
  action: RolloutAction;
  reason: string;
  /** Evaluations made so far, ignored ones included. */
  completed: number;
  failures: number;
  inconclusive: number;
  /** Index of the evaluation at which the failure rule tripped. */
  trippedAt?: number;
}

/** Outcomes the failure rule looks at, with their positions; ignored ones are skipped. */
function counted(
  outcomes: readonly GateOutcome[],
): Array<{ index: number; fail: boolean }> {
  return outcomes.flatMap((outcome, index) =>
    outcome === 'ignored' ? [] : [{ index, fail: outcome === 'fail' }],
  );
}

/**
 * How many failing evaluations the rule needs at the least.
 *
 * @public
 */
export function failuresNeeded(rule: FailureRule): number {
  return rule.kind === 'consecutive' ? rule.count : rule.k;
}

/** Length of the run of recent evaluations a rule looks at. */
function span(rule: FailureRule): number {
  return rule.kind === 'consecutive' ? rule.count : rule.n;
}

/** Whether a run of counted outcomes, as long as the rule's span at most, trips the rule. */
function trips(
  run: ReadonlyArray<{ fail: boolean }>,
  rule: FailureRule,
): boolean {
  const failures = run.filter(o => o.fail).length;
  return rule.kind === 'consecutive'
    ? run.length === rule.count && failures === rule.count
    : failures >= rule.k;
}

/**
 * Index of the first evaluation at which the rule trips, or undefined. Ignored outcomes
 * neither count nor break a run; inconclusive ones break a run of failures.
 *
 * @public
 */
export function ruleTrippedAt(
  outcomes: readonly GateOutcome[],
  rule: FailureRule,
): number | undefined {
  const list = counted(outcomes);
  for (let end = 1; end <= list.length; end++) {
    const run = list.slice(Math.max(0, end - span(rule)), end);
    if (trips(run, rule)) return list[end - 1].index;
  }
  return undefined;
}

/**
 * Whether the rule holds over the latest evaluations: the state of a continuous monitor.
 *
 * @public
 */
export function ruleFiring(
  outcomes: readonly GateOutcome[],
  rule: FailureRule,
): boolean {
  const list = counted(outcomes);
  return trips(list.slice(Math.max(0, list.length - span(rule))), rule);
}

function describe(rule: FailureRule): string {
  return rule.kind === 'consecutive'
    ? `${rule.count} consecutive evaluations failed`
    : `${rule.k} of the last ${rule.n} evaluations failed`;
}

/**
 * Decides a gate from its outcomes so far. Rollback wins over everything once the failure
 * rule has tripped; too many inconclusive evaluations pause; enough evaluations without
 * either promote. Ignored evaluations count towards completion only.
 *
 * @public
 */
export function decideGate(
  outcomes: readonly GateOutcome[],
  policy: Pick<GatePolicy, 'evaluations' | 'failureRule' | 'maxInconclusive'>,
): GateDecision {
  const completed = outcomes.length;
  const failures = outcomes.filter(o => o === 'fail').length;
  const inconclusive = outcomes.filter(o => o === 'inconclusive').length;
  const tally = { completed, failures, inconclusive };
  const trippedAt = ruleTrippedAt(outcomes, policy.failureRule);
  if (trippedAt !== undefined) {
    return {
      action: 'rollback',
      reason: describe(policy.failureRule),
      trippedAt,
      ...tally,
    };
  }
  if (inconclusive > policy.maxInconclusive) {
    return {
      action: 'pause-inconclusive',
      reason: `${inconclusive} inconclusive evaluations, more than the ${policy.maxInconclusive} allowed`,
      ...tally,
    };
  }
  if (completed >= policy.evaluations) {
    return {
      action: 'promote',
      reason: `${completed} evaluations without a breach`,
      ...tally,
    };
  }
  return {
    action: 'continue',
    reason: `${completed} of ${policy.evaluations} evaluations made`,
    ...tally,
  };
}

/**
 * One gate's decision within a rollout.
 *
 * @public
 */
export interface GateDecisionEntry {
  gateId: string;
  shadow: boolean;
  decision: GateDecision;
}

/** @public */
export interface RolloutDecision {
  action: RolloutAction;
  reason: string;
  /** What shadow gates would have done; never acted upon. */
  shadow: Array<{ gateId: string; action: RolloutAction }>;
}

/**
 * Combines the gates of a rollout: any enforced rollback rolls back, then any enforced
 * pause pauses, and the rollout is promoted once every enforced gate would promote.
 * Shadow gates hold promotion (until they are done) only when no gate is enforced, so
 * that a shadow-only rollout still collects its evaluations.
 *
 * @public
 */
export function combineGateDecisions(
  entries: readonly GateDecisionEntry[],
): RolloutDecision {
  const enforced = entries.filter(e => !e.shadow);
  const shadow = entries
    .filter(e => e.shadow)
    .map(e => ({ gateId: e.gateId, action: e.decision.action }));
  const withAction = (action: RolloutAction) =>
    enforced.filter(e => e.decision.action === action);
  const listed = (list: readonly GateDecisionEntry[]) =>
    list.map(e => `${e.gateId}: ${e.decision.reason}`).join('; ');
  for (const action of ['rollback', 'pause-inconclusive'] as const) {
    const hits = withAction(action);
    if (hits.length) return { action, reason: listed(hits), shadow };
  }
  const deciding = enforced.length ? enforced : entries;
  // Only 'continue' is left here for enforced gates; a shadow gate that would roll back
  // or pause has finished as far as the rollout is concerned.
  const pending = deciding.filter(e => e.decision.action === 'continue');
  if (pending.length)
    return { action: 'continue', reason: listed(pending), shadow };
  return {
    action: 'promote',
    reason: `all ${deciding.length} gates passed`,
    shadow,
  };
}
