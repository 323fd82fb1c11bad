import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import request from 'supertest';
import { greenlightPlugin } from '../plugin';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const entity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/team-a', lifecycle: 'experimental' },
});

/** `payments` is visible to everyone; `ledger` only to services (a restricted entity). */
function catalog() {
  const entities = new Map([
    ['component:default/payments', { entity: entity('payments'), restricted: false }],
    ['component:default/ledger', { entity: entity('ledger'), restricted: true }],
  ]);
  return catalogServiceMock.mock({
    getEntityByRef: async (ref, options) => {
      const found = entities.get(String(ref).toLowerCase());
      const credentials = (options as { credentials?: BackstageCredentials })?.credentials;
      if (!found) return undefined;
      if (found.restricted && credentials?.principal && (credentials.principal as any).type !== 'service') {
        return undefined;
      }
      return found.entity;
    },
  });
}

const body = {
  environments: [
    { name: 'dev', tier: 'development', order: 0 },
    { name: 'staging', tier: 'staging', order: 1 },
    { name: 'production', tier: 'production', order: 2 },
  ],
  gates: { sloFile: './slo.yaml', settings: { interval: '30s', evaluations: 10, failureRule: '2-of-3' } },
  provenance: {
    expectedSource: 'github.com/acme/payments',
    allowedBuilders: ['https://github.com/actions/runner/github-hosted'],
  },
  owner: 'group:default/team-a',
  rollout: { strategy: 'canary', canarySteps: [10, 50] },
};

const ada = mockCredentials.user.header('user:default/ada');
const mallory = mockCredentials.user.header('user:default/mallory');
const pipeline = mockCredentials.service.header();

describe('service registrations', () => {
  const databases = createTestDatabases();

  async function start(
    knex: Knex,
    options: { permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY } = {},
  ) {
    const { server } = await startTestBackend({
      features: [
        greenlightPlugin,
        catalog().factory,
        mockServices.database.factory({ knex }),
        ...(options.permission ? [mockServices.permissions.factory({ result: options.permission })] : []),
      ],
    });
    return server;
  }

  const auditOf = (knex: Knex, entityRef: string) =>
    knex('audit_log').where({ subject_type: 'service', subject_id: entityRef }).orderBy('seq').pluck('action');

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    beforeAll(async () => {
      knex = await databases.init(databaseId);
    });

    it('creates once, answers an identical PUT with created: false, and audits the change only', async () => {
      const server = await start(knex);
      const path = '/api/greenlight/v1/services/default/component/payments';

      const first = await request(server).put(path).set('Authorization', ada).send(body);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ created: true, changed: true });
      expect(first.body.registration).toMatchObject({
        entityRef: 'component:default/payments',
        owner: 'group:default/team-a',
        createdBy: 'user:default/ada',
        gates: body.gates,
        rollout: body.rollout,
      });

      // The same promotion path listed in another order is the same registration.
      const again = await request(server)
        .put(path)
        .set('Authorization', ada)
        .send({ ...body, environments: [...body.environments].reverse(), owner: 'team-a' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ created: false, changed: false });
      expect(again.body.registration.updatedAt).toBe(first.body.registration.updatedAt);
      expect(await auditOf(knex, 'component:default/payments')).toEqual(['registration.created']);

      const changed = await request(server)
        .put('/api/greenlight/v1/services/default/Component/Payments')
        .set('Authorization', pipeline)
        .send({ ...body, provenance: { ...body.provenance, allowedBuilders: ['https://ci.acme.example/release'] } });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ created: false, changed: true });
      expect(changed.body.registration).toMatchObject({
        createdBy: 'user:default/ada',
        updatedBy: 'service:external:test-service',
      });
      expect(await auditOf(knex, 'component:default/payments')).toEqual([
        'registration.created',
        'registration.updated',
      ]);

      const read = await request(server).get(path).set('Authorization', ada);
      expect(read.status).toBe(200);
      expect(read.body.registration.environments.map((e: any) => e.name)).toEqual(['dev', 'staging', 'production']);
      expect(read.body.registration.provenance.allowedBuilders).toEqual(['https://ci.acme.example/release']);
    });

    it('keeps concurrent first registrations to one row', async () => {
      const server = await start(knex);
      const path = '/api/greenlight/v1/services/default/component/racer';
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => request(server).put(path).set('Authorization', ada).send(body)),
      );
      expect(answers.map(a => a.status).sort()).toEqual([200, 200, 200, 201]);
      expect(await knex('service_registrations').where({ entity_ref: 'component:default/racer' })).toHaveLength(1);
      expect(await auditOf(knex, 'component:default/racer')).toEqual(['registration.created']);
    });

    it('lets only the registrant change a service the catalog does not have yet', async () => {
      const server = await start(knex);
      const path = '/api/greenlight/v1/services/default/component/newborn';
      expect((await request(server).put(path).set('Authorization', ada).send(body)).status).toBe(201);

      const takeover = await request(server)
        .put(path)
        .set('Authorization', mallory)
        .send({ ...body, owner: 'group:default/mallorys-team' });
      expect(takeover.status).toBe(403);
      expect(takeover.body.error.message).toContain('registered by user:default/ada');
      expect((await request(server).get(path).set('Authorization', ada)).body.registration.owner).toBe(
        'group:default/team-a',
      );

      // Repeating the registrant's own registration is still harmless for anyone.
      expect((await request(server).put(path).set('Authorization', mallory).send(body)).status).toBe(200);
    });

    it('hides entities the caller cannot see, and needs read permission', async () => {
      const server = await start(knex);
      const path = '/api/greenlight/v1/services/default/component/ledger';
      const hidden = await request(server).put(path).set('Authorization', ada).send(body);
      expect(hidden.status).toBe(404);
      expect(await knex('service_registrations').where({ entity_ref: 'component:default/ledger' })).toHaveLength(0);
      expect((await request(server).put(path).set('Authorization', pipeline).send(body)).status).toBe(201);
      expect((await request(server).get(path).set('Authorization', ada)).status).toBe(404);

      expect(
        (await request(server).get('/api/greenlight/v1/services/default/component/nothing').set('Authorization', ada))
          .status,
      ).toBe(404);
      expect(
        (await request(server).put(path).set('Authorization', mockCredentials.none.header()).send(body)).status,
      ).toBe(401);

      const denied = await start(knex, { permission: AuthorizeResult.DENY });
      expect(
        (await request(denied).put('/api/greenlight/v1/services/default/component/payments').set('Authorization', ada).send(body))
          .status,
      ).toBe(403);
    });

    it('rejects bad input with 400 naming every field, and writes nothing', async () => {
      const server = await start(knex);
      const path = '/api/greenlight/v1/services/default/component/broken';
      const bad = await request(server)
        .put(path)
        .set('Authorization', ada)
        .send({
          environments: [
            { name: 'dev', tier: 'development', order: 0 },
            { name: 'Prod', tier: 'prod', order: 1 },
          ],
          gates: { settings: { interval: 'soon', failureRule: '5-of-3', colour: 'green' } },
          provenance: { expectedSource: 'payments', allowedBuilders: [] },
          owner: 'group:default/team-a',
          extra: true,
        });
      expect(bad.status).toBe(400);
      const message: string = bad.body.error.message;
      for (const field of [
        'environments.1.tier',
        'environments.1.name',
        'gates.settings.interval',
        'gates.settings.failureRule',
        'gates.settings',
        'provenance.expectedSource',
        'provenance.allowedBuilders',
      ]) {
        expect(message).toContain(`${field}:`);
      }
      expect(message).toContain('"colour"');
      expect(message).toContain('"extra"');

      const twice = await request(server)
        .put(path)
        .set('Authorization', ada)
        .send({
          ...body,
          environments: [
            { name: 'dev', tier: 'development', order: 0 },
            { name: 'dev', tier: 'staging', order: 0 },
          ],
          rollout: { strategy: 'canary', canarySteps: [50, 10] },
        });
      expect(twice.status).toBe(400);
      for (const field of ['environments.1.name', 'environments.1.order', 'rollout.canarySteps.1']) {
        expect(twice.body.error.message).toContain(`${field}:`);
      }

      const badOwner = await request(server).put(path).set('Authorization', ada).send({ ...body, owner: 'a:b:c/d' });
      expect(badOwner.status).toBe(400);
      expect(badOwner.body.error.message).toContain('owner:');

      const badPath = await request(server)
        .put('/api/greenlight/v1/services/default/component/not%20a%20name')
        .set('Authorization', ada)
        .send(body);
      expect(badPath.status).toBe(400);
      expect(badPath.body.error.message).toContain('name:');

      const missing = await request(server).put(path).set('Authorization', ada).send({});
      expect(missing.status).toBe(400);
      for (const field of ['environments', 'gates', 'provenance', 'owner']) {
        expect(missing.body.error.message).toContain(`${field}:`);
      }
      expect(await knex('service_registrations').where({ entity_ref: 'component:default/broken' })).toHaveLength(0);
    });
  });
});
