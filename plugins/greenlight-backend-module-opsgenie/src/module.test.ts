import { startTestBackend } from '@backstage/backend-test-utils';
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight-backend';
import { Knex } from 'knex';
import request from 'supertest';
import { webhookPayload } from './__fixtures__/webhookIntegration';
import greenlightModuleOpsgenie from './index';
import {
  component,
  createTestDatabases,
  rowCounts,
  startModuleBackend,
  tableContents,
} from '@greenlight/test-utils';

jest.setTimeout(60_000);

const TOKEN = 'og-hook-0123456789abcdef';
const NEXT_TOKEN = 'og-hook-fedcba9876543210';

const entities = [
  component('checkout', {
    'opsgenie.com/component-selector': 'tag:"service:checkout"',
  }),
  component('checkout-worker', {
    'opsgenie.com/component-selector':
      'entity:checkout-api OR tag:"service:worker"',
  }),
  component('search', {
    'opsgenie.com/component-selector': 'tag:"service:search"',
  }),
  // A query this source cannot decide for one alert: it selects nothing.
  component('billing', {
    'opsgenie.com/component-selector': 'tag:"service:checkout" AND priority:P1',
  }),
  component('ledger', {}),
];

describe('Opsgenie source', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let api: ReturnType<typeof request>;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      backend = await startModuleBackend({
        features: [greenlightPlugin, greenlightModuleOpsgenie],
        entities,
        knex,
        config: {
          greenlight: {
            sources: {
              opsgenie: {
                headerName: 'X-Greenlight-Token',
                headerValue: [TOKEN, NEXT_TOKEN],
              },
            },
          },
        },
      });
      api = request(backend.server);
    });

    afterEach(() => backend.stop());

    const deliver = (payload: object, token: string | null = TOKEN) => {
      const req = api
        .post('/api/greenlight/v1/sources/opsgenie/webhook')
        .set('Content-Type', 'application/json');
      if (token !== null) req.set('X-Greenlight-Token', token);
      return req.send(JSON.stringify(payload));
    };
    const incident = (id: string) => knex('incidents').where({ id }).first();
    const entitiesOf = (id: string) =>
      knex('incident_entities')
        .where({ incident_id: id })
        .orderBy('entity_ref')
        .pluck('entity_ref');
    const ID = 'opsgenie-8418d193-2dab-4490-b331-8c02cdd196b7-1796033100000';

    it('records a created alert for every component whose selector picks it', async () => {
      const res = await deliver(webhookPayload('Create'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
      const row = await incident(ID);
      expect(row).toMatchObject({
        title: 'Checkout p99 latency above 2 s',
        severity: 'P2',
        resolved_at: null,
        deployment_id: null,
      });
      expect(Number(row.detected_at)).toBe(Date.parse('2026-11-30T10:05:00Z'));
      // By tag for checkout, by the alert's entity field for the worker; billing's AND is not decided.
      expect(await entitiesOf(ID)).toEqual([
        'component:default/checkout',
        'component:default/checkout-worker',
      ]);
      const [event] = await knex('events').select('id', 'actor', 'payload');
      expect(event.id).toBe(
        'opsgenie:opened-8418d193-2dab-4490-b331-8c02cdd196b7-1796033100000',
      );
      expect(event.actor).toBe('source:opsgenie');
      expect(JSON.parse(event.payload).incident.environment).toBe('production');

      const ack = await deliver(webhookPayload('Acknowledge'));
      expect(ack.body).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
    });

    it('resolves the incident when the alert is closed, at its last update', async () => {
      await deliver(webhookPayload('Create'));
      const res = await deliver(
        webhookPayload('Close', { updatedAt: 1796035800000000000 }), // 10:50:00Z in ns
      );
      expect(res.status).toBe(200);
      const row = await incident(ID);
      expect(Number(row.detected_at)).toBe(Date.parse('2026-11-30T10:05:00Z'));
      expect(Number(row.resolved_at)).toBe(Date.parse('2026-11-30T10:50:00Z'));
    });

    it('accepts the next header value during a rotation', async () => {
      expect((await deliver(webhookPayload('Create'), NEXT_TOKEN)).status).toBe(
        200,
      );
    });

    it.each([
      ['a wrong value', 'og-hook-0123456789abcdeX'],
      ['a value of another length', 'x'],
      ['an empty value', ''],
      ['no header', null],
    ])('answers 401 to %s and writes nothing', async (_, token) => {
      const before = await rowCounts(knex);
      const res = await deliver(webhookPayload('Create'), token);
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).not.toContain(TOKEN);
      expect(await rowCounts(knex)).toEqual(before);
    });

    it('answers 202 for other actions and alerts no selector picks', async () => {
      const before = await rowCounts(knex);
      const note = await deliver(webhookPayload('AddNote'));
      expect(note.status).toBe(202);
      expect(note.body.reason).toBe(
        'Opsgenie AddNote actions are not recorded',
      );
      const other = await deliver(
        webhookPayload('Create', {
          tags: ['service:payments'],
          entity: 'payments',
        }),
      );
      expect(other.status).toBe(202);
      expect(other.body.reason).toContain(
        'no opsgenie.com/component-selector selects alert',
      );
      expect(await rowCounts(knex)).toEqual(before);
    });

    it('names the field of a payload that is not an alert, and writes nothing', async () => {
      const before = await rowCounts(knex);
      const res = await deliver(
        webhookPayload('Create', { createdAt: 'yesterday' }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('alert.createdAt');
      expect(await rowCounts(knex)).toEqual(before);
    });

    it.each([
      // Past the year 275760, where `Date` ends: toISOString would throw.
      ['createdAt', 'Create', { createdAt: 9_000_000_000_000_000 }],
      // An integer, within Date's range, but past the ledger's four-digit years.
      ['createdAt', 'Create', { createdAt: 300_000_000_000_000 }],
      // Nanoseconds, as Opsgenie sends them, of a time Date cannot hold.
      ['updatedAt', 'Close', { updatedAt: 1e30 }],
    ])(
      'answers 400 naming alert.%s for a time out of range, and changes nothing',
      async (field, action, overrides) => {
        expect((await deliver(webhookPayload('Create'))).status).toBe(200);
        const before = await tableContents(knex);
        const res = await deliver(webhookPayload(action, overrides));
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe(
          `Not an Opsgenie webhook integration payload: alert.${field}: must be a time between 1970 and the end of year 9999`,
        );
        expect(await tableContents(knex)).toEqual(before);
        expect((await incident(ID)).resolved_at).toBeNull();
      },
    );
  });

  it('registers nothing without configuration', async () => {
    const backend = await startModuleBackend({
      features: [greenlightPlugin, greenlightModuleOpsgenie],
      entities,
    });
    try {
      const res = await request(backend.server)
        .post('/api/greenlight/v1/sources/opsgenie/webhook')
        .set('Content-Type', 'application/json')
        .send('{}');
      expect(res.status).toBe(404);
    } finally {
      await backend.stop();
    }
  });
});
