import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { greenlightPlugin } from '../plugin';
import { githubSignature, PAYMENTS_PUSH } from '../__testUtils__/githubPush';

jest.setTimeout(60_000);

const payments = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'greenlight.dev/service-id': 'payments-svc' },
  },
  spec: {
    type: 'service',
    owner: 'group:default/team-a',
    lifecycle: 'production',
  },
};

const registration = {
  environments: [
    { name: 'staging', tier: 'staging', order: 0 },
    { name: 'production', tier: 'production', order: 1 },
  ],
  gates: {},
  provenance: {
    expectedSource: 'github.com/acme/payments',
    allowedBuilders: ['https://github.com/actions/runner/github-hosted'],
  },
  owner: 'group:default/team-a',
};

const teamA = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const GITHUB_SECRET = 'github-webhook-secret';

const ada = mockCredentials.user.header('user:default/ada');
const pipeline = mockCredentials.service.header();

describe('auditor events of the Greenlight backend', () => {
  async function start() {
    const success = jest.fn(async () => {});
    const fail = jest.fn(async () => {});
    const auditor = mockServices.auditor.mock({
      createEvent: jest.fn(async () => ({ success, fail })),
    });
    const { server } = await startTestBackend({
      features: [
        greenlightPlugin,
        catalogServiceMock.factory({ entities: [payments, teamA] }),
        auditor.factory,
        mockServices.rootConfig.factory({
          data: {
            greenlight: { webhooks: { github: { secret: GITHUB_SECRET } } },
          },
        }),
      ],
    });
    const events = () =>
      (auditor.createEvent as jest.Mock).mock.calls.map(([options]) => options);
    return { server, events, success, fail };
  }

  it('records a write that decides something, with its request, as a success or a failure', async () => {
    const { server, events, success, fail } = await start();
    const path = '/api/greenlight/v1/services/default/component/payments';

    await request(server)
      .put(path)
      .set('Authorization', ada)
      .send(registration)
      .expect(201);
    expect(events()).toEqual([
      expect.objectContaining({
        eventId: 'service-registration',
        severityLevel: 'medium',
        meta: {
          method: 'PUT',
          path: '/v1/services/default/component/payments',
        },
        request: expect.objectContaining({ method: 'PUT' }),
      }),
    ]);
    await new Promise(resolve => setImmediate(resolve));
    expect(success).toHaveBeenCalledWith({ meta: { status: 201 } });

    await request(server)
      .put(path)
      .set('Authorization', ada)
      .send({ ...registration, environments: [] })
      .expect(400);
    await new Promise(resolve => setImmediate(resolve));
    expect(events()).toHaveLength(2);
    // The write reached by another case and a trailing slash is the same write to the auditor.
    await request(server)
      .put(`${path.replace('/v1/services', '/V1/Services')}/`)
      .set('Authorization', ada)
      .send(registration)
      .expect(200);
    expect(events()[2]).toMatchObject({ eventId: 'service-registration' });
    expect(fail).toHaveBeenCalledWith({
      meta: { status: 400 },
      error: expect.objectContaining({ message: 'answered HTTP 400' }),
    });
  });

  it('leaves ingestion and reads to the plugin’s own trail', async () => {
    const { server, events } = await start();
    await request(server)
      .post('/api/greenlight/v1/events')
      .set('Authorization', pipeline)
      .send({
        events: [
          {
            id: 'e1',
            type: 'deployment.finished',
            serviceId: 'payments-svc',
            deployment: {
              id: 'd1',
              environment: 'production',
              status: 'succeeded',
              finishedAt: '2026-11-01T10:00:00Z',
            },
          },
        ],
      })
      .expect(res => expect(res.status).toBeLessThan(300));
    await request(server)
      .get('/api/greenlight/v1/services/default/component/payments')
      .set('Authorization', ada);
    expect(events()).toEqual([]);
  });

  it('records ingestion refused for want of permission, with what was refused, and nothing else of it', async () => {
    const { server, events, fail } = await start();
    // A person's session may never write ledger events: refused, and the refusal recorded.
    const refused = await request(server)
      .post('/api/greenlight/v1/events')
      .set('Authorization', ada)
      .send({
        events: [
          {
            id: 'e2',
            type: 'deployment.started',
            serviceId: 'payments-svc',
            deployment: {
              id: 'd2',
              environment: 'production',
              status: 'started',
            },
          },
        ],
      });
    expect(refused.status).toBe(403);
    await new Promise(resolve => setImmediate(resolve));
    expect(events()).toEqual([
      expect.objectContaining({
        eventId: 'ingest-refused',
        severityLevel: 'medium',
        request: expect.objectContaining({ method: 'POST' }),
        meta: {
          method: 'POST',
          path: '/v1/events',
          status: 403,
          refusal: refused.body.error.message,
        },
      }),
    ]);
    expect(fail).toHaveBeenCalledWith({
      meta: expect.objectContaining({ status: 403 }),
      error: expect.objectContaining({ message: refused.body.error.message }),
    });

    // The same route in another case or with a trailing slash, as Express routes it.
    for (const path of [
      '/api/greenlight/v1/events/',
      '/api/greenlight/V1/Events',
    ]) {
      const variant = await request(server)
        .post(path)
        .set('Authorization', ada)
        .send({ events: [] });
      expect(variant.status).toBe(403);
    }
    await new Promise(resolve => setImmediate(resolve));
    expect(events().map(e => [e.eventId, e.meta.path])).toEqual([
      ['ingest-refused', '/v1/events'],
      ['ingest-refused', '/v1/events/'],
      ['ingest-refused', '/V1/Events'],
    ]);

    // Bad input is the caller's to fix, not a refusal: not recorded.
    await request(server)
      .post('/api/greenlight/v1/events')
      .set('Authorization', pipeline)
      .send({ events: [{ id: 'e3' }] })
      .expect(400);
    await new Promise(resolve => setImmediate(resolve));
    expect(events()).toHaveLength(3);
  });

  it('records the governance writes that hold or sign off releases: stops, freezes, DORA reviews', async () => {
    const { server, events, success } = await start();
    const ids = () =>
      events().map(e => [e.eventId, e.severityLevel, e.meta.method]);

    await request(server)
      .post('/api/greenlight/v1/emergency-stop')
      .set('Authorization', ada)
      .send({ environment: 'production', reason: 'payments outage' })
      .expect(201);
    await request(server)
      .delete('/api/greenlight/v1/emergency-stop/')
      .query({ environment: 'production' })
      .set('Authorization', ada)
      .expect(200);
    const freeze = await request(server)
      .post('/api/greenlight/v1/freezes')
      .set('Authorization', ada)
      .send({
        name: 'Black Friday',
        environment: 'production',
        until: new Date(Date.now() + 86_400_000).toISOString(),
        reason: 'peak trading',
      })
      .expect(201);
    await request(server)
      .post(
        `/api/greenlight/V1/Freezes/${encodeURIComponent(freeze.body.id)}/lift`,
      )
      .set('Authorization', ada)
      .send({ reason: 'trading is calm' })
      .expect(200);
    await request(server)
      .post('/api/greenlight/v1/dora/reviews')
      .set('Authorization', ada)
      .send({
        groupRef: 'group:default/team-a',
        notes: 'Lead time rose with the payments migration; we accept it.',
        window: {
          from: new Date(Date.now() - 28 * 86_400_000).toISOString(),
          to: new Date(Date.now() - 60_000).toISOString(),
        },
      })
      .expect(201);
    await new Promise(resolve => setImmediate(resolve));
    expect(ids()).toEqual([
      ['emergency-stop', 'high', 'POST'],
      ['emergency-stop-lift', 'high', 'DELETE'],
      ['freeze', 'medium', 'POST'],
      ['freeze-lift', 'medium', 'POST'],
      ['dora-review-signoff', 'medium', 'POST'],
    ]);
    expect(success).toHaveBeenCalledTimes(5);

    // Refused writes are recorded too, as failures: a pipeline may not pull a stop.
    await request(server)
      .post('/api/greenlight/v1/emergency-stop')
      .set('Authorization', pipeline)
      .send({ reason: 'pipeline says stop' })
      .expect(403);
    await new Promise(resolve => setImmediate(resolve));
    expect(ids()[5]).toEqual(['emergency-stop', 'high', 'POST']);
  });

  it('records a webhook delivery refused for its signature or its repository, and not one accepted', async () => {
    const { server, events, fail } = await start();
    const push = PAYMENTS_PUSH;
    const signed = (body: string, secret = GITHUB_SECRET) =>
      githubSignature(body, secret);

    const forged = await request(server)
      .post('/api/greenlight/v1/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'push')
      .set('X-Hub-Signature-256', signed(push, 'guessed-secret'))
      .send(push);
    expect(forged.status).toBe(401);
    // A signed delivery that names an entity of another repository is refused before any write.
    const deployment = JSON.stringify({
      deployment: {
        id: 7,
        sha: 'a'.repeat(40),
        environment: 'production',
        created_at: '2026-11-01T10:00:00Z',
        payload: { greenlight: { entityRef: 'component:default/payments' } },
      },
      repository: { full_name: 'acme/other' },
    });
    const misbound = await request(server)
      .post('/api/greenlight/v1/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'deployment')
      .set('X-Hub-Signature-256', signed(deployment))
      .send(deployment);
    expect(misbound.status).toBe(400);
    await new Promise(resolve => setImmediate(resolve));
    expect(events()).toEqual([
      expect.objectContaining({
        eventId: 'ingest-refused',
        meta: {
          method: 'POST',
          path: '/v1/webhooks/github',
          status: 401,
          refusal: forged.body.error.message,
        },
      }),
      expect.objectContaining({
        eventId: 'ingest-refused',
        meta: expect.objectContaining({
          status: 400,
          refusal: misbound.body.error.message,
        }),
      }),
    ]);
    expect(fail).toHaveBeenCalledWith({
      meta: expect.objectContaining({ status: 401 }),
      error: expect.objectContaining({ message: forged.body.error.message }),
    });

    // A delivery signed with the secret is GitHub's own report: the plugin's trail keeps it.
    await request(server)
      .post('/api/greenlight/v1/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'push')
      .set('X-Hub-Signature-256', signed(push))
      .send(push)
      .expect(res => expect(res.status).toBeLessThan(300));
    await new Promise(resolve => setImmediate(resolve));
    expect(events()).toHaveLength(2);
  });
});
