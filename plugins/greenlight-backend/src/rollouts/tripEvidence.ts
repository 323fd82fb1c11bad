import type { GateDecisionEntry } from '@greenlight/backstage-plugin-greenlight-common';
import type { GateRun } from './gateRunner';

/**
 * A gate that asks for a rollback says what it last measured: "2 consecutive evaluations
 * failed (last: 8.3% is above the 2% limit)". The rollout's reason is built from these, so
 * the portal, the audit trail, the owners' notification and the executor all read the same
 * sentence, said once from the numbers by the evaluation.
 */
export function withTripEvidence(
  entries: GateDecisionEntry[],
  runs: GateRun[],
): GateDecisionEntry[] {
  const byGate = new Map(runs.map(r => [r.gate.id, r]));
  return entries.map(entry => {
    const run = byGate.get(entry.gateId);
    if (entry.decision.action !== 'rollback' || !run) return entry;
    return {
      ...entry,
      decision: {
        ...entry.decision,
        reason: `${entry.decision.reason} (last: ${run.evaluation.reason})`,
      },
    };
  });
}
