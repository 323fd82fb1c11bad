import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import request from 'supertest';
import { capturedScheduler } from '../__testUtils__/capturedScheduler';
import { DORA_ROLLUP_TASK_ID } from '../dora/feature';
import { greenlightPlugin } from '../plugin';
import { createTestDatabases, rowCounts } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const CHECKOUT = 'component:default/checkout';
const OWNER = 'user:default/olivia';
const OUTSIDER = 'user:default/mallory';

const entity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'service',
    owner: 'group:default/team-a',
    lifecycle: 'production',
  },
});

const deployment = (id: string, finishedAt: string, extra: object = {}) => ({
  id: `e-${id}`,
  type: 'deployment.finished',
  entityRef: CHECKOUT,
  deployment: {
    id,
    environment: 'production',
    status: 'succeeded',
    finishedAt,
    ...extra,
  },
});

/**
 * The worked example, on paper. Week of Monday 2026-11-23, checkout in production:
 *
 *   d1 Mon 09:00, d2 Tue 09:00, d3 Wed 12:00, d4 Thu 09:00 (version 1.4.0): 4 deployments.
 *   inc-1 detected Thu 10:00, resolved Thu 11:30, "Checkout 500s after 1.4.0", production.
 *
 * No event ties inc-1 to a deployment, so: change failure rate 0/4 = 0, no recovery.
 * Attributed to d4: 1/4 = 0.25; recovery starts at d4 (09:00, before detection) and ends at
 * the resolution (11:30, no later deployment): 2 h 30 min. Undone: back to 0/4.
 *
 * Candidates (window 24 h): d4 names version 1.4.0 (4), ran at detection (2) and came 1 h
 * before (1) = 7; d3 came 22 h before = 1; d1 and d2 are older than the window = none.
 */
const events = [
  deployment('d1', '2026-11-23T09:00:00Z'),
  deployment('d2', '2026-11-24T09:00:00Z'),
  deployment('d3', '2026-11-25T12:00:00Z'),
  deployment('d4', '2026-11-26T09:00:00Z', { version: '1.4.0' }),
  {
    id: 'inc-1-opened',
    type: 'incident.opened',
    entityRef: CHECKOUT,
    incident: {
      id: 'inc-1',
      title: 'Checkout 500s after 1.4.0',
      severity: 'P1',
      environment: 'production',
      detectedAt: '2026-11-26T10:00:00Z',
      resolvedAt: '2026-11-26T11:30:00Z',
    },
  },
];

const WEEK = {
  entityRef: CHECKOUT,
  from: '2026-11-23T00:00:00Z',
  to: '2026-11-30T00:00:00Z',
};
const HOUR = 3_600_000;

describe('incident attribution', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let api: ReturnType<typeof request>;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    const scheduler = capturedScheduler();

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      backend = await startTestBackend({
        features: [
          greenlightPlugin,
          scheduler.module,
          catalogServiceMock.factory({ entities: [entity('checkout')] }),
          mockServices.database.factory({ knex }),
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          mockServices.permissions.mock({
            // The outsider may read but not attribute; the policy's IS_ENTITY_OWNER in miniature.
            authorize: async (requests, options) =>
              requests.map(r => ({
                result:
                  r.permission.name === 'greenlight.incident.attribute' &&
                  (options.credentials.principal as any).userEntityRef ===
                    OUTSIDER
                    ? AuthorizeResult.DENY
                    : AuthorizeResult.ALLOW,
              })),
          }).factory,
          mockServices.rootConfig.factory({
            data: {
              greenlight: {
                environments: [
                  { name: 'staging', tier: 'staging' },
                  { name: 'production', tier: 'production' },
                ],
              },
            },
          }),
        ],
      });
      api = request(backend.server);
      const res = await api
        .post('/api/greenlight/v1/events')
        .set('Authorization', mockCredentials.service.header())
        .send({ events });
      if (res.status !== 200) {
        throw new Error(`events rejected: ${JSON.stringify(res.body)}`);
      }
      await scheduler.trigger(DORA_ROLLUP_TASK_ID);
    });

    afterEach(() => backend.stop());

    const as = (user: string) => mockCredentials.user.header(user);
    const attribute = (body: object, user = OWNER) =>
      api
        .post('/api/greenlight/v1/incidents/inc-1/attribution')
        .set('Authorization', as(user))
        .send(body);
    const undo = (user = OWNER) =>
      api
        .delete('/api/greenlight/v1/incidents/inc-1/attribution')
        .set('Authorization', as(user));
    const dora = async () => {
      const res = await api
        .get('/api/greenlight/v1/dora')
        .query(WEEK)
        .set('Authorization', as(OWNER));
      expect(res.status).toBe(200);
      return res.body.current;
    };
    const unattributed = () =>
      api
        .get('/api/greenlight/v1/incidents/unattributed')
        .query({ entityRef: CHECKOUT })
        .set('Authorization', as(OWNER));

    it('offers the candidates of the worked example, ranked by evidence', async () => {
      const res = await unattributed();
      expect(res.status).toBe(200);
      expect(res.body.windowHours).toBe(24);
      expect(res.body.items).toHaveLength(1);
      const [item] = res.body.items;
      expect(item).toMatchObject({
        id: 'inc-1',
        title: 'Checkout 500s after 1.4.0',
        environment: 'production',
        detectedAt: '2026-11-26T10:00:00.000Z',
        entityRefs: [CHECKOUT],
      });
      expect(
        item.candidates.map((c: any) => [
          c.deploymentId,
          c.score,
          c.evidence.map((e: any) => e.kind),
        ]),
      ).toEqual([
        ['d4', 7, ['referenced', 'running', 'recent-change']],
        ['d3', 1, ['recent-change']],
      ]);
    });

    it('changes the change failure rate and recovery time at once, and undoing restores them', async () => {
      const before = await dora();
      expect(before.changeFailRate).toMatchObject({
        numerator: 0,
        denominator: 4,
        rate: 0,
      });
      expect(before.failedDeploymentRecoveryTime.n).toBe(0);

      const res = await attribute({
        deploymentId: 'd4',
        note: 'the 1.4.0 config change',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        incidentId: 'inc-1',
        verdict: 'deployment',
        deploymentId: 'd4',
        actor: OWNER,
      });
      // No scheduled rebuild in between: the answer already counts it.
      const after = await dora();
      expect(after.changeFailRate).toMatchObject({
        numerator: 1,
        denominator: 4,
        rate: 0.25,
      });
      expect(after.failedDeploymentRecoveryTime.n).toBe(1);
      expect(
        after.failedDeploymentRecoveryTime.medianMs / (2.5 * HOUR),
      ).toBeCloseTo(1, 1);
      expect((await unattributed()).body).toMatchObject({
        items: [],
        decided: [
          {
            incidentId: 'inc-1',
            deploymentId: 'd4',
            note: 'the 1.4.0 config change',
          },
        ],
      });
      expect(
        await knex('audit_log')
          .where({ action: 'incident.attributed' })
          .select('actor', 'subject_id'),
      ).toEqual([{ actor: OWNER, subject_id: 'inc-1' }]);

      expect((await undo()).status).toBe(204);
      const undone = await dora();
      expect(undone.changeFailRate).toMatchObject({
        numerator: 0,
        denominator: 4,
        rate: 0,
      });
      expect(undone.failedDeploymentRecoveryTime.n).toBe(0);
      expect((await unattributed()).body.items.map((i: any) => i.id)).toEqual([
        'inc-1',
      ]);
      expect(
        await knex('audit_log')
          .where({ action: 'incident.attribution.undone' })
          .count({ n: '*' }),
      ).toEqual([{ n: expect.anything() }]);
    });

    it('records that no change caused it: no failure counted, no longer unattributed', async () => {
      const finding = async () => {
        const res = await api
          .get('/api/greenlight/v1/dora')
          .query(WEEK)
          .set('Authorization', as(OWNER));
        return res.body.dataQuality.find(
          (f: any) => f.id === 'incidents-without-attribution',
        );
      };
      expect(await finding()).toMatchObject({ count: 1, examples: ['inc-1'] });
      const res = await attribute({
        notCausedByChange: true,
        note: 'cloud provider outage',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ verdict: 'not-a-change' });
      expect(res.body.deploymentId).toBeUndefined();
      expect((await dora()).changeFailRate.numerator).toBe(0);
      expect((await unattributed()).body.items).toEqual([]);
      // Findings with a count of 0 are left out of the answer.
      expect(await finding()).toBeUndefined();
    });

    it.each([
      [
        'no credentials',
        () =>
          attribute({ deploymentId: 'd4' }, '').set(
            'Authorization',
            mockCredentials.none.header(),
          ),
        401,
      ],
      [
        'someone without the permission',
        () => attribute({ deploymentId: 'd4' }, OUTSIDER),
        403,
      ],
    ])('refuses %s and changes nothing', async (_, send, status) => {
      const before = await rowCounts(knex);
      const res = await send();
      expect(res.status).toBe(status);
      expect(await rowCounts(knex)).toEqual(before);
      expect((await dora()).changeFailRate.numerator).toBe(0);
    });

    it('refuses without naming the incident’s entities', async () => {
      const res = await attribute({ deploymentId: 'd4' }, OUTSIDER);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain(
        'incident inc-1 (a record of another entity, or one not recorded yet)',
      );
      expect(res.body.error.message).not.toMatch(/component:/);
    });

    it('refuses an undo without the permission and keeps the decision', async () => {
      await attribute({ deploymentId: 'd4' });
      const before = await rowCounts(knex);
      expect((await undo(OUTSIDER)).status).toBe(403);
      expect(await rowCounts(knex)).toEqual(before);
      expect((await dora()).changeFailRate.numerator).toBe(1);
    });

    it.each([
      [{ deploymentId: 'not-ours' }, 400, 'deploymentId'],
      [{ deploymentId: 'd4', notCausedByChange: true }, 400, 'body'],
      [{}, 400, 'body'],
    ])(
      'refuses %j naming the field, and changes nothing',
      async (body, status, field) => {
        const before = await rowCounts(knex);
        const res = await attribute(body);
        expect(res.status).toBe(status);
        expect(res.body.error.message).toContain(field);
        expect(await rowCounts(knex)).toEqual(before);
      },
    );

    it('answers 404 for an unknown incident and 409 for a second decision', async () => {
      const missing = await api
        .post('/api/greenlight/v1/incidents/nope/attribution')
        .set('Authorization', as(OWNER))
        .send({ notCausedByChange: true });
      expect(missing.status).toBe(404);
      expect((await attribute({ deploymentId: 'd4' })).status).toBe(200);
      const second = await attribute({ deploymentId: 'd3' });
      expect(second.status).toBe(409);
      expect(
        await knex('incidents').where({ id: 'inc-1' }).first('deployment_id'),
      ).toEqual({ deployment_id: 'd4' });
    });

    it("keeps a decision when the incident's events are delivered again or updated", async () => {
      await attribute({ deploymentId: 'd4' });
      const res = await api
        .post('/api/greenlight/v1/events')
        .set('Authorization', mockCredentials.service.header())
        .send({
          events: [
            {
              id: 'inc-1-update',
              type: 'incident.resolved',
              entityRef: CHECKOUT,
              incident: { id: 'inc-1', resolvedAt: '2026-11-26T11:30:00Z' },
            },
          ],
        });
      expect(res.status).toBe(200);
      expect(
        await knex('incidents').where({ id: 'inc-1' }).first('deployment_id'),
      ).toEqual({ deployment_id: 'd4' });
    });

    if (databaseId.startsWith('POSTGRES')) {
      it('lets one of two simultaneous decisions win, consistently', async () => {
        const results = await Promise.all([
          attribute({ deploymentId: 'd4' }),
          attribute({ deploymentId: 'd3' }),
          attribute({ notCausedByChange: true }),
        ]);
        const statuses = results.map(r => r.status).sort();
        expect(statuses).toEqual([200, 409, 409]);
        const winner = results.find(r => r.status === 200)!.body;
        const stored = await knex('incident_attributions').select(
          'incident_id',
          'deployment_id',
        );
        expect(stored).toEqual([
          { incident_id: 'inc-1', deployment_id: winner.deploymentId ?? null },
        ]);
        expect(
          await knex('incidents').where({ id: 'inc-1' }).first('deployment_id'),
        ).toEqual({
          deployment_id: winner.deploymentId ?? null,
        });
        expect(
          await knex('audit_log')
            .where({ action: 'incident.attributed' })
            .count({ n: '*' }),
        ).toEqual([{ n: expect.anything() }]);
        expect(
          Number(
            (
              await knex('audit_log')
                .where({ action: 'incident.attributed' })
                .count({ n: '*' })
            )[0].n,
          ),
        ).toBe(1);
        expect((await dora()).changeFailRate.numerator).toBe(
          winner.deploymentId ? 1 : 0,
        );
      });
    }
  });
});
