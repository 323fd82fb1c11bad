import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { GateDefinition } from '@greenlight/backstage-plugin-greenlight-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { AuditEntry, NewEventRow } from '../database/LedgerStore';
import { GateLoader, GateSourceError } from './gateSources';
import { PolicyCheck, StoredPolicyGate } from './policyGates/PolicyGateChecks';
import { promotionHolds } from './policyGates/policyEvaluations';
import { RolloutRecord, RolloutStore, RolloutStrategy } from './RolloutStore';
import { RolloutWatcher, WATCHER_ACTOR } from './RolloutWatcher';
import {
  initialGateStates,
  ManualAction,
  nextEvaluationAt,
  openStates,
  planAction,
  resumedGateStates,
} from './stateMachine';

export const progressiveStrategies: readonly RolloutStrategy[] = [
  'canary',
  'blue-green',
];
/** Deployment outcomes that end a rollout the delivery system gave up on. */
const abortingStatuses = ['failed', 'cancelled', 'rolled-back'];
/** How far back the catch-up looks for progressive deployments that have no rollout. */
const CATCH_UP_WINDOW_MS = 60 * 60 * 1000;

export type StartRollout = {
  entityRef: string;
  environment: string;
  deploymentId: string;
  artifactDigest: string | null;
  strategy: RolloutStrategy;
  gates: GateDefinition[];
  gateSource: string;
  actor: string;
};

/** Starts rollouts (from the ledger or the API), and applies manual actions. */
export class RolloutService {
  private readonly now: () => number;

  constructor(
    private readonly deps: {
      store: RolloutStore;
      watcher: RolloutWatcher;
      gates: GateLoader;
      ledger: Knex;
      /**
       * What follows an audit entry the store wrote with its change (live updates of open pages;
       * for the watcher's own actions an auditor event and the owners' notification). The entry
       * itself is written by the store, in the change's transaction.
       */
      announce: (entry: AuditEntry) => Promise<void>;
      logger: LoggerService;
      /** The policy gates a new rollout of the entity to the environment gets. */
      policyGatesFor?: (
        entityRef: string,
        environment: string,
      ) => Promise<StoredPolicyGate[]>;
      policyChecks?: { checkAll(rollout: RolloutRecord): Promise<PolicyCheck[]> };
      emergencyStop?: (
        environment: string,
      ) => Promise<{ scope: string; reason: string; pulledBy: string } | undefined>;
      now?: () => number;
    },
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** Idempotent per deployment: a second start returns the first rollout. */
  async start(
    input: StartRollout,
  ): Promise<{ rollout: RolloutRecord; created: boolean }> {
    const startedAt = this.now();
    const gateStates = initialGateStates(input.gates, startedAt);
    const policyGates =
      (await this.deps.policyGatesFor?.(input.entityRef, input.environment)) ??
      [];
    const id = randomUUID();
    const startedEntry: AuditEntry = {
      actor: input.actor,
      action: 'rollout.started',
      subjectType: 'deployment',
      subjectId: input.deploymentId,
      entityRef: input.entityRef,
      details: {
        rolloutId: id,
        strategy: input.strategy,
        gates: input.gates.map(g => g.id),
        policyGates: policyGates.map(g => g.id),
        gateSource: input.gateSource,
      },
    };
    // The audit entry is written with the rollout, in its transaction, when this call creates it.
    const result = await this.deps.store.create(
      {
        id,
        deploymentId: input.deploymentId,
        entityRef: input.entityRef,
        environment: input.environment,
        artifactDigest: input.artifactDigest,
        strategy: input.strategy,
        gates: input.gates,
        policyGates,
        gateSource: input.gateSource,
        gateStates,
        startedAt,
        nextEvaluationAt: nextEvaluationAt(input.gates, gateStates),
      },
      startedEntry,
    );
    if (result.created) {
      await this.deps.announce(startedEntry);
      this.deps.logger.info(
        `Watching ${input.strategy} rollout ${result.rollout.id} of ${input.entityRef} in ${input.environment} with ${input.gates.length} gate(s)`,
      );
    }
    return result;
  }

  /** Starts a rollout for a progressive deployment if its entity has gates; true when one exists now. */
  async startForDeployment(d: {
    id: string;
    entityRef: string;
    environment: string;
    artifactDigest: string | null;
    strategy: string;
  }): Promise<boolean> {
    if (!progressiveStrategies.includes(d.strategy as RolloutStrategy))
      return false;
    if (await this.deps.store.getByDeployment(d.id)) return true;
    let loaded;
    try {
      loaded = await this.deps.gates.forEntity(d.entityRef, d.environment);
    } catch (e) {
      if (e instanceof GateSourceError && e.missing) return false;
      this.deps.logger.warn(
        `No rollout for deployment ${d.id} of ${
          d.entityRef
        }: its gates are unusable: ${(e as Error).message}`,
      );
      return false;
    }
    await this.start({
      entityRef: d.entityRef,
      environment: d.environment,
      deploymentId: d.id,
      artifactDigest: d.artifactDigest,
      strategy: d.strategy as RolloutStrategy,
      gates: loaded.gates,
      gateSource: loaded.source,
      actor: WATCHER_ACTOR,
    });
    return true;
  }

  /**
   * Deployments of the batch that are still in flight: the ledger, which folds every event
   * of a deployment, says `started`, and they began within the catch-up window. A backfill
   * of history, or a start reported after its finish, must not start a rollout.
   */
  private async inFlight(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const since = this.now() - CATCH_UP_WINDOW_MS;
    const rows = await this.deps.ledger('deployments')
      .select('id')
      .whereIn('id', ids)
      .where('status', 'started')
      .where('sort_time', '>=', since);
    return new Set(rows.map(r => r.id as string));
  }

  /** The ingest listener: progressive deployments start rollouts, given-up deployments abort them. */
  async onApplied(rows: NewEventRow[]): Promise<void> {
    // Only a progressive deployment of a known entity can start a rollout (`startForDeployment`):
    // the others are not looked up at all, and most batches have few of those.
    const running = await this.inFlight(
      rows.flatMap(r =>
        r.event.type === 'deployment.started' &&
        r.entityRef &&
        progressiveStrategies.includes(r.event.deployment.strategy as RolloutStrategy)
          ? [r.event.deployment.id]
          : [],
      ),
    );
    const givenUp = new Map<string, { reason: string; actor: string }>();
    for (const row of rows) {
      const event = row.event;
      if (event.type === 'deployment.started' && row.entityRef && running.has(event.deployment.id)) {
        const d = event.deployment;
        await this.startForDeployment({
          id: d.id,
          entityRef: row.entityRef,
          environment: d.environment,
          artifactDigest: d.artifactDigest ?? null,
          strategy: d.strategy,
        });
      } else if (
        event.type === 'deployment.finished' &&
        abortingStatuses.includes(event.deployment.status)
      ) {
        givenUp.set(event.deployment.id, {
          reason: `the deployment was reported ${event.deployment.status}`,
          actor: row.actor,
        });
      }
    }
    if (givenUp.size === 0) return;
    // One read for the batch: most given-up deployments have no rollout at all.
    for (const rollout of await this.deps.store.listByDeployments([...givenUp.keys()])) {
      const { reason, actor } = givenUp.get(rollout.deploymentId)!;
      await this.abort(rollout, reason, actor);
    }
  }

  private async abort(rollout: RolloutRecord, reason: string, actor: string) {
    if (!openStates.includes(rollout.state) || rollout.rollback) return;
    const aborted = auditEntry(rollout, actor, 'rollout.aborted', { reason });
    const moved = await this.deps.store.transition(
      rollout.id,
      {
        fromStates: [...openStates],
        to: 'aborted',
        reason,
        now: this.now(),
        nextEvaluationAt: null,
      },
      aborted,
    );
    if (moved) {
      await this.deps.announce(aborted);
      this.deps.logger.info(`Rollout ${rollout.id} aborted: ${reason}`);
    }
  }

  /**
   * Starts rollouts the ingest listener missed: events mapped to their entity only later,
   * or a listener that failed. Looks at progressive deployments of the last hour that
   * are still running. Returns how many rollouts it started.
   */
  async catchUp(limit = 100): Promise<number> {
    const since = this.now() - CATCH_UP_WINDOW_MS;
    const rows = await this.deps
      .ledger('deployments as d')
      .leftJoin('rollouts as r', 'r.deployment_id', 'd.id')
      .whereNull('r.id')
      .whereNotNull('d.entity_ref')
      .where('d.status', 'started')
      .whereIn('d.strategy', [...progressiveStrategies])
      .where('d.sort_time', '>=', since)
      .select(
        'd.id',
        'd.entity_ref',
        'd.environment',
        'd.artifact_digest',
        'd.strategy',
      )
      .orderBy('d.sort_time')
      .limit(limit);
    let started = 0;
    for (const d of rows) {
      const ok = await this.startForDeployment({
        id: d.id,
        entityRef: d.entity_ref,
        environment: d.environment,
        artifactDigest: d.artifact_digest ?? null,
        strategy: d.strategy,
      });
      if (ok) started++;
    }
    return started;
  }

  /** Applies a manual action (already permission-checked) and returns the rollout as it is now. */
  async act(
    rollout: RolloutRecord,
    action: ManualAction,
    reason: string | undefined,
    actor: string,
  ) {
    const plan = planAction(action, {
      state: rollout.state,
      rollbackStatus: rollout.rollback?.status ?? null,
    });
    const now = this.now();
    const changedMeanwhile = () =>
      new ConflictError(
        `Rollout ${rollout.id} changed meanwhile (it was ${rollout.state}); reload it and try again`,
      );
    const text = reason ?? '';
    if (plan.kind === 'refused')
      throw new ConflictError(`Cannot ${action}: ${plan.message}`);
    // Written with the change, in its transaction, when the change wins.
    const audit = auditEntry(rollout, actor, `rollout.${action}`, {
      reason: text || null,
      from: rollout.state,
      ...(plan.kind === 'transition'
        ? { to: plan.to }
        : { to: 'rolled-back', retry: plan.kind === 'retry-rollback' }),
    });
    if (action === 'promote' || action === 'override')
      await this.assertPromotable(rollout, action);
    if (plan.kind === 'transition') {
      const gateStates =
        plan.to === 'analysing'
          ? resumedGateStates(
              rollout.gates,
              rollout.gateStates,
              rollout.state,
              now,
            )
          : undefined;
      const moved = await this.deps.store.transition(rollout.id, {
        fromStates: [rollout.state],
        to: plan.to,
        reason: `${action} by ${actor}${text ? `: ${text}` : ''}`,
        now,
        gateStates,
        nextEvaluationAt: gateStates
          ? nextEvaluationAt(rollout.gates, gateStates)
          : null,
      }, audit);
      if (!moved) throw changedMeanwhile();
    } else if (plan.kind === 'rollback') {
      const claimed = await this.deps.store.claimRollback(rollout.id, {
        fromStates: [rollout.state],
        executor: this.deps.watcher.executorId,
        reason: text,
        evidence: {
          summary: `rolled back by ${actor}: ${text}`,
          requestedBy: actor,
        },
        now,
      }, audit);
      if (!claimed) throw changedMeanwhile();
    } else {
      if (!(await this.deps.store.rearmRollback(rollout.id, now, audit)))
        throw changedMeanwhile();
    }
    await this.deps.announce(audit);
    if (plan.kind !== 'transition')
      await this.deps.watcher.attemptNow(rollout.id);
    const updated = await this.deps.store.get(rollout.id);
    if (!updated)
      throw new NotFoundError(`Rollout ${rollout.id} was not found`);
    return updated;
  }

  /**
   * A person may not promote past what holds the watcher: during an emergency stop nothing is
   * promoted (an override neither: a stop is lifted, not overridden), and a failing enforced
   * policy gate is passed only by an override, which needs its own permission and a reason.
   */
  private async assertPromotable(
    rollout: RolloutRecord,
    action: 'promote' | 'override',
  ) {
    const stop = await this.deps.emergencyStop?.(rollout.environment);
    const checks =
      action === 'promote' && rollout.policyGates.length
        ? (await this.deps.policyChecks?.checkAll(rollout)) ?? []
        : [];
    const holds = promotionHolds(checks, stop);
    if (holds.length === 0) return;
    const way = stop
      ? 'lift the stop first'
      : 'override it with a reason if it must ship';
    throw new ConflictError(
      `Cannot ${action} rollout ${rollout.id}: ${holds.join('; ')}; ${way}`,
    );
  }

}

/** An audit entry about a rollout, recorded against its deployment. */
function auditEntry(
  rollout: RolloutRecord,
  actor: string,
  action: string,
  details: Record<string, unknown>,
): AuditEntry {
  return {
    actor,
    action,
    subjectType: 'deployment',
    subjectId: rollout.deploymentId,
    entityRef: rollout.entityRef,
    details: { rolloutId: rollout.id, ...details },
  };
}
