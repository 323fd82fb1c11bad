import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { greenlightPlugin } from '../plugin';

const SECRET = 'webhook-secret';
const fixtures = path.resolve(__dirname, '../ingest/cdevents/__fixtures__');

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default', annotations: { 'github.com/project-slug': 'acme/payments' } },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

async function start() {
  const { server } = await startTestBackend({
    features: [
      greenlightPlugin,
      catalogServiceMock.factory({ entities: [entity] }),
      mockServices.rootConfig.factory({ data: { greenlight: { webhooks: { github: { secret: SECRET } } } } }),
    ],
  });
  return server;
}

const pushPayload = {
  ref: 'refs/heads/main',
  after: 'a'.repeat(40),
  repository: { full_name: 'acme/payments', default_branch: 'main', html_url: 'https://github.com/acme/payments' },
  pusher: { name: 'ada' },
  head_commit: { id: 'a'.repeat(40), timestamp: '2026-01-01T10:00:00Z' },
  commits: [
    { id: 'a'.repeat(40), message: 'Add refunds', timestamp: '2026-01-01T10:00:00Z', author: { name: 'Ada', username: 'ada' } },
  ],
};

function signed(body: string, secret = SECRET) {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

describe('POST /v1/webhooks/github', () => {
  it('accepts a signed push without Backstage credentials and attaches it by project slug', async () => {
    const server = await start();
    const body = JSON.stringify(pushPayload);
    const res = await request(server)
      .post('/api/greenlight/v1/webhooks/github')
      .set('Authorization', mockCredentials.none.header())
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'push')
      .set('X-GitHub-Delivery', 'delivery-1')
      .set('X-Hub-Signature-256', signed(body))
      .send(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, results: [{ entityRef: 'component:default/payments' }] });
  });

  it('keeps a push whose unread fields and commit title carry characters the ledger does not store', async () => {
    // GitHub does not deliver a refused push again: one commit message with a terminal colour
    // code, or a repository description with a control character, must not lose the push.
    const server = await start();
    const body = JSON.stringify({
      ...pushPayload,
      repository: { ...pushPayload.repository, description: 'Payments \u0007 API' },
      commits: [
        {
          ...pushPayload.commits[0],
          message: 'Add \u001b[31mrefunds\u001b[0m\n\nBody with a \u202e mark',
        },
      ],
    });
    const res = await request(server)
      .post('/api/greenlight/v1/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'push')
      .set('X-GitHub-Delivery', 'delivery-3')
      .set('X-Hub-Signature-256', signed(body))
      .send(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1 });
  });

  it('answers 401 for a bad signature and writes nothing', async () => {
    const server = await start();
    const body = JSON.stringify(pushPayload);
    const bad = await request(server)
      .post('/api/greenlight/v1/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'push')
      .set('X-GitHub-Delivery', 'delivery-2')
      .set('X-Hub-Signature-256', signed(body, 'wrong-secret'))
      .send(body);
    expect(bad.status).toBe(401);
    // the same delivery, correctly signed, is then new: nothing of the rejected one was kept
    const good = await request(server)
      .post('/api/greenlight/v1/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'push')
      .set('X-GitHub-Delivery', 'delivery-2')
      .set('X-Hub-Signature-256', signed(body))
      .send(body);
    expect(good.body).toMatchObject({ accepted: 1, duplicates: 0 });
  });
});

describe('POST /v1/cdevents', () => {
  it('accepts every conformance example of v0.4.1 and v0.5.1, counting the unused types as ignored', async () => {
    const server = await start();
    for (const version of ['v0.4.1', 'v0.5.1']) {
      const files = fs.readdirSync(path.join(fixtures, version)).filter(f => f.endsWith('.json'));
      expect(files.length).toBeGreaterThan(40);
      const events = files.map(f => JSON.parse(fs.readFileSync(path.join(fixtures, version, f), 'utf8')));
      const res = await request(server)
        .post('/api/greenlight/v1/cdevents')
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/json')
        .send(events);
      expect(res.status).toBe(200);
      expect(res.body.ignored).toBeGreaterThan(0);
      expect(res.body.accepted + res.body.duplicates).toBeGreaterThan(0);
    }
  });

  it('deduplicates per (source, id), as CloudEvents defines identity', async () => {
    const server = await start();
    const deployed = JSON.parse(fs.readFileSync(path.join(fixtures, 'v0.5.1/service_deployed.json'), 'utf8'));
    const from = (source: string) => ({ ...deployed, context: { ...deployed.context, id: '1', source } });
    const post = (events: unknown[]) =>
      request(server)
        .post('/api/greenlight/v1/cdevents')
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/json')
        .send(events);
    // Two producers that both number their events from 1: two events, two deployments.
    const first = await post([from('/tekton/prod'), from('/jenkins/main')]);
    expect(first.body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(first.body.results.map((r: any) => r.id)).toEqual(['cdevents:1@/tekton/prod', 'cdevents:1@/jenkins/main']);
    // The same (source, id) again is a duplicate.
    const again = await post([from('/tekton/prod')]);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('takes CloudEvents binary mode and rejects an invalid event with its path', async () => {
    const server = await start();
    const deployed = JSON.parse(fs.readFileSync(path.join(fixtures, 'v0.5.1/service_deployed.json'), 'utf8'));
    const binary = await request(server)
      .post('/api/greenlight/v1/cdevents')
      .set('Authorization', mockCredentials.service.header())
      .set('Content-Type', 'application/json')
      .set('ce-specversion', '1.0')
      .set('ce-id', deployed.context.id)
      .set('ce-type', deployed.context.type)
      .set('ce-source', deployed.context.source)
      .send(deployed);
    expect(binary.status).toBe(200);
    expect(binary.body.accepted).toBe(1);

    const broken = { ...deployed, context: { ...deployed.context, timestamp: 'yesterday' } };
    const res = await request(server)
      .post('/api/greenlight/v1/cdevents')
      .set('Authorization', mockCredentials.service.header())
      .send([deployed, broken]);
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ index: 1, path: 'context.timestamp', message: expect.any(String) }]);
  });

  it('refuses writes from users', async () => {
    const server = await start();
    await request(server)
      .post('/api/greenlight/v1/cdevents')
      .set('Authorization', mockCredentials.user.header())
      .send([])
      .expect(403);
  });
});
