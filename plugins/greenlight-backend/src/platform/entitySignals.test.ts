import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import request from 'supertest';
import {
  component,
  startRolloutBackend,
} from '../rollouts/__testUtils__/rolloutBackend';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const SLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: payments
  annotations:
    greenlight.dev/interval: 30s
    greenlight.dev/evaluations: '3'
spec:
  service: payments
  indicator:
    metadata: { name: error-rate }
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
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

const pipeline = mockCredentials.service.header();
const ada = mockCredentials.user.header('user:default/ada');
// Read-only in permissionsByUser: may see rollouts, may not act on them.
const mallory = mockCredentials.user.header('user:default/mallory');

/** Keeps what the plugin publishes; `failing` makes every publish throw. */
function capturedSignals(options: { failing?: boolean } = {}) {
  const published: SignalPayload[] = [];
  const factory = createServiceFactory({
    service: signalsServiceRef,
    deps: {},
    factory: () => ({
      async publish(signal: SignalPayload) {
        if (options.failing) throw new Error('the events bus is down');
        published.push(signal);
      },
    }),
  });
  return { factory, published };
}

const deploymentStarted = (id: string, entity: string, strategy: string) => ({
  id: `evt-${id}`,
  type: 'deployment.started',
  entityRef: `component:default/${entity}`,
  deployment: {
    id,
    environment: 'production',
    status: 'started',
    strategy,
    startedAt: new Date().toISOString(),
  },
});

describe('signals to open pages', () => {
  const databases = createTestDatabases();

  async function start(options: { failing?: boolean } = {}) {
    const knex = await databases.init('SQLITE_3');
    const signals = capturedSignals(options);
    const backend = await startRolloutBackend({
      knex,
      entities: [component('payments'), component('ledger')],
      config: {
        metrics: { prometheus: { baseUrl: 'http://127.0.0.1:1' } },
        gates: {
          entities: [{ entityRef: 'component:default/payments', slo: SLO }],
        },
      },
      extra: [signals.factory],
    });
    const post = (events: unknown[]) =>
      request(backend.server)
        .post('/api/greenlight/v1/events')
        .set('Authorization', pipeline)
        .send({ events });
    return { backend, signals, post };
  }

  const channels = (published: SignalPayload[]) =>
    published.map(s => `${s.channel} ${(s.message as any).change}`);

  it('announces a batch once per entity it touched, naming nothing but the entity', async () => {
    const { backend, signals, post } = await start();
    const res = await post([
      deploymentStarted('dep-1', 'ledger', 'rolling'),
      {
        ...deploymentStarted('dep-1', 'ledger', 'rolling'),
        id: 'evt-dep-1-done',
        type: 'deployment.finished',
        deployment: {
          ...deploymentStarted('dep-1', 'ledger', 'rolling').deployment,
          status: 'succeeded',
          finishedAt: new Date().toISOString(),
        },
      },
    ]);
    expect(res.status).toBe(200);
    expect(signals.published).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: 'greenlight:entity:component:default/ledger',
        message: { entityRef: 'component:default/ledger', change: 'ledger' },
      },
    ]);

    // A repeat of the same events changes nothing and announces nothing.
    signals.published.length = 0;
    await post([deploymentStarted('dep-1', 'ledger', 'rolling')]);
    expect(signals.published).toEqual([]);
    await backend.stop();
  });

  it('announces a rollout that starts and an action on it, but not an action that was refused', async () => {
    const { backend, signals, post } = await start();
    await post([deploymentStarted('dep-canary', 'payments', 'canary')]);
    expect(channels(signals.published)).toEqual([
      'greenlight:entity:component:default/payments ledger',
      'greenlight:entity:component:default/payments rollout',
    ]);
    const list = await request(backend.server)
      .get('/api/greenlight/v1/rollouts')
      .query({ entityRef: 'component:default/payments' })
      .set('Authorization', ada);
    const rollout = list.body.items[0];

    signals.published.length = 0;
    const refused = await request(backend.server)
      .post(`/api/greenlight/v1/rollouts/${rollout.id}/actions`)
      .set('Authorization', mallory)
      .send({ action: 'pause' });
    expect(refused.status).toBe(403);
    expect(signals.published).toEqual([]);

    const paused = await request(backend.server)
      .post(`/api/greenlight/v1/rollouts/${rollout.id}/actions`)
      .set('Authorization', ada)
      .send({ action: 'pause' });
    expect(paused.status).toBe(200);
    expect(channels(signals.published)).toContain(
      'greenlight:entity:component:default/payments rollout',
    );
    await backend.stop();
  });

  it('still records events when signals cannot be published', async () => {
    const { backend, post } = await start({ failing: true });
    const res = await post([deploymentStarted('dep-2', 'ledger', 'rolling')]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    await backend.stop();
  });
});
