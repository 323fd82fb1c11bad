import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { greenlightPlugin } from './plugin';

const payments = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'greenlight.dev/service-id': 'payments-svc' },
  },
  spec: { type: 'service', owner: 'group:default/team-a', lifecycle: 'production' },
};

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const service = mockCredentials.service.header();
const user = mockCredentials.user.header();

function deployment(id: string, env: string, status: string, at: string, extra: object = {}) {
  return {
    id: `evt-${id}-${status}`,
    type: status === 'started' ? 'deployment.started' : 'deployment.finished',
    serviceId: 'payments-svc',
    deployment: {
      id,
      environment: env,
      status,
      artifactDigest: digest('a'),
      commitSha: 'abc1234',
      startedAt: at,
      ...(status === 'started' ? {} : { finishedAt: at }),
      ...extra,
    },
  };
}

/** `ledger-core` is in the catalog, but not for users: the catalog hides it from them. */
const hidden = { ...payments, metadata: { name: 'ledger-core', namespace: 'default', annotations: { 'greenlight.dev/service-id': 'ledger-core-svc' } } };

function catalogHidingFromUsers() {
  const catalog = catalogServiceMock({ entities: [payments, hidden] });
  const getEntityByRef = catalog.getEntityByRef.bind(catalog);
  catalog.getEntityByRef = async (ref, options) =>
    (options as { credentials?: { principal: { type?: string } } } | undefined)?.credentials?.principal.type === 'user' && String(ref).includes('ledger-core')
      ? undefined
      : getEntityByRef(ref, options);
  return createServiceFactory({ service: catalogServiceRef, deps: {}, factory: () => catalog });
}

async function start(options: { permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY } = {}) {
  const { server } = await startTestBackend({
    features: [
      greenlightPlugin,
      catalogHidingFromUsers(),
      mockServices.rootConfig.factory({
        data: { greenlight: { ingest: { maxBodySize: '20kb' } } },
      }),
      ...(options.permission
        ? [mockServices.permissions.factory({ result: options.permission })]
        : []),
    ],
  });
  return server;
}

describe('greenlight backend plugin', () => {
  it('serves health without authentication', async () => {
    const server = await start();
    await request(server)
      .get('/api/greenlight/health')
      .set('Authorization', mockCredentials.none.header())
      .expect(200, { status: 'ok' });
  });

  it('ingests a batch once, maps it by annotation and serves it as release history', async () => {
    const server = await start();
    const batch = {
      events: [
        deployment('dep-1', 'staging', 'succeeded', '2026-01-01T10:00:00Z'),
        deployment('dep-2', 'production', 'succeeded', '2026-01-02T10:00:00Z'),
        {
          id: 'c1',
          type: 'commits',
          commits: [
            { sha: 'abc1234', repository: 'github.com/acme/payments', committedAt: '2025-12-31T09:00:00Z', author: 'ada', title: 'Add refunds' },
          ],
        },
      ],
    };
    const first = await request(server).post('/api/greenlight/v1/events').set('Authorization', service).send(batch);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 0, unmapped: 1 });

    const again = await request(server).post('/api/greenlight/v1/events').set('Authorization', service).send(batch);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 3 });

    const releases = await request(server)
      .get('/api/greenlight/v1/releases')
      .query({ entityRef: 'component:default/payments' })
      .set('Authorization', user);
    expect(releases.status).toBe(200);
    expect(releases.body.items.map((r: any) => r.id)).toEqual(['dep-2', 'dep-1']);
    expect(releases.body.items[1]).toMatchObject({ environment: 'staging', newCommitCount: 1, status: 'succeeded' });

    const count = (query: object, auth = user) =>
      request(server)
        .get('/api/greenlight/v1/releases/count')
        .query({ entityRef: 'component:default/payments', ...query })
        .set('Authorization', auth);
    expect((await count({})).body).toEqual({ total: 2 });
    expect((await count({ environment: 'production' })).body).toEqual({ total: 1 });
    expect((await count({ status: 'exploded' })).status).toBe(400);
    expect((await count({}, mockCredentials.none.header())).status).toBe(401);

    const detail = await request(server).get('/api/greenlight/v1/releases/dep-2').set('Authorization', user);
    expect(detail.status).toBe(200);
    expect(detail.body.commits).toEqual([expect.objectContaining({ sha: 'abc1234', author: 'ada' })]);
    expect(detail.body.audit[0]).toMatchObject({ action: 'event.deployment.finished' });

    const envs = await request(server)
      .get('/api/greenlight/v1/environments')
      .query({ entityRef: 'component:default/payments' })
      .set('Authorization', user);
    expect(envs.body.environments.map((e: any) => [e.name, e.current?.releaseId ?? null])).toEqual([
      ['development', null],
      ['staging', 'dep-1'],
      ['production', 'dep-2'],
    ]);
  });

  it('rejects an invalid batch whole, naming index and path', async () => {
    const server = await start();
    const res = await request(server)
      .post('/api/greenlight/v1/events')
      .set('Authorization', service)
      .send({
        events: [
          deployment('ok-1', 'staging', 'succeeded', '2026-01-01T10:00:00Z'),
          { id: 'bad', type: 'deployment.finished', deployment: { id: 'x', environment: 'prod', status: 'exploded' } },
        ],
      });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ index: 1, path: 'deployment.status', message: expect.any(String) }]);
    const releases = await request(server)
      .get('/api/greenlight/v1/releases')
      .query({ entityRef: 'component:default/payments' })
      .set('Authorization', user);
    expect(releases.body.items).toEqual([]);
  });

  it('answers 401 without credentials, 403 for user writes and 413 for oversized bodies', async () => {
    const server = await start();
    const body = { events: [deployment('d', 'staging', 'succeeded', '2026-01-01T10:00:00Z')] };
    await request(server).post('/api/greenlight/v1/events').set('Authorization', mockCredentials.none.header()).send(body).expect(401);
    await request(server).post('/api/greenlight/v1/events').set('Authorization', user).send(body).expect(403);
    const big = { events: Array.from({ length: 200 }, (_, i) => deployment(`d${i}`, 'staging', 'succeeded', '2026-01-01T10:00:00Z')) };
    const res = await request(server).post('/api/greenlight/v1/events').set('Authorization', service).send(big);
    expect(res.status).toBe(413);
  });

  it('answers 400 naming the bad query field and 404 for entities the reader cannot see', async () => {
    const server = await start();
    const bad = await request(server)
      .get('/api/greenlight/v1/releases')
      .query({ entityRef: 'component:default/payments', limit: 'lots' })
      .set('Authorization', user);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('limit');
    await request(server)
      .get('/api/greenlight/v1/releases')
      .query({ entityRef: 'component:default/ghost' })
      .set('Authorization', user)
      .expect(404);
  });

  it('answers a release of an entity the reader cannot see as one that does not exist', async () => {
    const server = await start();
    const hiddenRelease = { ...deployment('ledger-dep-1', 'production', 'succeeded', '2026-01-01T10:00:00Z'), serviceId: 'ledger-core-svc' };
    await request(server).post('/api/greenlight/v1/events').set('Authorization', service).send({ events: [hiddenRelease] }).expect(200);
    // The plugin's own reads see it; the user's do not, and cannot tell it from an unknown id.
    expect((await request(server).get('/api/greenlight/v1/releases/ledger-dep-1').set('Authorization', service)).status).toBe(200);
    const seen = await request(server).get('/api/greenlight/v1/releases/ledger-dep-1').set('Authorization', user);
    const unknown = await request(server).get('/api/greenlight/v1/releases/no-such-dep').set('Authorization', user);
    expect([seen.status, unknown.status]).toEqual([404, 404]);
    expect(seen.body.error.message).toBe('No release ledger-dep-1');
    expect(seen.body.error.message).not.toContain('ledger-core');
    expect(unknown.body.error.message).toBe('No release no-such-dep');
    // The other reads of a record by its own id answer the same way.
    for (const [path, message] of [
      ['/api/greenlight/v1/releases/ledger-dep-1/readiness', 'No release ledger-dep-1'],
      [`/api/greenlight/v1/artifacts/${digest('a')}`, `No artifact ${digest('a')} attached to an entity`],
    ]) {
      const res = await request(server).get(path).set('Authorization', user);
      expect([res.status, res.body.error?.message]).toEqual([404, message]);
    }
  });

  it('answers 403 when the permission policy denies reading', async () => {
    const server = await start({ permission: AuthorizeResult.DENY });
    await request(server)
      .get('/api/greenlight/v1/releases')
      .query({ entityRef: 'component:default/payments' })
      .set('Authorization', user)
      .expect(403);
    // The permission is decided while the input, the catalog and the page are read: its refusal
    // is still the answer, whatever else was wrong.
    for (const [path, query] of [
      ['/api/greenlight/v1/releases', { entityRef: 'component:default/ghost' }],
      ['/api/greenlight/v1/releases', { entityRef: 'component:default/payments', limit: 'lots' }],
      ['/api/greenlight/v1/releases', { entityRef: 'component:default/payments', cursor: 'x' }],
      ['/api/greenlight/v1/environments', { entityRef: 'component:default/ghost' }],
      ['/api/greenlight/v1/environments', {}],
      ['/api/greenlight/v1/rollouts', { entityRef: 'component:default/ghost' }],
      ['/api/greenlight/v1/rollouts', { limit: 'lots' }],
    ] as const) {
      const res = await request(server).get(path).query(query).set('Authorization', user);
      expect([path, res.status, res.body.error?.message]).toEqual([path, 403, 'Missing permission greenlight.release.read']);
    }
  });
});
