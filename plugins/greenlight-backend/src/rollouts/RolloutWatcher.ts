import { LoggerService } from '@backstage/backend-plugin-api';
import {
  combineGateDecisions,
  type GateDecisionEntry,
  type RolloutDecision,
} from '@greenlight/backstage-plugin-greenlight-common';
import type {
  MetricProvider,
  RollbackEvidence,
  RollbackExecutor,
  RollbackResult,
} from '@greenlight/backstage-plugin-greenlight-node';
import { randomUUID } from 'node:crypto';
import { AuditEntry } from '../database/LedgerStore';
import { backoffMs, RolloutsConfig } from './config';
import { measureOf } from './evaluationMeasure';
import { withTripEvidence } from './tripEvidence';
import { GateRun, runGate } from './gateRunner';
import { PolicyCheck } from './policyGates/PolicyGateChecks';
import {
  policyEvaluations,
  promotionHolds,
} from './policyGates/policyEvaluations';
import { forEachBounded } from './pool';
import {
  EvaluationRecord,
  EvaluationWrite,
  RolloutRecord,
  RolloutStore,
} from './RolloutStore';
import {
  afterEvaluation,
  dueGates,
  gateDecisions,
  nextEvaluationAt,
} from './stateMachine';

/** Who the audit log names for what the watcher decides by itself. */
export const WATCHER_ACTOR = 'greenlight:rollout-watcher';
/** Stored as the executor of a rollback claimed while none was configured. */
export const NO_EXECUTOR = 'none';

/** How often a rollout held by an emergency stop looks again whether the stop was lifted. */
export const EMERGENCY_STOP_RECHECK_MS = 10_000;
/** How often a rollout held by a failing policy gate looks again (a verdict may arrive). */
export const POLICY_RECHECK_MS = 30_000;

export type WatcherDeps = {
  /** The emergency stop that holds rollouts in the environment, if one is in force. */
  emergencyStop?: (
    environment: string,
  ) => Promise<{ scope: string; reason: string; pulledBy: string } | undefined>;
  /** Evaluates a rollout's policy gates (provenance, promotion, readiness) now. */
  policyChecks?: { checkAll(rollout: RolloutRecord): Promise<PolicyCheck[]> };
  store: RolloutStore;
  audit: (entry: AuditEntry) => Promise<void>;
  providers: ReadonlyMap<string, MetricProvider>;
  executors: ReadonlyMap<string, RollbackExecutor>;
  /** The executor rollbacks are claimed for; undefined when none is available. */
  executorId?: string;
  logger: LoggerService;
  config: Pick<RolloutsConfig, 'concurrency' | 'leaseMs' | 'retry'>;
  /** Configured secrets, scrubbed from error texts before they are stored or logged. */
  secrets?: string[];
  /**
   * Called after an evaluation of the entity's rollout was recorded, so open pages can show
   * the gates' progress; state changes are also announced through the audit trail.
   */
  onEvaluated?: (entityRef: string) => Promise<void>;
  now?: () => number;
};

function rollbackEvidence(
  decision: RolloutDecision,
  entries: GateDecisionEntry[],
  runs: GateRun[],
): RollbackEvidence {
  const byGate = new Map(runs.map(r => [r.gate.id, r]));
  return {
    summary: decision.reason,
    gates: entries
      .filter(e => !e.shadow && e.decision.action === 'rollback')
      .map(e => {
        const run = byGate.get(e.gateId);
        return {
          gateId: e.gateId,
          reason: e.decision.reason,
          evaluations: run
            ? [
                {
                  verdict: run.evaluation.verdict,
                  value: run.evaluation.value,
                  threshold: run.evaluation.threshold,
                  ...measureOf(run.evaluation),
                  reason: run.evaluation.reason,
                  query: run.query,
                },
              ]
            : [],
        };
      }),
  };
}

/**
 * Evaluates due rollouts and acts on the gates' decisions. Every step is safe to repeat
 * and safe to run on several instances at once: a rollout is evaluated only under a
 * lease taken by a conditional UPDATE, and a rollback is claimed (once, ever) by another
 * conditional UPDATE before any executor is called.
 */
export class RolloutWatcher {
  private readonly instance = randomUUID().slice(0, 8);
  private leaseSeq = 0;
  private readonly now: () => number;

  constructor(private readonly deps: WatcherDeps) {
    this.now = deps.now ?? Date.now;
  }

  get executorId(): string {
    return this.deps.executorId ?? NO_EXECUTOR;
  }

  /** A lease token unique to this instance and batch. */
  private owner() {
    this.leaseSeq += 1;
    return `${this.instance}:${this.leaseSeq}`;
  }

  /** One scheduled run: leases due rollouts batch by batch until none is due or the time budget is spent. */
  async tick(signal?: AbortSignal): Promise<number> {
    const { concurrency, leaseMs } = this.deps.config;
    // Leases outlive the budget, so a batch leased late is finished before its lease runs out.
    const budgetEnd = this.now() + leaseMs / 2;
    const seen = new Set<string>();
    while (!signal?.aborted && this.now() < budgetEnd) {
      const owner = this.owner();
      const leased = await this.deps.store.leaseDue({
        now: this.now(),
        owner,
        leaseMs,
        limit: concurrency * 2,
      });
      // A rollout that is still due after being processed in this run (it failed) waits for the next run.
      const batch = leased.filter(r => !seen.has(r.id));
      for (const r of leased) {
        if (seen.has(r.id)) await this.deps.store.release(r.id, owner);
        seen.add(r.id);
      }
      if (batch.length === 0) break;
      await forEachBounded(batch, concurrency, async rollout => {
        try {
          await this.process(rollout, owner, signal);
        } catch (e) {
          this.deps.logger.error(
            `Rollout ${rollout.id} could not be processed: ${this.scrub(
              (e as Error).message,
            )}`,
          );
          await this.deps.store
            .release(rollout.id, owner)
            .catch(() => undefined);
        }
      });
    }
    return seen.size;
  }

  /** Makes a due rollback attempt right away if nobody else holds the rollout. */
  async attemptNow(id: string): Promise<void> {
    const owner = this.owner();
    if (
      !(await this.deps.store.lease(id, {
        now: this.now(),
        owner,
        leaseMs: this.deps.config.leaseMs,
      }))
    )
      return;
    const rollout = await this.deps.store.get(id);
    if (
      rollout?.rollback?.status === 'pending' &&
      rollout.leaseOwner === owner
    ) {
      await this.attemptRollback(rollout, owner);
    } else {
      await this.deps.store.release(id, owner);
    }
  }

  private async process(
    rollout: RolloutRecord,
    owner: string,
    signal?: AbortSignal,
  ) {
    if (rollout.rollback?.status === 'pending') {
      await this.attemptRollback(rollout, owner, signal);
    } else if (rollout.state === 'analysing') {
      await this.evaluate(rollout, owner, signal);
    } else {
      await this.deps.store.release(rollout.id, owner);
    }
  }

  private async evaluate(
    rollout: RolloutRecord,
    owner: string,
    signal?: AbortSignal,
  ) {
    const at = this.now();
    const due = dueGates(rollout.gates, rollout.gateStates, at);
    const runs = await Promise.all(
      due.map(gate => runGate(gate, this.deps.providers, at, signal)),
    );
    if (signal?.aborted) {
      await this.deps.store.release(rollout.id, owner);
      return;
    }
    const gateStates = { ...rollout.gateStates };
    const dueAt = new Map<string, number>();
    for (const run of runs) {
      const state = gateStates[run.gate.id] ?? { nextDueAt: at, outcomes: [] };
      dueAt.set(run.gate.id, state.nextDueAt);
      gateStates[run.gate.id] = afterEvaluation(
        run.gate,
        state,
        run.evaluation.outcome,
        at,
      );
    }
    const entries = withTripEvidence(
      gateDecisions(rollout.gates, gateStates),
      runs,
    );
    const decision = combineGateDecisions(entries);
    const ownDecision = new Map(entries.map(e => [e.gateId, e.decision]));
    const evaluations: EvaluationRecord[] = runs.map(run => ({
      at,
      dueAt: dueAt.get(run.gate.id) ?? at,
      gateId: run.gate.id,
      kind: run.gate.kind,
      shadow: run.gate.policy.shadow,
      query: run.query,
      value: run.evaluation.value,
      threshold: run.evaluation.threshold,
      verdict: run.evaluation.verdict,
      outcome: run.evaluation.outcome,
      decision: decision.action,
      reason: run.evaluation.reason,
      sampleCount: run.evaluation.samples,
      evidence: {
        queries: run.queries,
        details: run.evaluation.details,
        // What this gate alone would decide; for a shadow gate, what it would have done.
        gateDecision: ownDecision.get(run.gate.id),
        measure: measureOf(run.evaluation),
      },
    }));

    const write: EvaluationWrite = {
      gateStates,
      nextEvaluationAt: nextEvaluationAt(rollout.gates, gateStates),
      evaluations,
    };
    // Policy gates are checked at every evaluation, and recorded when their answer changes.
    const checks = rollout.policyGates.length
      ? (await this.deps.policyChecks?.checkAll(rollout)) ?? []
      : [];
    const policy = policyEvaluations(checks, gateStates, at, decision.action);
    Object.assign(gateStates, policy.states);
    write.evaluations.push(...policy.evaluations);
    if (decision.action === 'rollback') {
      write.transition = {
        to: 'rolled-back',
        reason: decision.reason,
        rollback: {
          executor: this.executorId,
          reason: decision.reason,
          evidence: rollbackEvidence(decision, entries, runs),
        },
      };
    } else if (decision.action === 'promote') {
      // A failing policy gate or an emergency stop holds the promotion: the rollout stays
      // analysing (a failing SLO gate still rolls it back) and is promoted on the first
      // evaluation after nothing holds it. A policy gate never rolls back: the artifact is
      // unproven, not unhealthy.
      const stop = await this.deps.emergencyStop?.(rollout.environment);
      const holds = promotionHolds(checks, stop);
      if (holds.length > 0) {
        write.nextEvaluationAt = Math.min(
          write.nextEvaluationAt ?? Infinity,
          at + (stop ? EMERGENCY_STOP_RECHECK_MS : POLICY_RECHECK_MS),
        );
        write.stateReason = `promotion held: ${holds.join('; ')}`;
      } else {
        write.transition = { to: 'promoted', reason: decision.reason };
      }
    } else if (decision.action === 'pause-inconclusive') {
      write.transition = {
        to: 'paused-inconclusive',
        reason: decision.reason,
      };
    }

    if (
      !(await this.deps.store.recordEvaluation(
        rollout.id,
        owner,
        write,
        this.now(),
      ))
    ) {
      // Another instance took over after our lease ran out, or a person acted meanwhile.
      this.deps.logger.info(
        `Rollout ${rollout.id} changed while it was evaluated; the evaluation was discarded`,
      );
      await this.deps.store.release(rollout.id, owner);
      return;
    }
    const transition = write.transition;
    if (
      !transition &&
      write.stateReason &&
      write.stateReason !== rollout.stateReason
    ) {
      // Once per change of what holds it, not at every recheck.
      await this.audit(rollout, 'rollout.promotion-held', {
        reason: write.stateReason,
      });
      this.deps.logger.info(
        `Rollout ${rollout.id} of ${rollout.entityRef} is not promoted: ${write.stateReason}`,
      );
    }
    if (!transition) {
      await this.deps.onEvaluated?.(rollout.entityRef);
      return;
    }
    await this.audit(rollout, `rollout.${transition.to}`, {
      reason: transition.reason,
      shadow: decision.shadow,
    });
    if (transition.to === 'rolled-back') {
      this.deps.logger.warn(
        `Rollout ${rollout.id} of ${rollout.entityRef} in ${rollout.environment} is rolled back: ${transition.reason}`,
      );
      const claimed = await this.deps.store.get(rollout.id);
      if (
        claimed?.rollback?.status === 'pending' &&
        claimed.leaseOwner === owner
      ) {
        await this.attemptRollback(claimed, owner, signal);
      }
    } else {
      this.deps.logger.info(
        `Rollout ${rollout.id} of ${rollout.entityRef} is ${transition.to}: ${transition.reason}`,
      );
    }
  }

  /** One attempt of a claimed rollback, made under the lease; the outcome is stored and the lease released. */
  private async attemptRollback(
    rollout: RolloutRecord,
    owner: string,
    signal?: AbortSignal,
  ) {
    const rollback = rollout.rollback!;
    const executor = this.deps.executors.get(rollback.executor);
    // The lease was taken before the rollout was evaluated (or before its batch waited its
    // turn), so it may be about to run out: it is renewed to cover the whole attempt, and the
    // attempt is abandoned well before the renewed lease runs out, so that no other instance
    // can lease the rollout and call the executor while this attempt is still running.
    const { leaseMs } = this.deps.config;
    if (
      !(await this.deps.store.renewLease(
        rollout.id,
        owner,
        this.now() + leaseMs,
      ))
    ) {
      this.deps.logger.info(
        `Rollout ${rollout.id} was taken over before its rollback attempt; this instance does not attempt it`,
      );
      return;
    }
    const deadline = AbortSignal.timeout(leaseMs / 2);
    let result: RollbackResult;
    if (!executor) {
      result = {
        status: 'failed',
        retryable: false,
        message:
          rollback.executor === NO_EXECUTOR
            ? 'no rollback executor is registered (install and configure a rollback executor module)'
            : `rollback executor '${rollback.executor}' is not registered`,
      };
    } else {
      try {
        result = await executor.rollback({
          rolloutId: rollout.id,
          entityRef: rollout.entityRef,
          environment: rollout.environment,
          deploymentId: rollout.deploymentId,
          artifactDigest: rollout.artifactDigest ?? undefined,
          reason: rollback.reason,
          idempotencyKey: rollout.id,
          evidence: (rollback.evidence ?? {
            summary: rollback.reason,
          }) as RollbackEvidence,
          signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
        });
      } catch (e) {
        result = {
          status: 'failed',
          retryable: true,
          message: `executor threw: ${(e as Error).message}`,
        };
      }
    }

    const now = this.now();
    const attempts = rollback.attempts + 1;
    const message = this.scrub(result.message);
    const where = `rollout ${rollout.id} (${rollout.entityRef}, ${rollout.environment}, deployment ${rollout.deploymentId})`;
    let recorded: boolean;
    if (result.status === 'succeeded') {
      recorded = await this.deps.store.recordRollbackAttempt(
        rollout.id,
        owner,
        {
          status: 'succeeded',
          attempts,
          lastError: null,
          nextAttemptAt: null,
          executedAt: now,
        },
        now,
      );
      this.deps.logger.info(
        `Rolled back ${where} through ${rollback.executor}: ${message}`,
      );
      if (recorded)
        await this.audit(rollout, 'rollout.rollback.succeeded', {
          executor: rollback.executor,
          attempts,
          reason: rollback.reason,
          message,
        });
    } else if (
      result.retryable &&
      attempts < this.deps.config.retry.maxAttempts
    ) {
      const nextAttemptAt = now + backoffMs(this.deps.config.retry, attempts);
      recorded = await this.deps.store.recordRollbackAttempt(
        rollout.id,
        owner,
        {
          status: 'pending',
          attempts,
          lastError: message,
          nextAttemptAt,
          executedAt: null,
        },
        now,
      );
      this.deps.logger.warn(
        `Rollback attempt ${attempts} of ${where} failed, retrying at ${new Date(
          nextAttemptAt,
        ).toISOString()}: ${message}`,
      );
    } else {
      recorded = await this.deps.store.recordRollbackAttempt(
        rollout.id,
        owner,
        {
          status: 'failed',
          attempts,
          lastError: message,
          nextAttemptAt: null,
          executedAt: null,
        },
        now,
      );
      // The alarm: a rollback that was decided but did not happen needs a person now.
      this.deps.logger.error(
        `ROLLBACK FAILED for ${where} after ${attempts} attempt(s) through ${rollback.executor}: ${message}. ` +
          'The new version may still be serving; roll back by hand or retry from the rollout page.',
      );
      if (recorded)
        await this.audit(rollout, 'rollout.rollback.failed', {
          executor: rollback.executor,
          attempts,
          reason: rollback.reason,
          message,
        });
    }
    if (!recorded) {
      this.deps.logger.warn(
        `The result of a rollback attempt of ${where} was not recorded: its lease had passed to another instance`,
      );
    }
  }

  private async audit(
    rollout: RolloutRecord,
    action: string,
    details: Record<string, unknown>,
  ) {
    try {
      await this.deps.audit({
        actor: WATCHER_ACTOR,
        action,
        subjectType: 'deployment',
        subjectId: rollout.deploymentId,
        entityRef: rollout.entityRef,
        details: { rolloutId: rollout.id, ...details },
      });
    } catch (e) {
      this.deps.logger.error(
        `Audit entry ${action} for rollout ${rollout.id} was not written: ${
          (e as Error).message
        }`,
      );
    }
  }

  private scrub(text: string): string {
    let out = text;
    for (const secret of this.deps.secrets ?? []) {
      if (secret) out = out.split(secret).join('[redacted]');
    }
    return out;
  }
}
