import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import request from 'supertest';
import { greenlightPlugin } from '../plugin';
import { component, group } from './__testUtils__/doraBackend';
import { createTestDatabases, rowCounts } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const MEMBER = 'user:default/ada';
const OUTSIDER = 'user:default/eve';

/** The policy's answer: only the team's member may sign off; everything else is allowed. */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const who = (options?.credentials as BackstageCredentials<any>)?.principal
      ?.userEntityRef;
    return requests.map(r => ({
      result:
        'permission' in r &&
        r.permission.name === 'greenlight.dora.review.signoff' &&
        who !== MEMBER
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })) as any;
  },
});

const body = {
  groupRef: 'group:default/team-a',
  notes:
    'Lead time doubled after the queue migration; we will split the release train.',
  window: { from: '2026-09-01T00:00:00Z', to: '2026-10-01T00:00:00Z' },
};

describe('signing off a team DORA review', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let api: ReturnType<typeof request>;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          greenlightPlugin,
          catalogServiceMock.factory({
            entities: [
              group('team-a', { members: [MEMBER] }),
              component('cart', 'group:default/team-a'),
            ],
          }),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({ data: { greenlight: {} } }),
          permissions.factory,
        ],
      });
      api = request(server);
    });

    const post = (auth: string, payload: object = body) =>
      api
        .post('/api/greenlight/v1/dora/reviews')
        .set('Authorization', auth)
        .send(payload);
    const checklist = async () => {
      const res = await api
        .get('/api/greenlight/v1/checklist')
        .query({ entityRef: 'component:default/cart' })
        .set('Authorization', mockCredentials.user.header(MEMBER));
      return res.body.checks.find(
        (c: { id: string }) => c.id === 'dora-reviewed',
      );
    };

    it('counts an explicit sign-off, not opening the review', async () => {
      // a member opening the team's figures is not a review
      const opened = await api
        .get('/api/greenlight/v1/dora')
        .query({ groupRef: 'team-a' })
        .set('Authorization', mockCredentials.user.header(MEMBER));
      expect(opened.status).toBe(200);
      expect(await checklist()).toMatchObject({ status: 'fail' });

      const signed = await post(mockCredentials.user.header(MEMBER));
      expect(signed.status).toBe(201);
      expect(signed.body).toMatchObject({
        groupRef: 'group:default/team-a',
        signedBy: MEMBER,
        notes: body.notes,
        window: {
          from: '2026-09-01T00:00:00.000Z',
          to: '2026-10-01T00:00:00.000Z',
        },
      });
      expect(await checklist()).toMatchObject({
        status: 'pass',
        reason: expect.stringMatching(
          /group:default\/team-a review signed off by user:default\/ada/,
        ),
      });

      const listed = await api
        .get('/api/greenlight/v1/dora/reviews')
        .query({ groupRef: 'team-a' })
        .set('Authorization', mockCredentials.user.header(OUTSIDER));
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual([signed.body]);

      const audit = await knex('audit_log').where({
        action: 'dora.review.signed',
      });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor: MEMBER,
        subject_type: 'group',
        subject_id: 'group:default/team-a',
      });
      expect(JSON.parse(audit[0].details)).toMatchObject({ notes: body.notes });
    });

    it('refuses the wrong callers and bad input, and writes nothing', async () => {
      const before = await rowCounts(knex);
      const refusals: Array<[string, request.Response]> = [
        ['outsider', await post(mockCredentials.user.header(OUTSIDER))],
        ['pipeline', await post(mockCredentials.service.header())],
        ['nobody', await post(mockCredentials.none.header())],
        ['bad token', await post('Bearer not-a-token')],
        [
          'no notes',
          await post(mockCredentials.user.header(MEMBER), {
            ...body,
            notes: '  ',
          }),
        ],
        [
          'window backwards',
          await post(mockCredentials.user.header(MEMBER), {
            ...body,
            window: { from: body.window.to, to: body.window.from },
          }),
        ],
        [
          'not a group',
          await post(mockCredentials.user.header(MEMBER), {
            ...body,
            groupRef: 'component:default/cart',
          }),
        ],
        [
          'unknown group',
          await post(mockCredentials.user.header(MEMBER), {
            ...body,
            groupRef: 'team-z',
          }),
        ],
      ];
      expect(refusals.map(([name, res]) => [name, res.status])).toEqual([
        ['outsider', 403],
        ['pipeline', 403],
        ['nobody', 401],
        ['bad token', 401],
        ['no notes', 400],
        ['window backwards', 400],
        ['not a group', 400],
        ['unknown group', 404],
      ]);
      expect(refusals[4][1].body.error.message).toMatch(
        /notes: notes are required/,
      );
      expect(refusals[5][1].body.error.message).toMatch(
        /window\.to: must be after from/,
      );
      expect(await rowCounts(knex)).toEqual(before);
    });
  });
});
