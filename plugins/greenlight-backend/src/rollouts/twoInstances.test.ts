import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { MetricQueryResult } from '@greenlight/backstage-plugin-greenlight-common';
import type { MetricProvider } from '@greenlight/backstage-plugin-greenlight-node';
import webhookExecutorModule from '@greenlight/backstage-plugin-greenlight-backend-module-webhook-executor';
import { Knex } from 'knex';
import request from 'supertest';
import { component, startRolloutBackend } from './__testUtils__/rolloutBackend';
import { startWebhookReceiver } from './__testUtils__/webhookReceiver';
import { WATCHER_TASK_ID } from './feature';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const SECRET = 'two-instances-secret';
const pipeline = mockCredentials.service.header();
const ada = mockCredentials.user.header('user:default/ada');
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Always far above the threshold, and slow enough that both instances are mid-run together. */
class FailingProvider implements MetricProvider {
  readonly id = 'slow';
  calls = 0;
  async query(): Promise<MetricQueryResult> {
    this.calls++;
    await sleep(50);
    return { status: 'ok', samples: [{ labels: {}, value: 0.9 }] };
  }
  async queryRange(): Promise<never> {
    throw new Error('not used');
  }
}

const gates = {
  apiVersion: 'openslo/v1',
  kind: 'SLO',
  metadata: {
    name: 'twin',
    annotations: {
      'greenlight.dev/interval': '1s',
      'greenlight.dev/evaluations': '10',
      'greenlight.dev/failure-rule': 'consecutive:2',
    },
  },
  spec: {
    service: 'twin',
    indicator: {
      metadata: { name: 'errors' },
      spec: {
        thresholdMetric: {
          metricSource: { type: 'slow', spec: { query: 'error_ratio' } },
        },
      },
    },
    timeWindow: [{ duration: '28d', isRolling: true }],
    budgetingMethod: 'Occurrences',
    objectives: [
      { displayName: 'Errors', op: 'lt', value: 0.05, target: 0.99 },
    ],
  },
};

describe('two backend instances on one database', () => {
  const databases = createTestDatabases();
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
  });
  afterAll(async () => {
    await receiver.close();
  });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    const instances: Array<{
      server: any;
      tick: () => Promise<void>;
      stop: () => Promise<void>;
    }> = [];

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      for (let i = 0; i < 2; i++) {
        // Each instance has its own scheduler; the test runs both watchers at the same moment,
        // without the scheduler's own global lock, so only leases and claims keep them apart.
        const scheduler = mockServices.scheduler.mock();
        const backend = await startRolloutBackend({
          knex,
          entities: [component('twin')],
          config: {
            rollouts: {
              webhook: { url: receiver.url, secret: SECRET, timeoutMs: 2000 },
            },
          },
          providers: [new FailingProvider()],
          scheduler: scheduler.factory,
          extra: [webhookExecutorModule],
        });
        const task = scheduler.scheduleTask.mock.calls.find(
          ([t]) => t.id === WATCHER_TASK_ID,
        )![0];
        instances.push({
          server: backend.server,
          tick: async () => {
            await task.fn(new AbortController().signal);
          },
          stop: () => backend.stop(),
        });
      }
    });

    afterAll(async () => {
      for (const i of instances) await i.stop();
      await knex.destroy();
    });

    const start = async (deploymentId: string) => {
      // A rollout watches a deployment the ledger holds in flight.
      await request(instances[0].server)
        .post('/api/greenlight/v1/events')
        .set('Authorization', pipeline)
        .send({
          events: [
            {
              id: `evt-${deploymentId}`,
              type: 'deployment.started',
              entityRef: 'component:default/twin',
              deployment: {
                id: deploymentId,
                environment: 'production',
                status: 'started',
                strategy: 'rolling',
                startedAt: new Date().toISOString(),
              },
            },
          ],
        })
        .expect(200);
      const res = await request(instances[0].server)
        .post('/api/greenlight/v1/rollouts')
        .set('Authorization', pipeline)
        .send({
          entityRef: 'component:default/twin',
          environment: 'production',
          deploymentId,
          strategy: 'canary',
          gates,
        })
        .expect(201);
      return res.body.id as string;
    };
    const stateOf = async (id: string) =>
      knex('rollouts').where({ id }).first();

    it('calls the webhook exactly once when both evaluate the same failing rollout', async () => {
      const id = await start(`${databaseId}-twin-1`);
      for (let round = 0; round < 10; round++) {
        await sleep(1100);
        await Promise.all([
          instances[0].tick(),
          instances[1].tick(),
          instances[0].tick(),
          instances[1].tick(),
        ]);
        const row = await stateOf(id);
        if (row.rollback_status && row.rollback_status !== 'pending') break;
      }
      const row = await stateOf(id);
      expect(row).toMatchObject({
        state: 'rolled-back',
        rollback_status: 'succeeded',
      });
      expect(Number(row.rollback_attempts)).toBe(1);
      expect(receiver.callsFor(id)).toHaveLength(1);
      expect(receiver.callsFor(id)[0].signatureValid).toBe(true);
      // Leases kept the instances from evaluating the same due time twice.
      const evaluations = await knex('rollout_evaluations').where({
        rollout_id: id,
      });
      expect(evaluations).toHaveLength(2);
      expect(new Set(evaluations.map(e => Number(e.due_at))).size).toBe(2);
    });

    it('rolls back once when people on both instances and both watchers race for it', async () => {
      const id = await start(`${databaseId}-twin-2`);
      await sleep(1100);
      await instances[0].tick();
      expect(
        (await knex('rollout_evaluations').where({ rollout_id: id })).length,
      ).toBe(1);
      await sleep(1000);
      const act = (i: number) =>
        request(instances[i].server)
          .post(`/api/greenlight/v1/rollouts/${id}/actions`)
          .set('Authorization', ada)
          .send({ action: 'rollback', reason: 'errors on the dashboard' });
      const [a, b] = await Promise.all([
        act(0),
        act(1),
        instances[0].tick(),
        instances[1].tick(),
      ]);
      for (
        let i = 0;
        i < 20 && (await stateOf(id)).rollback_status === 'pending';
        i++
      ) {
        await sleep(200);
        await Promise.all([instances[0].tick(), instances[1].tick()]);
      }
      expect(await stateOf(id)).toMatchObject({
        state: 'rolled-back',
        rollback_status: 'succeeded',
      });
      expect(receiver.callsFor(id)).toHaveLength(1);
      // At most one person's rollback won; the other was told the rollout had changed.
      expect(
        [a.status, b.status].filter(s => s === 200).length,
      ).toBeLessThanOrEqual(1);
      expect([a.status, b.status].every(s => s === 200 || s === 409)).toBe(
        true,
      );
    });
  });
});
