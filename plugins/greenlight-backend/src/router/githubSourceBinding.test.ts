import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import {
  deploymentStatusEvent,
  HEAD_SHA,
  PARENT_SHA,
  pushEvent,
} from '../ingest/github/__testUtils__/payloads';
import { greenlightPlugin } from '../plugin';
import { createTestDatabases, rowCounts } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const SECRET = 'shared-webhook-secret';

const component = (name: string, slug: string, serviceId = name): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'github.com/project-slug': slug,
      'greenlight.dev/service-id': serviceId,
      'greenlight.dev/artifact': `pkg:oci/acme/${name}`,
    },
  },
  spec: {
    type: 'service',
    owner: 'group:default/team-a',
    lifecycle: 'production',
  },
});

/** `payments` and `payments-worker` live in acme/payments; `ledger` is another team's, in acme/ledger. */
const entities = [
  component('payments', 'acme/payments'),
  component('payments-worker', 'acme/payments'),
  component('ledger', 'acme/ledger'),
];

const LEDGER = 'component:default/ledger';

describe('GitHub deliveries are bound to the repository that sent them', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let api: ReturnType<typeof request>;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          greenlightPlugin,
          catalogServiceMock.factory({ entities }),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: { greenlight: { webhooks: { github: { secret: SECRET } } } },
          }),
        ],
      });
      api = request(server);
      // The other team's release, which a forged delivery would try to mark failed.
      await api
        .post('/api/greenlight/v1/events')
        .set('Authorization', mockCredentials.service.header())
        .send({
          events: [
            {
              id: 'ledger-release',
              type: 'deployment.finished',
              entityRef: LEDGER,
              deployment: {
                id: 'ledger-d1',
                environment: 'production',
                status: 'succeeded',
                finishedAt: '2024-05-01T10:00:00Z',
              },
            },
          ],
        })
        .expect(200);
    });

    const deliver = (
      payload: object,
      deliveryId = 'delivery-1',
      event = 'deployment_status',
    ) => {
      const body = JSON.stringify(payload);
      return api
        .post('/api/greenlight/v1/webhooks/github')
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', event)
        .set('X-GitHub-Delivery', deliveryId)
        .set(
          'X-Hub-Signature-256',
          `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
        )
        .send(body);
    };
    const failedDeployment = (greenlight: object) =>
      deploymentStatusEvent('failure', { greenlight });
    const ledgerRows = async () => ({
      events: await knex('events')
        .where({ entity_ref: LEDGER })
        .count({ n: '*' }),
      deployments: await knex('deployments')
        .where({ entity_ref: LEDGER })
        .select(),
    });

    it.each([
      [
        'an explicit entityRef of another repository',
        { entityRef: LEDGER },
        'entityRef',
      ],
      [
        'an entityRef in another spelling',
        { entityRef: 'Component:default/Ledger' },
        'entityRef',
      ],
      [
        'a serviceId of another repository',
        { serviceId: 'ledger' },
        'serviceId',
      ],
      [
        'a rollbackOf naming another deployment id',
        { rollbackOf: 'ledger-d1' },
        'rollbackOf',
      ],
      [
        "a rollbackOf naming another repository's GitHub deployment",
        { rollbackOf: 'github.com/acme/ledger/deployments/5' },
        'rollbackOf',
      ],
      [
        'a replaces naming another deployment id',
        { replaces: 'ledger-d1' },
        'replaces',
      ],
    ])(
      'refuses %s with a 400 and changes nothing',
      async (_label, greenlight, field) => {
        const before = await rowCounts(knex);
        const ledgerBefore = await ledgerRows();
        const res = await deliver(failedDeployment(greenlight));
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(field);
        expect(await rowCounts(knex)).toEqual(before);
        expect(await ledgerRows()).toEqual(ledgerBefore);
      },
    );

    it('maps an artifact purl of another entity through the repository instead', async () => {
      const res = await deliver(
        failedDeployment({ artifactPurl: 'pkg:oci/acme/ledger@1.0.0' }),
      );
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([
        expect.objectContaining({ entityRef: 'component:default/payments' }),
      ]);
      expect((await ledgerRows()).deployments).toHaveLength(1);
    });

    it('attaches to an explicitly named entity of the same repository', async () => {
      const res = await deliver(
        failedDeployment({ entityRef: 'component:default/Payments-Worker' }),
      );
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([
        expect.objectContaining({
          entityRef: 'component:default/payments-worker',
        }),
      ]);
    });

    it('records a push to a repository two entities name for each of them, once', async () => {
      const push = pushEvent();
      const first = await deliver(push, 'push-1', 'push');
      expect(first.status).toBe(200);
      expect(first.body.results.map((r: any) => r.entityRef)).toEqual([
        'component:default/payments',
        'component:default/payments-worker',
      ]);
      // Commit details are read for the deploying entity: each has its own copy.
      const copies = async () =>
        knex('commits')
          .orderBy(['sha', 'entity_ref'])
          .select('sha', 'entity_ref', 'author');
      expect(await copies()).toEqual(
        [HEAD_SHA, PARENT_SHA].sort().flatMap(sha => [
          expect.objectContaining({
            sha,
            entity_ref: 'component:default/payments',
          }),
          expect.objectContaining({
            sha,
            entity_ref: 'component:default/payments-worker',
          }),
        ]),
      );
      const before = await rowCounts(knex);
      const again = await deliver(push, 'push-2', 'push');
      expect(again.body).toMatchObject({ accepted: 0, duplicates: 2 });
      expect({ ...(await rowCounts(knex)), audit_log: 0 }).toEqual({
        ...before,
        audit_log: 0,
      });
    });

    it('keeps a push of a repository no entity names, but gives its commits to nobody until it is attached', async () => {
      const push = pushEvent();
      push.repository = {
        ...push.repository,
        name: 'scratch',
        full_name: 'acme/scratch',
      };
      const res = await deliver(push, 'push-unnamed', 'push');
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([
        expect.objectContaining({ entityRef: null }),
      ]);
      const count = async (table: string) =>
        Number((await knex(table).count({ n: '*' }))[0].n);
      expect(
        await knex('events').whereNull('entity_ref').pluck('type'),
      ).toEqual(['commits']);
      // Details no entity claims are read by every entity without its own: the shared
      // secret does not get to leave them.
      expect(await count('commits')).toBe(0);
    });

    it('treats a replayed body under a new delivery id as the same event', async () => {
      const payload = failedDeployment({});
      const first = await deliver(payload, 'delivery-1');
      expect(first.body).toMatchObject({ accepted: 1, duplicates: 0 });
      const before = await rowCounts(knex);
      const replay = await deliver(payload, 'delivery-2-forged');
      expect(replay.status).toBe(200);
      expect(replay.body).toMatchObject({ accepted: 0, duplicates: 1 });
      const after = await rowCounts(knex);
      // Only the audit log records the attempt.
      expect({ ...after, audit_log: 0 }).toEqual({ ...before, audit_log: 0 });
    });
  });
});
