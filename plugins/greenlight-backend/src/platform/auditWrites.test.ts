import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { greenlightPlugin } from '../plugin';

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
        catalogServiceMock.factory({ entities: [payments] }),
        auditor.factory,
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
});
