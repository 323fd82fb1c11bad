import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { MetricQueryResult } from '@greenlight/backstage-plugin-greenlight-common';
import type { MetricProvider } from '@greenlight/backstage-plugin-greenlight-node';
import { Knex } from 'knex';
import request from 'supertest';
import { component, startRolloutBackend } from './__testUtils__/rolloutBackend';
import { WATCHER_TASK_ID } from './feature';
import { createTestDatabases, tableContents } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const pipeline = mockCredentials.service.header();
const ada = mockCredentials.user.header('user:default/ada');
const mallory = mockCredentials.user.header('user:default/mallory');
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * `error_ratio` is well inside the objective (a rollout promotes after two evaluations);
 * `broken_ratio` is far above it (a rollout rolls back after two).
 */
class HealthyProvider implements MetricProvider {
  readonly id = 'healthy';
  async query(asked: { query: string }): Promise<MetricQueryResult> {
    const value = asked.query === 'broken_ratio' ? 0.9 : 0.001;
    return { status: 'ok', samples: [{ labels: {}, value }] };
  }
  async queryRange(): Promise<never> {
    throw new Error('not used');
  }
}

const gates = {
  apiVersion: 'openslo/v1',
  kind: 'SLO',
  metadata: {
    name: 'stop',
    annotations: {
      'greenlight.dev/interval': '1s',
      'greenlight.dev/evaluations': '2',
    },
  },
  spec: {
    service: 'stop',
    indicator: {
      metadata: { name: 'errors' },
      spec: {
        thresholdMetric: {
          metricSource: { type: 'healthy', spec: { query: 'error_ratio' } },
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

describe('the emergency stop on two backend instances', () => {
  const databases = createTestDatabases();

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
        const scheduler = mockServices.scheduler.mock();
        const backend = await startRolloutBackend({
          knex,
          entities: [
            component('stop-a'),
            component('stop-b'),
            component('stop-c'),
          ],
          providers: [new HealthyProvider()],
          scheduler: scheduler.factory,
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

    const start = async (
      instance: number,
      name: string,
      slo: object = gates,
    ) => {
      // A rollout watches a deployment the ledger holds in flight.
      await request(instances[instance].server)
        .post('/api/greenlight/v1/events')
        .set('Authorization', pipeline)
        .send({
          events: [
            {
              id: `evt-${databaseId}-${name}`,
              type: 'deployment.started',
              entityRef: `component:default/${name}`,
              deployment: {
                id: `${databaseId}-${name}`,
                environment: 'production',
                status: 'started',
                strategy: 'rolling',
                startedAt: new Date().toISOString(),
              },
            },
          ],
        })
        .expect(200);
      const res = await request(instances[instance].server)
        .post('/api/greenlight/v1/rollouts')
        .set('Authorization', pipeline)
        .send({
          entityRef: `component:default/${name}`,
          environment: 'production',
          deploymentId: `${databaseId}-${name}`,
          strategy: 'canary',
          gates: slo,
        })
        .expect(201);
      return res.body.id as string;
    };
    const states = async (ids: string[]) =>
      (await knex('rollouts').whereIn('id', ids).orderBy('id')).map(
        r => r.state,
      );
    const tickBoth = () =>
      Promise.all([instances[0].tick(), instances[1].tick()]);

    it('holds both rollouts in flight while the stop is pulled, and promotes them when it is lifted', async () => {
      const api = (i: number) => request(instances[i].server);

      // Wrong credentials: a pipeline and a user without the permission change nothing, the
      // audit trail included. The watcher's tables are compared by their number of rows.
      const contents = () =>
        tableContents(knex, {
          countsOnly: ['rollouts', 'rollout_evaluations'],
        });
      const untouched = await contents();
      await api(0)
        .post('/api/greenlight/v1/emergency-stop')
        .set('Authorization', pipeline)
        .send({ environment: 'production', reason: 'x' })
        .expect(403);
      await api(0)
        .post('/api/greenlight/v1/emergency-stop')
        .set('Authorization', mallory)
        .send({ environment: 'production', reason: 'x' })
        .expect(403);
      await api(0)
        .post('/api/greenlight/v1/emergency-stop')
        .set('Authorization', mockCredentials.user.invalidHeader())
        .send({ environment: 'production', reason: 'x' })
        .expect(401);
      expect(await contents()).toEqual(untouched);
      const missingReason = await api(0)
        .post('/api/greenlight/v1/emergency-stop')
        .set('Authorization', ada)
        .send({ environment: 'production' });
      expect(missingReason.status).toBe(400);
      expect(JSON.stringify(missingReason.body)).toMatch(/reason/);
      expect(await knex('emergency_stops')).toHaveLength(0);

      const ids = [await start(0, 'stop-a'), await start(1, 'stop-b')].sort();

      const pulled = await api(1)
        .post('/api/greenlight/v1/emergency-stop')
        .set('Authorization', ada)
        .send({ environment: 'production', reason: 'payments outage' });
      expect(pulled.status).toBe(201);
      expect(pulled.body).toMatchObject({
        scope: 'environment',
        environment: 'production',
        pulledBy: 'user:default/ada',
      });
      await api(0)
        .post('/api/greenlight/v1/emergency-stop')
        .set('Authorization', ada)
        .send({ environment: 'production', reason: 'again' })
        .expect(409);

      // A failing canary started during the stop is still rolled back: a stop never holds a
      // safety rollback.
      const failing = JSON.parse(
        JSON.stringify(gates).replace('"error_ratio"', '"broken_ratio"'),
      );
      const broken = await start(0, 'stop-c', failing);

      // Long enough for both gates to have passed twice: without the stop, both would be promoted.
      for (let round = 0; round < 4; round++) {
        await sleep(1100);
        await tickBoth();
      }
      expect(await states(ids)).toEqual(['analysing', 'analysing']);
      expect(await states([broken])).toEqual(['rolled-back']);
      const evaluations = await knex('rollout_evaluations').whereIn(
        'rollout_id',
        ids,
      );
      expect(evaluations.length).toBeGreaterThanOrEqual(4);
      // both gates decided to promote; the stop held the promotion back
      expect(
        new Set(
          evaluations
            .filter(e => e.decision === 'promote')
            .map(e => e.rollout_id),
        ).size,
      ).toBe(2);

      // Lifting needs the permission too.
      const held = await contents();
      await api(0)
        .delete('/api/greenlight/v1/emergency-stop')
        .query({ environment: 'production' })
        .set('Authorization', mallory)
        .expect(403);
      expect(await knex('emergency_stops')).toHaveLength(1);
      expect(await contents()).toEqual(held);
      const lifted = await api(0)
        .delete('/api/greenlight/v1/emergency-stop')
        .query({ environment: 'production' })
        .set('Authorization', ada);
      expect(lifted.status).toBe(200);
      expect(await knex('emergency_stops')).toHaveLength(0);

      for (
        let round = 0;
        round < 20 && (await states(ids)).some(s => s !== 'promoted');
        round++
      ) {
        await sleep(600);
        await tickBoth();
      }
      expect(await states(ids)).toEqual(['promoted', 'promoted']);

      const audit = await knex('audit_log')
        .where({ subject_type: 'emergency-stop' })
        .orderBy('at');
      expect(audit.map(a => [a.action, a.actor, a.subject_id])).toEqual([
        ['emergency-stop.pulled', 'user:default/ada', 'production'],
        ['emergency-stop.lifted', 'user:default/ada', 'production'],
      ]);
    });
  });
});
