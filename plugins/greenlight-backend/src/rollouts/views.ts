import type {
  GateEvaluationView,
  RolloutView,
} from '@greenlight/backstage-plugin-greenlight-common';
import { storedMeasure } from './evaluationMeasure';
import { EvaluationRecord, RolloutRecord } from './RolloutStore';
import { allowedActions } from './stateMachine';
import type { StoredPolicyGate } from './policyGates/PolicyGateChecks';

const iso = (ms: number) => new Date(ms).toISOString();

function policyGateDescription(g: StoredPolicyGate): string {
  switch (g.kind) {
    case 'provenance':
      return `Policy: the artifact has verified provenance at SLSA level ${
        g.minSlsaLevel ?? 0
      } or higher`;
    case 'promotion':
      return 'Policy: the digest passed the previous stage (promoted, not rebuilt, no stage skipped)';
    default:
      return 'Policy: the readiness decision of the change allows it now';
  }
}

export function toEvaluationView(e: EvaluationRecord): GateEvaluationView {
  return {
    at: iso(e.at),
    gateId: e.gateId,
    kind: e.kind,
    shadow: e.shadow,
    query: e.query,
    value: e.value,
    threshold: e.threshold,
    ...storedMeasure(e.evidence),
    verdict: e.verdict,
    decision: e.decision,
    reason: e.reason,
  };
}

export function toRolloutView(
  r: RolloutRecord,
  evaluations: EvaluationRecord[],
  permitted: { rolloutAction: boolean; override: boolean },
  version: string | null = null,
): RolloutView {
  return {
    id: r.id,
    entityRef: r.entityRef,
    environment: r.environment,
    deploymentId: r.deploymentId,
    artifactDigest: r.artifactDigest,
    strategy: r.strategy,
    version,
    state: r.state,
    ...(r.state === 'analysing' && r.stateReason
      ? { stateReason: r.stateReason }
      : {}),
    startedAt: iso(r.startedAt),
    updatedAt: iso(r.updatedAt),
    nextEvaluationAt:
      r.state === 'analysing' && r.nextEvaluationAt !== null
        ? iso(r.nextEvaluationAt)
        : null,
    gates: [
      ...r.gates.map(g => ({
        id: g.id,
        kind: g.kind,
        shadow: g.policy.shadow,
        ...(g.description ? { description: g.description } : {}),
        failureRule: g.policy.failureRule,
        evaluations: g.policy.evaluations,
      })),
      ...r.policyGates.map(g => ({
        id: g.id,
        kind: 'policy',
        shadow: g.shadow,
        description: policyGateDescription(g),
      })),
    ],
    evaluations: evaluations.map(toEvaluationView),
    rollback: r.rollback
      ? {
          status: r.rollback.status,
          executor: r.rollback.executor,
          attempts: r.rollback.attempts,
          reason: r.rollback.reason,
          ...(r.rollback.lastError ? { lastError: r.rollback.lastError } : {}),
          ...(r.rollback.executedAt !== null
            ? { executedAt: iso(r.rollback.executedAt) }
            : {}),
        }
      : null,
    allowedActions: allowedActions(
      { state: r.state, rollbackStatus: r.rollback?.status ?? null },
      permitted,
    ),
  };
}
