import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { MetricQueryResult } from '@greenlight/backstage-plugin-greenlight-common';
import type { MetricProvider } from '@greenlight/backstage-plugin-greenlight-node';
import { Knex } from 'knex';
import request from 'supertest';
import {
  component,
  deploymentStarted,
  startRolloutBackend,
} from './__testUtils__/rolloutBackend';
import { createTestDatabases, rowCounts } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const pipeline = mockCredentials.service.header();
const ada = mockCredentials.user.header('user:default/ada');
const mallory = mockCredentials.user.header('user:default/mallory');

class QuietProvider implements MetricProvider {
  readonly id = 'quiet';
  async query(): Promise<MetricQueryResult> {
    return { status: 'ok', samples: [{ labels: {}, value: 0 }] };
  }
  async queryRange(): Promise<never> {
    throw new Error('not used');
  }
}

const gates = {
  apiVersion: 'openslo/v1',
  kind: 'SLO',
  metadata: { name: 'quiet' },
  spec: {
    service: 'quiet',
    indicator: {
      metadata: { name: 'errors' },
      spec: {
        thresholdMetric: {
          metricSource: { type: 'quiet', spec: { query: 'errors' } },
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

describe('manual promotion during an emergency stop', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let backend: Awaited<ReturnType<typeof startRolloutBackend>>;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      backend = await startRolloutBackend({
        knex,
        entities: [component('held')],
        providers: [new QuietProvider()],
        scheduler: mockServices.scheduler.mock().factory,
      });
    });

    afterAll(async () => {
      await backend.stop();
      await knex.destroy();
    });

    const api = () => request(backend.server);

    async function startRollout(id: string) {
      await api()
        .post('/api/greenlight/v1/events')
        .set('Authorization', pipeline)
        .send({
          events: [deploymentStarted(id, 'component:default/held')],
        })
        .expect(200);
      const res = await api()
        .post('/api/greenlight/v1/rollouts')
        .set('Authorization', pipeline)
        .send({
          entityRef: 'component:default/held',
          environment: 'production',
          deploymentId: id,
          strategy: 'canary',
          gates,
        })
        .expect(201);
      return res.body.id as string;
    }

    const act = (id: string, body: object) =>
      api()
        .post(`/api/greenlight/v1/rollouts/${id}/actions`)
        .set('Authorization', ada)
        .send(body);

    it('refuses promote and override with 409 while the stop holds, and allows them once it is lifted', async () => {
      const first = await startRollout(`${databaseId}-stopped-1`);
      const second = await startRollout(`${databaseId}-stopped-2`);
      await api()
        .post('/api/greenlight/v1/emergency-stop')
        .set('Authorization', ada)
        .send({ reason: 'payments outage' })
        .expect(201);

      const before = await rowCounts(knex);
      const promote = await act(first, { action: 'promote' });
      expect(promote.status).toBe(409);
      expect(promote.body.error).toMatchObject({ name: 'ConflictError' });
      expect(promote.body.error.message).toBe(
        `Cannot promote rollout ${first}: emergency stop of organisation pulled by user:default/ada: payments outage; lift the stop first`,
      );
      const override = await act(first, {
        action: 'override',
        reason: 'it is fine',
      });
      expect(override.status).toBe(409);
      expect(override.body.error.message).toContain('emergency stop');
      // Nothing moved, nothing was audited.
      expect(await rowCounts(knex)).toEqual(before);
      expect((await knex('rollouts').where({ id: first }).first()).state).toBe(
        'analysing',
      );

      // Other actions still work: a stop limits damage, it does not freeze a rollback.
      expect((await act(second, { action: 'pause' })).status).toBe(200);

      await api()
        .delete('/api/greenlight/v1/emergency-stop')
        .set('Authorization', ada)
        .expect(200);
      const promoted = await act(first, { action: 'promote' });
      expect(promoted.status).toBe(200);
      expect(promoted.body.state).toBe('promoted');
    });

    it('lets signed-in users and services with read permission see the stops, and nobody else', async () => {
      await api()
        .get('/api/greenlight/v1/emergency-stop')
        .set('Authorization', mockCredentials.user.invalidHeader())
        .expect(401);
      await api()
        .get('/api/greenlight/v1/emergency-stop')
        .set('Authorization', mockCredentials.service.invalidHeader())
        .expect(401);
      for (const who of [ada, mallory, pipeline]) {
        const res = await api()
          .get('/api/greenlight/v1/emergency-stop')
          .set('Authorization', who);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ stops: [] });
      }
    });
  });
});
