import type { AuditEntry } from '../database/LedgerStore';
import type { StoredPolicyGate } from './policyGates/PolicyGateChecks';
import type {
  GateDefinition,
  GateEvaluationView,
  GateOutcome,
  RolloutState,
} from '@greenlight/backstage-plugin-greenlight-common';

export type RolloutStrategy = 'canary' | 'blue-green';

/** Where one gate stands within a rollout; kept as JSON on the rollout row. */
export type GateRunState = {
  /** When the gate is due next (epoch ms). */
  nextDueAt: number;
  /** Outcomes so far, in order; what the failure rule reads. */
  outcomes: GateOutcome[];
  /** For a policy gate: the reason of its latest recorded result (only changes are recorded). */
  reason?: string;
};

export type RollbackStatus = 'pending' | 'succeeded' | 'failed';

export type RollbackRecord = {
  status: RollbackStatus;
  executor: string;
  attempts: number;
  reason: string;
  evidence: unknown;
  lastError: string | null;
  nextAttemptAt: number | null;
  executedAt: number | null;
};

export type RolloutRecord = {
  id: string;
  deploymentId: string;
  entityRef: string;
  environment: string;
  artifactDigest: string | null;
  strategy: RolloutStrategy;
  state: RolloutState;
  stateReason: string | null;
  gates: GateDefinition[];
  /** Policy gates (provenance, promotion, readiness): they can hold a promotion, never roll back. */
  policyGates: StoredPolicyGate[];
  gateSource: string;
  gateStates: Record<string, GateRunState>;
  startedAt: number;
  updatedAt: number;
  nextEvaluationAt: number | null;
  leaseOwner: string | null;
  leasedUntil: number | null;
  rollback: RollbackRecord | null;
};

export type NewRollout = Pick<
  RolloutRecord,
  | 'id'
  | 'deploymentId'
  | 'entityRef'
  | 'environment'
  | 'artifactDigest'
  | 'strategy'
  | 'gates'
  | 'gateSource'
  | 'gateStates'
  | 'startedAt'
  | 'nextEvaluationAt'
> &
  Partial<Pick<RolloutRecord, 'policyGates'>>;

/** One stored gate evaluation, with what the view does not show. */
export type EvaluationRecord = {
  at: number;
  dueAt: number;
  gateId: string;
  kind: GateEvaluationView['kind'];
  shadow: boolean;
  query: string;
  value: number | null;
  threshold: number | null;
  verdict: GateEvaluationView['verdict'];
  outcome: GateOutcome;
  decision: GateEvaluationView['decision'];
  reason: string;
  sampleCount: number;
  /** Bounded sample summary per query and the evaluation's details. */
  evidence: unknown;
};

/** What the watcher writes after evaluating a leased rollout. */
export type EvaluationWrite = {
  gateStates: Record<string, GateRunState>;
  nextEvaluationAt: number | null;
  evaluations: EvaluationRecord[];
  /** Without a transition: the reason kept on the rollout (what holds its promotion), or null. */
  stateReason?: string | null;
  /** A state change decided by the gates, if any. */
  transition?:
    | { to: 'promoted' | 'paused-inconclusive'; reason: string }
    | { to: 'rolled-back'; reason: string; rollback: RollbackClaim };
};

export type RollbackClaim = {
  executor: string;
  reason: string;
  evidence: unknown;
};

export type RolloutQuery = {
  entityRef?: string;
  deploymentId?: string;
  state?: RolloutState;
  /** Only rollouts still in progress (analysing or paused). */
  active?: boolean;
  limit: number;
};

export type RollbackAttemptWrite = {
  status: RollbackStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number | null;
  executedAt: number | null;
};

/**
 * Rollouts and their evaluations. Every write that decides a rollout's fate is a
 * conditional UPDATE whose affected row count says whether this caller won.
 */
export interface RolloutStore {
  /**
   * Inserts unless a rollout for the deployment exists; returns the one that is stored. `audit`
   * is written in the same transaction, only when this call created it (as with every write
   * below that takes one: the change and its audit entry are written together or not at all).
   */
  create(
    rollout: NewRollout,
    audit?: AuditEntry,
  ): Promise<{ rollout: RolloutRecord; created: boolean }>;
  get(id: string): Promise<RolloutRecord | undefined>;
  getByDeployment(deploymentId: string): Promise<RolloutRecord | undefined>;
  /** The rollouts of any of these deployments, in one read. */
  listByDeployments(deploymentIds: string[]): Promise<RolloutRecord[]>;
  list(query: RolloutQuery): Promise<RolloutRecord[]>;
  listEvaluations(
    rolloutId: string,
    limit: number,
  ): Promise<EvaluationRecord[]>;

  /**
   * Leases up to `limit` rollouts that are due (analysing and due, or with a rollback
   * attempt due) and not leased by anyone else; returns those this owner got.
   */
  leaseDue(options: {
    now: number;
    owner: string;
    leaseMs: number;
    limit: number;
  }): Promise<RolloutRecord[]>;
  /** Leases one rollout if nobody holds it. */
  lease(
    id: string,
    options: { now: number; owner: string; leaseMs: number },
  ): Promise<boolean>;
  release(id: string, owner: string): Promise<void>;
  /**
   * Extends a lease this owner still holds to `until`; false when the lease was lost (it ran
   * out and another instance took the rollout).
   */
  renewLease(id: string, owner: string, until: number): Promise<boolean>;

  /**
   * Writes evaluations and the gate state of a leased, analysing rollout in one
   * transaction. A rollback transition is the claim: it succeeds only while no rollback
   * was ever claimed. Returns false, writing nothing, when the lease or state was lost.
   * The lease is released unless a rollback was claimed (its attempt follows).
   */
  recordEvaluation(
    id: string,
    owner: string,
    write: EvaluationWrite,
    now: number,
  ): Promise<boolean>;

  /** Claims a rollback from one of `fromStates`; true only for the caller that won. */
  claimRollback(
    id: string,
    claim: RollbackClaim & { fromStates: RolloutState[]; now: number },
    audit?: AuditEntry,
  ): Promise<boolean>;
  /** Arms a failed rollback again; true when it was failed and is pending now. */
  rearmRollback(id: string, now: number, audit?: AuditEntry): Promise<boolean>;
  /** Records the result of one rollback attempt made under the lease, and releases it. */
  recordRollbackAttempt(
    id: string,
    owner: string,
    write: RollbackAttemptWrite,
    now: number,
  ): Promise<boolean>;

  /** Moves a rollout between states unless someone else moved it first. */
  transition(
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
  ): Promise<boolean>;
}
