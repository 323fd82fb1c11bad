import { mockCredentials } from '@backstage/backend-test-utils';
import type {
  MetricQueryResult,
  MetricRangeResult,
} from '@greenlight/backstage-plugin-greenlight-common';
import type { MetricProvider } from '@greenlight/backstage-plugin-greenlight-node';
import { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { RecordingExecutor } from '../rollouts/__testUtils__/fakes';
import {
  component,
  startRolloutBackend,
} from '../rollouts/__testUtils__/rolloutBackend';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const SLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
  annotations:
    greenlight.dev/interval: 5m
    greenlight.dev/evaluations: '3'
spec:
  service: checkout
  indicator:
    metadata: { name: error-rate }
    spec:
      thresholdMetric:
        metricSource:
          type: steady
          spec:
            query: errors
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Error rate
      op: lt
      value: 0.05
      target: 0.99
`;

class SteadyProvider implements MetricProvider {
  readonly id = 'steady';
  async query(): Promise<MetricQueryResult> {
    return { status: 'ok', samples: [{ labels: {}, value: 0.01 }] };
  }
  async queryRange(): Promise<MetricRangeResult> {
    return { status: 'ok', series: [] };
  }
}

const ada = mockCredentials.user.header('user:default/ada');
const pipeline = mockCredentials.service.header();

/**
 * Reads across the organisation (rollouts in progress, the latest releases) show only entities
 * the reader may see in the catalog: `restricted-ledger` is visible to services only.
 */
describe('organisation-wide reads', () => {
  const databases = createTestDatabases();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlight-org-reads-'));
  fs.writeFileSync(path.join(dir, 'slo.yaml'), SLO);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let server: any;
    let stop: () => Promise<void>;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const gated = {
        'greenlight.dev/slo': 'slo.yaml',
        'backstage.io/managed-by-location': `file:${path.join(
          dir,
          'catalog-info.yaml',
        )}`,
      };
      const backend = await startRolloutBackend({
        knex,
        entities: [
          component('checkout', gated),
          component('restricted-ledger', gated),
          component('search'),
        ],
        config: { rollouts: { executor: 'recording' } },
        providers: [new SteadyProvider()],
        executors: [new RecordingExecutor('recording')],
      });
      server = backend.server;
      stop = () => backend.stop();

      const at = (minutesAgo: number) =>
        new Date(Date.now() - minutesAgo * 60_000).toISOString();
      const deployment = (
        id: string,
        entity: string,
        status: string,
        minutesAgo: number,
        strategy = 'rolling',
      ) => ({
        id: `evt-${id}-${status}`,
        type:
          status === 'started' ? 'deployment.started' : 'deployment.finished',
        entityRef: `component:default/${entity}`,
        deployment: {
          id,
          environment: 'production',
          status,
          strategy,
          startedAt: at(minutesAgo + 5),
          ...(status === 'started' ? {} : { finishedAt: at(minutesAgo) }),
        },
      });
      const res = await request(server)
        .post('/api/greenlight/v1/events')
        .set('Authorization', pipeline)
        .send({
          events: [
            deployment('search-1', 'search', 'succeeded', 50),
            deployment('ledger-1', 'restricted-ledger', 'succeeded', 40),
            deployment('checkout-1', 'checkout', 'succeeded', 30),
            // canaries of entities with gates: the ledger starts watching them
            deployment('checkout-2', 'checkout', 'started', 1, 'canary'),
            deployment('ledger-2', 'restricted-ledger', 'started', 1, 'canary'),
          ],
        });
      if (res.status !== 200)
        throw new Error(`events rejected: ${JSON.stringify(res.body)}`);
    });

    afterAll(async () => {
      await stop();
      await knex.destroy();
    });

    const get = (p: string, query: object, who: string) =>
      request(server)
        .get(`/api/greenlight${p}`)
        .query(query)
        .set('Authorization', who);

    it('lists rollouts in progress across entities, as far as the reader may see', async () => {
      const forAda = await get('/v1/rollouts', { active: 'true' }, ada);
      expect(forAda.status).toBe(200);
      expect(
        forAda.body.items.map((r: any) => [r.entityRef, r.deploymentId]),
      ).toEqual([['component:default/checkout', 'checkout-2']]);
      const forService = await get(
        '/v1/rollouts',
        { active: 'true' },
        pipeline,
      );
      expect(
        forService.body.items.map((r: any) => r.deploymentId).sort(),
      ).toEqual(['checkout-2', 'ledger-2']);

      // without a scope, only what is in progress may be listed across the organisation
      const unscoped = await get('/v1/rollouts', {}, ada);
      expect(unscoped.status).toBe(400);
      expect(unscoped.body.error.message).toMatch(
        /entityRef: give entityRef, deploymentId or active=true/,
      );
    });

    it('lists the latest releases across entities, newest first, as far as the reader may see', async () => {
      const forAda = await get('/v1/releases/latest', { limit: 3 }, ada);
      expect(forAda.status).toBe(200);
      expect(forAda.body.items.map((r: any) => r.id)).toEqual([
        'checkout-2',
        'checkout-1',
        'search-1',
      ]);
      const forService = await get(
        '/v1/releases/latest',
        { limit: 3 },
        pipeline,
      );
      expect(forService.body.items.map((r: any) => r.id)).toEqual([
        'ledger-2',
        'checkout-2',
        'checkout-1',
      ]);

      const bad = await get('/v1/releases/latest', { limit: 0 }, ada);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/limit/);
      expect(
        (await get('/v1/releases/latest', {}, mockCredentials.none.header()))
          .status,
      ).toBe(401);
    });
  });
});
