import { Knex } from 'knex';
import type { AuditEntry } from '../database/LedgerStore';
import { insertAudit } from '../governance/store/audit';
import {
  EvaluationRecord,
  EvaluationWrite,
  GateRunState,
  NewRollout,
  RollbackAttemptWrite,
  RollbackClaim,
  RolloutQuery,
  RolloutRecord,
  RolloutStore,
} from './RolloutStore';
import type { RolloutState } from '@greenlight/backstage-plugin-greenlight-common';

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
const parse = (v: unknown) =>
  typeof v === 'string' ? JSON.parse(v) : v ?? null;

function toRecord(row: any): RolloutRecord {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    entityRef: row.entity_ref,
    environment: row.environment,
    artifactDigest: row.artifact_digest ?? null,
    strategy: row.strategy,
    state: row.state,
    stateReason: row.state_reason ?? null,
    gates: parse(row.gates) ?? [],
    policyGates: parse(row.policy_gates) ?? [],
    gateSource: row.gate_source,
    gateStates: (parse(row.gate_states) ?? {}) as Record<string, GateRunState>,
    startedAt: Number(row.started_at),
    updatedAt: Number(row.updated_at),
    nextEvaluationAt: num(row.next_evaluation_at),
    leaseOwner: row.lease_owner ?? null,
    leasedUntil: num(row.leased_until),
    rollback: row.rollback_status
      ? {
          status: row.rollback_status,
          executor: row.rollback_executor,
          attempts: Number(row.rollback_attempts ?? 0),
          reason: row.rollback_reason ?? '',
          evidence: parse(row.rollback_evidence),
          lastError: row.rollback_last_error ?? null,
          nextAttemptAt: num(row.rollback_next_attempt_at),
          executedAt: num(row.rollback_executed_at),
        }
      : null,
  };
}

function toEvaluation(row: any): EvaluationRecord {
  return {
    at: Number(row.at),
    dueAt: Number(row.due_at),
    gateId: row.gate_id,
    kind: row.kind,
    shadow: Boolean(row.shadow),
    query: row.query,
    value: num(row.value),
    threshold: num(row.threshold),
    verdict: row.verdict,
    outcome: row.outcome,
    decision: row.decision,
    reason: row.reason,
    sampleCount: Number(row.sample_count),
    evidence: parse(row.evidence),
  };
}

function evaluationRow(rolloutId: string, e: EvaluationRecord) {
  const finite = (v: number | null) =>
    v !== null && Number.isFinite(v) ? v : null;
  return {
    rollout_id: rolloutId,
    at: e.at,
    due_at: e.dueAt,
    gate_id: e.gateId,
    kind: e.kind,
    shadow: e.shadow,
    query: e.query,
    value: finite(e.value),
    threshold: finite(e.threshold),
    verdict: e.verdict,
    outcome: e.outcome,
    decision: e.decision,
    reason: e.reason,
    sample_count: e.sampleCount,
    evidence: json(e.evidence),
  };
}

function claimColumns(claim: RollbackClaim, now: number) {
  return {
    state: 'rolled-back',
    state_reason: claim.reason,
    next_evaluation_at: null,
    rollback_status: 'pending',
    rollback_executor: claim.executor,
    rollback_attempts: 0,
    rollback_reason: claim.reason,
    rollback_evidence: json(claim.evidence),
    rollback_last_error: null,
    rollback_next_attempt_at: now,
    rollback_executed_at: null,
    updated_at: now,
  };
}

/** Nobody holds the lease, or it ran out. */
function leaseFree(now: number) {
  return (q: Knex.QueryBuilder) =>
    q.whereNull('leased_until').orWhere('leased_until', '<', now);
}

/** Analysing and due, or a rollback attempt due. */
function due(now: number) {
  return (q: Knex.QueryBuilder) =>
    q
      .where(q2 =>
        q2.where('state', 'analysing').where('next_evaluation_at', '<=', now),
      )
      .orWhere(q2 =>
        q2
          .where('rollback_status', 'pending')
          .where('rollback_next_attempt_at', '<=', now),
      );
}

/** States in which a rollout is still under way (not yet promoted, rolled back or aborted). */
const IN_PROGRESS = ['analysing', 'paused', 'paused-inconclusive'];

export class KnexRolloutStore implements RolloutStore {
  constructor(private readonly knex: Knex) {}

  /** Runs a write; when it changed what it meant to, writes `audit` in the same transaction. */
  private async audited(
    audit: AuditEntry | undefined,
    write: (db: Knex | Knex.Transaction) => Promise<boolean>,
  ): Promise<boolean> {
    if (!audit) return write(this.knex);
    return this.knex.transaction(async tx => {
      const changed = await write(tx);
      if (changed) await insertAudit(tx, [audit]);
      return changed;
    });
  }

  async create(rollout: NewRollout, audit?: AuditEntry) {
    await this.audited(audit, async db => {
      const inserted = await db('rollouts')
        .insert({
          id: rollout.id,
          deployment_id: rollout.deploymentId,
          entity_ref: rollout.entityRef,
          environment: rollout.environment,
          artifact_digest: rollout.artifactDigest,
          strategy: rollout.strategy,
          state: 'analysing',
          gates: JSON.stringify(rollout.gates),
          policy_gates: rollout.policyGates?.length
            ? JSON.stringify(rollout.policyGates)
            : null,
          gate_source: rollout.gateSource,
          gate_states: JSON.stringify(rollout.gateStates),
          started_at: rollout.startedAt,
          updated_at: rollout.startedAt,
          next_evaluation_at: rollout.nextEvaluationAt,
        })
        .onConflict('deployment_id')
        .ignore()
        .returning('id');
      return inserted.length === 1;
    });
    const stored = await this.getByDeployment(rollout.deploymentId);
    if (!stored)
      throw new Error(
        `Rollout for deployment ${rollout.deploymentId} vanished`,
      );
    return { rollout: stored, created: stored.id === rollout.id };
  }

  async get(id: string) {
    const row = await this.knex('rollouts').where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  async getByDeployment(deploymentId: string) {
    const row = await this.knex('rollouts')
      .where({ deployment_id: deploymentId })
      .first();
    return row ? toRecord(row) : undefined;
  }

  async listByDeployments(deploymentIds: string[]) {
    const records: RolloutRecord[] = [];
    for (let i = 0; i < deploymentIds.length; i += 500) {
      const rows = await this.knex('rollouts').whereIn(
        'deployment_id',
        deploymentIds.slice(i, i + 500),
      );
      records.push(...rows.map(toRecord));
    }
    return records;
  }

  async list(query: RolloutQuery) {
    const q = this.knex('rollouts');
    if (query.entityRef) q.where('entity_ref', query.entityRef);
    if (query.deploymentId) q.where('deployment_id', query.deploymentId);
    if (query.state) q.where('state', query.state);
    if (query.active) q.whereIn('state', IN_PROGRESS);
    const rows = await q
      .orderBy([{ column: 'started_at', order: 'desc' }, { column: 'id' }])
      .limit(query.limit);
    return rows.map(toRecord);
  }

  async listEvaluations(rolloutId: string, limit: number) {
    const rows = await this.knex('rollout_evaluations')
      .where({ rollout_id: rolloutId })
      .orderBy('seq', 'desc')
      .limit(limit);
    return rows.reverse().map(toEvaluation);
  }

  async leaseDue(options: {
    now: number;
    owner: string;
    leaseMs: number;
    limit: number;
  }) {
    const { now, owner, leaseMs, limit } = options;
    const candidates = await this.knex('rollouts')
      .select('id')
      .where(due(now))
      .where(leaseFree(now))
      .orderByRaw('coalesce(next_evaluation_at, rollback_next_attempt_at)')
      .limit(limit);
    if (candidates.length === 0) return [];
    // The WHERE is checked again row by row as the UPDATE runs: on PostgreSQL a
    // concurrent lease of the same row blocks, then sees the new leased_until and skips.
    await this.knex('rollouts')
      .whereIn(
        'id',
        candidates.map(c => c.id),
      )
      .where(due(now))
      .where(leaseFree(now))
      .update({ lease_owner: owner, leased_until: now + leaseMs });
    const rows = await this.knex('rollouts').where({ lease_owner: owner });
    return rows.map(toRecord);
  }

  async lease(
    id: string,
    options: { now: number; owner: string; leaseMs: number },
  ) {
    const updated = await this.knex('rollouts')
      .where({ id })
      .where(leaseFree(options.now))
      .update({
        lease_owner: options.owner,
        leased_until: options.now + options.leaseMs,
      });
    return updated === 1;
  }

  async renewLease(id: string, owner: string, until: number) {
    const updated = await this.knex('rollouts')
      .where({ id, lease_owner: owner })
      .update({ leased_until: until });
    return updated === 1;
  }

  async release(id: string, owner: string) {
    await this.knex('rollouts')
      .where({ id, lease_owner: owner })
      .update({ lease_owner: null, leased_until: null });
  }

  async recordEvaluation(
    id: string,
    owner: string,
    write: EvaluationWrite,
    now: number,
  ) {
    return this.knex.transaction(async tx => {
      const q = tx('rollouts').where({
        id,
        lease_owner: owner,
        state: 'analysing',
      });
      let patch: Record<string, unknown> = {
        gate_states: JSON.stringify(write.gateStates),
        next_evaluation_at: write.nextEvaluationAt,
        updated_at: now,
        lease_owner: null,
        leased_until: null,
      };
      const t = write.transition;
      if (t?.to === 'rolled-back') {
        q.whereNull('rollback_status');
        // The lease is kept: the attempt that follows runs under it.
        patch = {
          ...patch,
          ...claimColumns(t.rollback, now),
          lease_owner: owner,
        };
        delete patch.leased_until;
      } else if (write.stateReason !== undefined && !t) {
        patch.state_reason = write.stateReason;
      }
      if (t && t.to !== 'rolled-back') {
        patch = {
          ...patch,
          state: t.to,
          state_reason: t.reason,
          next_evaluation_at: null,
        };
      }
      const updated = await q.update(patch);
      if (updated !== 1) return false;
      const rows = write.evaluations.map(e => evaluationRow(id, e));
      for (let i = 0; i < rows.length; i += 100) {
        await tx('rollout_evaluations').insert(rows.slice(i, i + 100));
      }
      return true;
    });
  }

  async claimRollback(
    id: string,
    claim: RollbackClaim & { fromStates: RolloutState[]; now: number },
    audit?: AuditEntry,
  ) {
    return this.audited(audit, async db => {
      const updated = await db('rollouts')
        .where({ id })
        .whereIn('state', claim.fromStates)
        .whereNull('rollback_status')
        .update(claimColumns(claim, claim.now));
      return updated === 1;
    });
  }

  async rearmRollback(id: string, now: number, audit?: AuditEntry) {
    return this.audited(audit, async db => {
      const updated = await db('rollouts')
        .where({ id, state: 'rolled-back', rollback_status: 'failed' })
        .update({
          rollback_status: 'pending',
          rollback_attempts: 0,
          rollback_next_attempt_at: now,
          updated_at: now,
        });
      return updated === 1;
    });
  }

  async recordRollbackAttempt(
    id: string,
    owner: string,
    write: RollbackAttemptWrite,
    now: number,
  ) {
    const updated = await this.knex('rollouts')
      .where({ id, lease_owner: owner, rollback_status: 'pending' })
      .update({
        rollback_status: write.status,
        rollback_attempts: write.attempts,
        rollback_last_error: write.lastError,
        rollback_next_attempt_at: write.nextAttemptAt,
        rollback_executed_at: write.executedAt,
        updated_at: now,
        lease_owner: null,
        leased_until: null,
      });
    return updated === 1;
  }

  async transition(
    id: string,
    change: {
      fromStates: RolloutState[];
      to: RolloutState;
      reason: string;
      now: number;
      gateStates?: Record<string, GateRunState>;
      nextEvaluationAt: number | null;
    },
    audit?: AuditEntry,
  ) {
    return this.audited(audit, async db => {
      const updated = await db('rollouts')
        .where({ id })
        .whereIn('state', change.fromStates)
        .whereNull('rollback_status')
        .update({
          state: change.to,
          state_reason: change.reason,
          next_evaluation_at: change.nextEvaluationAt,
          updated_at: change.now,
          ...(change.gateStates
            ? { gate_states: JSON.stringify(change.gateStates) }
            : {}),
        });
      return updated === 1;
    });
  }
}
