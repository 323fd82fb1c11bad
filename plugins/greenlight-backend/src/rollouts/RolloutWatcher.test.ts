import { mockServices } from '@backstage/backend-test-utils';
import type {
  GateDefinition,
  GatePolicy,
} from '@greenlight/backstage-plugin-greenlight-common';
import type { RollbackResult } from '@greenlight/backstage-plugin-greenlight-node';
import { Knex } from 'knex';
import { KnexLedgerStore } from '../database/KnexLedgerStore';
import { applyMigrations } from '../database/migrations';
import {
  RecordingExecutor,
  SeriesProvider,
  thresholdGate,
} from './__testUtils__/fakes';
import { KnexRolloutStore } from './KnexRolloutStore';
import { RolloutWatcher } from './RolloutWatcher';
import { initialGateStates, nextEvaluationAt } from './stateMachine';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-11-02T10:00:00Z');
const MINUTE = 60_000;

type Scenario = {
  series: Record<string, Array<number | null | 'error'>>;
  gates: GateDefinition[];
  results?: RollbackResult[];
  retry?: {
    maxAttempts: number;
    initialBackoffMs: number;
    maxBackoffMs: number;
  };
};

describe('RolloutWatcher on worked series', () => {
  const databases = createTestDatabases();
  let knex: Knex;

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    await applyMigrations(knex);
  });

  afterAll(async () => {
    await knex.destroy();
  });

  let deploymentSeq = 0;

  async function simulate(scenario: Scenario) {
    const store = new KnexRolloutStore(knex);
    const ledger = new KnexLedgerStore(knex);
    let now = T0;
    const provider = new SeriesProvider(scenario.series, T0, MINUTE);
    const executor = new RecordingExecutor('recording', scenario.results);
    const logger = mockServices.logger.mock();
    const watcher = new RolloutWatcher({
      store,
      audit: entry => ledger.appendAudit(entry),
      providers: new Map([[provider.id, provider]]),
      executors: new Map([[executor.id, executor]]),
      executorId: executor.id,
      logger,
      config: {
        concurrency: 4,
        leaseMs: MINUTE,
        retry: scenario.retry ?? {
          maxAttempts: 3,
          initialBackoffMs: 5_000,
          maxBackoffMs: 20_000,
        },
      },
      now: () => now,
    });
    deploymentSeq += 1;
    const gateStates = initialGateStates(scenario.gates, T0);
    const { rollout } = await store.create({
      id: `rollout-${deploymentSeq}`,
      deploymentId: `deployment-${deploymentSeq}`,
      entityRef: 'component:default/payments',
      environment: 'production',
      artifactDigest: null,
      strategy: 'canary',
      gates: scenario.gates,
      gateSource: 'test',
      gateStates,
      startedAt: T0,
      nextEvaluationAt: nextEvaluationAt(scenario.gates, gateStates),
    });
    const advanceTo = async (minutes: number) => {
      now = T0 + minutes * MINUTE;
      await watcher.tick();
    };
    const result = async () => ({
      rollout: (await store.get(rollout.id))!,
      evaluations: await store.listEvaluations(rollout.id, 100),
      audit: (
        await knex('audit_log')
          .where({ subject_id: rollout.deploymentId })
          .orderBy('seq')
      ).map(a => a.action),
    });
    return {
      advanceTo,
      result,
      executor,
      provider,
      logger,
      rolloutId: rollout.id,
      setNow: (t: number) => (now = t),
      watcher,
    };
  }

  async function runMinutes(
    sim: Awaited<ReturnType<typeof simulate>>,
    minutes: number,
  ) {
    for (let m = 1; m <= minutes; m++) await sim.advanceTo(m);
    return sim.result();
  }

  it('does not roll back for a single spike, and promotes after the required evaluations', async () => {
    const sim = await simulate({
      series: { errors: [0.01, 0.5, 0.01, 0.01, 0.01, 0.01] },
      gates: [thresholdGate('slo/errors', 'errors')],
    });
    const { rollout, evaluations, audit } = await runMinutes(sim, 8);
    expect(rollout.state).toBe('promoted');
    expect(rollout.rollback).toBeNull();
    expect(sim.executor.requests).toHaveLength(0);
    expect(evaluations.map(e => e.verdict)).toEqual([
      'pass',
      'fail',
      'pass',
      'pass',
      'pass',
    ]);
    expect(evaluations.map(e => e.decision)).toEqual([
      'continue',
      'continue',
      'continue',
      'continue',
      'promote',
    ]);
    expect(evaluations[1]).toMatchObject({
      value: 0.5,
      threshold: 0.05,
      query: 'errors',
      sampleCount: 1,
    });
    expect((evaluations[1].evidence as any).queries[0].samples).toEqual([
      { labels: { series: 'errors' }, value: 0.5 },
    ]);
    expect(audit).toEqual(['rollout.promoted']);
  });

  it('rolls back a sustained breach exactly once, and stops evaluating', async () => {
    const sim = await simulate({
      series: { errors: [0.01, 0.2, 0.3, 0.3, 0.3, 0.3] },
      gates: [thresholdGate('slo/errors', 'errors')],
    });
    const { rollout, evaluations, audit } = await runMinutes(sim, 8);
    expect(rollout.state).toBe('rolled-back');
    expect(rollout.rollback).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      executor: 'recording',
    });
    expect(evaluations.map(e => e.decision)).toEqual([
      'continue',
      'continue',
      'rollback',
    ]);
    expect(sim.executor.requests).toHaveLength(1);
    expect(sim.executor.requests[0]).toMatchObject({
      rolloutId: sim.rolloutId,
      idempotencyKey: sim.rolloutId,
      deploymentId: expect.stringMatching(/^deployment-/),
      reason:
        'slo/errors: 2 consecutive evaluations failed (last: 0.3 is above the 0.05 limit)',
      evidence: {
        gates: [
          {
            gateId: 'slo/errors',
            reason:
              '2 consecutive evaluations failed (last: 0.3 is above the 0.05 limit)',
            evaluations: [
              { value: 0.3, threshold: 0.05, comparator: '<', verdict: 'fail' },
            ],
          },
        ],
      },
    });
    // The structured comparison travels with the evaluation, for the portal to say it.
    expect(evaluations[2].evidence).toMatchObject({
      measure: { comparator: '<' },
    });
    expect(audit).toEqual([
      'rollout.rolled-back',
      'rollout.rollback.succeeded',
    ]);
    expect(sim.provider.calls).toHaveLength(3);
  });

  it.each([
    ['fail', 'rolled-back', ['continue', 'rollback']],
    [
      'inconclusive',
      'paused-inconclusive',
      ['continue', 'continue', 'pause-inconclusive'],
    ],
    [
      'ignore',
      'promoted',
      ['continue', 'continue', 'continue', 'continue', 'promote'],
    ],
  ] as const)(
    'treats no data per policy %s',
    async (noData, state, decisions) => {
      const sim = await simulate({
        series: { silent: [null] },
        gates: [
          thresholdGate('slo/silent', 'silent', {
            noData: noData as GatePolicy['noData'],
          }),
        ],
      });
      const { rollout, evaluations } = await runMinutes(sim, 7);
      expect(rollout.state).toBe(state);
      expect(evaluations.map(e => e.verdict)).toEqual(
        decisions.map(() => 'no-data'),
      );
      expect(evaluations.map(e => e.decision)).toEqual(decisions);
      expect(sim.executor.requests).toHaveLength(
        state === 'rolled-back' ? 1 : 0,
      );
    },
  );

  it('records a failing shadow gate without acting on it', async () => {
    const sim = await simulate({
      series: { good: [0.01], bad: [0.9] },
      gates: [
        thresholdGate('slo/good', 'good'),
        thresholdGate('slo/trial', 'bad', { shadow: true }),
      ],
    });
    const { rollout, evaluations } = await runMinutes(sim, 7);
    expect(rollout.state).toBe('promoted');
    expect(sim.executor.requests).toHaveLength(0);
    const shadow = evaluations.filter(e => e.gateId === 'slo/trial');
    // The shadow gate stops once it has decided for itself: after the two failures its rule needs.
    expect(shadow.map(e => [e.shadow, e.verdict])).toEqual([
      [true, 'fail'],
      [true, 'fail'],
    ]);
    expect((shadow[1].evidence as any).gateDecision.action).toBe('rollback');
    expect(evaluations.filter(e => e.gateId === 'slo/good')).toHaveLength(5);
  });

  it('retries a failed rollback with backoff, then alarms and keeps the failure visible', async () => {
    const failure: RollbackResult = {
      status: 'failed',
      message: 'receiver answered HTTP 503',
      retryable: true,
    };
    const sim = await simulate({
      series: { errors: [0.9] },
      gates: [thresholdGate('slo/errors', 'errors')],
      results: [failure],
      retry: { maxAttempts: 3, initialBackoffMs: 5_000, maxBackoffMs: 20_000 },
    });
    await runMinutes(sim, 2);
    let { rollout } = await sim.result();
    expect(rollout.rollback).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'receiver answered HTTP 503',
    });
    expect(rollout.rollback!.nextAttemptAt).toBe(T0 + 2 * MINUTE + 5_000);

    // Not due yet: no attempt.
    sim.setNow(T0 + 2 * MINUTE + 4_000);
    await sim.watcher.tick();
    expect(sim.executor.requests).toHaveLength(1);

    sim.setNow(T0 + 2 * MINUTE + 5_000);
    await sim.watcher.tick();
    ({ rollout } = await sim.result());
    expect(rollout.rollback).toMatchObject({ status: 'pending', attempts: 2 });
    expect(rollout.rollback!.nextAttemptAt).toBe(
      T0 + 2 * MINUTE + 5_000 + 10_000,
    );

    sim.setNow(T0 + 10 * MINUTE);
    await sim.watcher.tick();
    await sim.watcher.tick();
    ({ rollout } = await sim.result());
    expect(rollout.rollback).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'receiver answered HTTP 503',
    });
    expect(sim.executor.requests).toHaveLength(3);
    expect(new Set(sim.executor.requests.map(r => r.idempotencyKey))).toEqual(
      new Set([sim.rolloutId]),
    );
    expect(sim.logger.error).toHaveBeenCalledWith(
      expect.stringContaining('ROLLBACK FAILED'),
    );
    expect((await sim.result()).audit).toEqual([
      'rollout.rolled-back',
      'rollout.rollback.failed',
    ]);
  });

  it('does not retry a rollback the executor says cannot succeed', async () => {
    const sim = await simulate({
      series: { errors: [0.9] },
      gates: [thresholdGate('slo/errors', 'errors')],
      results: [{ status: 'failed', message: 'HTTP 403', retryable: false }],
    });
    const { rollout } = await runMinutes(sim, 6);
    expect(rollout.rollback).toMatchObject({ status: 'failed', attempts: 1 });
    expect(sim.executor.requests).toHaveLength(1);
  });

  it('counts a provider error as inconclusive, never as a failure', async () => {
    const sim = await simulate({
      series: { flaky: ['error', 'error', 'error'] },
      gates: [thresholdGate('slo/flaky', 'flaky', { noData: 'fail' })],
    });
    const { rollout, evaluations } = await runMinutes(sim, 5);
    expect(rollout.state).toBe('paused-inconclusive');
    expect(evaluations.map(e => e.verdict)).toEqual([
      'inconclusive',
      'inconclusive',
      'inconclusive',
    ]);
    expect(evaluations[0].reason).toContain('backend unavailable');
  });
});
