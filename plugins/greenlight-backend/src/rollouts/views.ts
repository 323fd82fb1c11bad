import type {
  GateEvaluationView,
  RolloutView,
} from '@greenlight/backstage-plugin-greenlight-common';
import { EvaluationRecord, RolloutRecord } from './RolloutStore';
import { allowedActions } from './stateMachine';

const iso = (ms: number) => new Date(ms).toISOString();

export function toEvaluationView(e: EvaluationRecord): GateEvaluationView {
  return {
    at: iso(e.at),
    gateId: e.gateId,
    kind: e.kind,
    shadow: e.shadow,
    query: e.query,
    value: e.value,
    threshold: e.threshold,
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
    startedAt: iso(r.startedAt),
    updatedAt: iso(r.updatedAt),
    nextEvaluationAt:
      r.state === 'analysing' && r.nextEvaluationAt !== null
        ? iso(r.nextEvaluationAt)
        : null,
    gates: r.gates.map(g => ({
      id: g.id,
      kind: g.kind,
      shadow: g.policy.shadow,
      ...(g.description ? { description: g.description } : {}),
      failureRule: g.policy.failureRule,
      evaluations: g.policy.evaluations,
    })),
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
