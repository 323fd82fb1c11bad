import { mockServices } from '@backstage/backend-test-utils';
import type {
  RollbackExecutor,
  RollbackRequest,
  RollbackResult,
} from '@greenlight/backstage-plugin-greenlight-node';
import { Knex } from 'knex';
import { KnexLedgerStore } from '../database/KnexLedgerStore';
import { applyMigrations } from '../database/migrations';
import { SeriesProvider, thresholdGate } from './__testUtils__/fakes';
import { KnexRolloutStore } from './KnexRolloutStore';
import { RolloutWatcher } from './RolloutWatcher';
import { initialGateStates, nextEvaluationAt } from './stateMachine';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const LEASE_MS = 1_000;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Takes its time, as a real deployment tool does, and counts calls running at once. */
class SlowExecutor implements RollbackExecutor {
  readonly id = 'slow';
  readonly requests: RollbackRequest[] = [];
  running = 0;
  maxRunning = 0;

  async rollback(request: RollbackRequest): Promise<RollbackResult> {
    this.requests.push(request);
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await sleep(0.4 * LEASE_MS);
      return { status: 'succeeded', message: 'rolled back', retryable: false };
    } finally {
      this.running -= 1;
    }
  }
}

describe('a rollback attempt runs under a lease that covers it', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'two watchers on %p never call a slow executor twice for one rollback',
    async databaseId => {
      const knex: Knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const store = new KnexRolloutStore(knex);
      const ledger = new KnexLedgerStore(knex);
      const executor = new SlowExecutor();
      // Evaluating takes most of the lease, so the rollback claimed at its end starts late.
      const provider = new SeriesProvider(
        { errors: [0.9] },
        0,
        60_000,
        0.7 * LEASE_MS,
      );
      const watcher = () =>
        new RolloutWatcher({
          store,
          audit: entry => ledger.appendAudit(entry),
          providers: new Map([[provider.id, provider]]),
          executors: new Map([[executor.id, executor]]),
          executorId: executor.id,
          logger: mockServices.logger.mock(),
          config: {
            concurrency: 1,
            leaseMs: LEASE_MS,
            retry: {
              maxAttempts: 3,
              initialBackoffMs: 60_000,
              maxBackoffMs: 60_000,
            },
          },
        });
      const [a, b] = [watcher(), watcher()];
      const gates = [
        thresholdGate('slo/errors', 'errors', {
          failureRule: { kind: 'consecutive', count: 1 },
        }),
      ];
      const startedAt = Date.now() - 10 * 60_000;
      const gateStates = initialGateStates(gates, startedAt);
      const { rollout } = await store.create({
        id: 'rollout-slow',
        deploymentId: 'deployment-slow',
        entityRef: 'component:default/payments',
        environment: 'production',
        artifactDigest: null,
        strategy: 'canary',
        gates,
        gateSource: 'test',
        gateStates,
        startedAt,
        nextEvaluationAt: nextEvaluationAt(gates, gateStates),
      });

      // A evaluates, claims the rollback and attempts it; B comes by after A's first lease
      // would have run out, while A's attempt is still running.
      const first = a.tick();
      await sleep(1.05 * LEASE_MS);
      await b.tick();
      await first;
      await b.tick();

      const row = await store.get(rollout.id);
      expect(row?.rollback?.status).toBe('succeeded');
      expect(executor.requests).toHaveLength(1);
      expect(executor.maxRunning).toBe(1);
      await knex.destroy();
    },
  );
});
