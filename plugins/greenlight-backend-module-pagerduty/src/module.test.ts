import { startTestBackend } from '@backstage/backend-test-utils';
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight-backend';
import { Knex } from 'knex';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import {
  annotatedPayload,
  incidentData,
  webhookPayload,
} from './__fixtures__/v3Webhooks';
import greenlightModulePagerDuty from './index';
import {
  component,
  createTestDatabases,
  rowCounts,
  startModuleBackend,
  tableContents,
} from '@greenlight/test-utils';

jest.setTimeout(60_000);

const OLD_SECRET = 'whsec-old-rotating-out';
const SECRET = 'whsec-current-signing';

const entities = [
  component('checkout', { 'pagerduty.com/service-id': 'PF9KMXH' }),
  component('search', {
    'pagerduty.com/service-id': 'PSTAGE1',
    'greenlight.dev/incident-environment': 'eu-production',
  }),
  component('ledger', {}),
];

const sign = (body: string, secret: string) =>
  `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('PagerDuty source', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let api: ReturnType<typeof request>;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      backend = await startModuleBackend({
        features: [greenlightPlugin, greenlightModulePagerDuty],
        entities,
        knex,
        config: {
          greenlight: {
            sources: {
              pagerduty: {
                webhookSecret: [OLD_SECRET, SECRET],
                serviceEnvironments: { PF9KMXH: 'production' },
              },
            },
          },
        },
      });
      api = request(backend.server);
    });

    afterEach(() => backend.stop());

    const deliver = (payload: object, signature?: (body: string) => string) => {
      const body = JSON.stringify(payload);
      return api
        .post('/api/greenlight/v1/sources/pagerduty/webhook')
        .set('Content-Type', 'application/json')
        .set(
          'X-PagerDuty-Signature',
          signature ? signature(body) : sign(body, SECRET),
        )
        .send(body);
    };
    const incident = (id: string) => knex('incidents').where({ id }).first();
    const entitiesOf = (id: string) =>
      knex('incident_entities').where({ incident_id: id }).pluck('entity_ref');

    it('records a triggered incident for the entity that names the service', async () => {
      const res = await deliver(webhookPayload('incident.triggered'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
      expect(await incident('pagerduty-PGR0VU2')).toMatchObject({
        title: 'Checkout error rate above 5%',
        severity: 'P1',
        detected_at: expect.anything(),
        resolved_at: null,
        deployment_id: null,
      });
      const row = await incident('pagerduty-PGR0VU2');
      expect(Number(row.detected_at)).toBe(Date.parse('2026-11-30T10:05:00Z'));
      expect(await entitiesOf('pagerduty-PGR0VU2')).toEqual([
        'component:default/checkout',
      ]);
      const [event] = await knex('events').select(
        'id',
        'source',
        'actor',
        'payload',
      );
      expect(event).toMatchObject({
        id: 'pagerduty:opened-PGR0VU2',
        source: 'pagerduty',
        actor: 'source:pagerduty',
      });
      expect(JSON.parse(event.payload).incident.environment).toBe('production');

      // Acknowledging carries the same facts: PagerDuty's retries and the ack are one event.
      const ack = await deliver(webhookPayload('incident.acknowledged'));
      expect(ack.body).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
    });

    it('takes the severity from the urgency when the account has no priorities', async () => {
      await deliver(
        webhookPayload('incident.triggered', {
          data: incidentData({ priority: null, urgency: 'low' }),
        }),
      );
      expect((await incident('pagerduty-PGR0VU2')).severity).toBe('low');
    });

    it('records the resolution time from the resolved event', async () => {
      await deliver(webhookPayload('incident.triggered'));
      const res = await deliver(
        webhookPayload('incident.resolved', {
          eventId: '01RESOLVED',
          occurredAt: '2026-11-30T10:50:00.000Z',
          data: incidentData({ status: 'resolved' }),
        }),
      );
      expect(res.status).toBe(200);
      const row = await incident('pagerduty-PGR0VU2');
      expect(Number(row.detected_at)).toBe(Date.parse('2026-11-30T10:05:00Z'));
      expect(Number(row.resolved_at)).toBe(Date.parse('2026-11-30T10:50:00Z'));
    });

    it('records a reopening as a second failure that its next resolution closes', async () => {
      await deliver(webhookPayload('incident.triggered'));
      await deliver(
        webhookPayload('incident.resolved', {
          eventId: '01RESOLVED1',
          occurredAt: '2026-11-30T10:50:00.000Z',
        }),
      );
      await deliver(
        webhookPayload('incident.reopened', {
          eventId: '01REOPENED',
          occurredAt: '2026-11-30T12:00:00.000Z',
        }),
      );
      await deliver(
        webhookPayload('incident.resolved', {
          eventId: '01RESOLVED2',
          occurredAt: '2026-11-30T12:30:00.000Z',
        }),
      );
      const first = await incident('pagerduty-PGR0VU2');
      expect(Number(first.resolved_at)).toBe(
        Date.parse('2026-11-30T10:50:00Z'),
      );
      const again = await incident('pagerduty-PGR0VU2-reopened-01REOPENED');
      expect(Number(again.detected_at)).toBe(
        Date.parse('2026-11-30T12:00:00Z'),
      );
      expect(Number(again.resolved_at)).toBe(
        Date.parse('2026-11-30T12:30:00Z'),
      );
    });

    it('leaves the next resolution on the incident when a reopening is refused, and changes nothing', async () => {
      await deliver(webhookPayload('incident.triggered'));
      await deliver(
        webhookPayload('incident.resolved', {
          eventId: '01RESOLVED1',
          occurredAt: '2026-11-30T10:50:00.000Z',
        }),
      );
      const before = await tableContents(knex);
      // Signed and well-formed, but the ledger refuses a severity with a tab in it.
      const refused = await deliver(
        webhookPayload('incident.reopened', {
          eventId: '01REOPENED',
          occurredAt: '2026-11-30T12:00:00.000Z',
          data: incidentData({
            priority: { id: 'PSO75BM', summary: 'P1\t', type: 'priority' },
          }),
        }),
      );
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain('incident.severity');
      // The source's state (its reopening pointer) included.
      expect(await tableContents(knex)).toEqual(before);

      const resolved = await deliver(
        webhookPayload('incident.resolved', {
          eventId: '01RESOLVED2',
          occurredAt: '2026-11-30T12:30:00.000Z',
        }),
      );
      expect(resolved.status).toBe(200);
      expect(
        await knex('incidents').where('id', 'like', '%reopened%').pluck('id'),
      ).toEqual([]);

      // PagerDuty's retry of the reopening, fixed, is then recorded and resolved as usual.
      const retried = await deliver(
        webhookPayload('incident.reopened', {
          eventId: '01REOPENED',
          occurredAt: '2026-11-30T12:00:00.000Z',
        }),
      );
      expect(retried.status).toBe(200);
      await deliver(
        webhookPayload('incident.resolved', {
          eventId: '01RESOLVED3',
          occurredAt: '2026-11-30T13:00:00.000Z',
        }),
      );
      const again = await incident('pagerduty-PGR0VU2-reopened-01REOPENED');
      expect(Number(again.detected_at)).toBe(
        Date.parse('2026-11-30T12:00:00Z'),
      );
      expect(Number(again.resolved_at)).toBe(
        Date.parse('2026-11-30T13:00:00Z'),
      );
    });

    it('takes the environment from the entity annotation over the configured default', async () => {
      await deliver(
        webhookPayload('incident.triggered', {
          data: incidentData({
            id: 'PSRCH01',
            service: { id: 'PSTAGE1', type: 'service_reference' },
          }),
        }),
      );
      const [event] = await knex('events').select('payload');
      expect(JSON.parse(event.payload).incident.environment).toBe(
        'eu-production',
      );
      expect(await entitiesOf('pagerduty-PSRCH01')).toEqual([
        'component:default/search',
      ]);
    });

    it('accepts a delivery signed during a secret rotation with either secret', async () => {
      const res = await deliver(
        webhookPayload('incident.triggered'),
        body => `v1=${'0'.repeat(64)},${sign(body, OLD_SECRET)}`,
      );
      expect(res.status).toBe(200);
    });

    it.each([
      [
        'a signature made with another secret',
        (b: string) => sign(b, 'not-our-secret'),
      ],
      ['a signature of another body', () => sign('{"event":{}}', SECRET)],
      ['a signature of another length', () => 'v1=abc'],
      [
        'another signature version',
        (b: string) => sign(b, SECRET).replace('v1=', 'v0='),
      ],
      ['no signature', () => ''],
    ])('answers 401 to %s and writes nothing', async (_, signature) => {
      const before = await rowCounts(knex);
      const res = await deliver(
        webhookPayload('incident.triggered'),
        signature,
      );
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
      expect(await rowCounts(knex)).toEqual(before);
    });

    it('answers 202 for event types it does not record and services no entity names', async () => {
      const before = await rowCounts(knex);
      const note = await deliver(annotatedPayload);
      expect(note.status).toBe(202);
      expect(note.body.reason).toBe(
        'PagerDuty incident.annotated events are not recorded',
      );
      const unknown = await deliver(
        webhookPayload('incident.triggered', {
          data: incidentData({
            service: { id: 'PNOBODY', type: 'service_reference' },
          }),
        }),
      );
      expect(unknown.status).toBe(202);
      expect(unknown.body.reason).toBe(
        'no entity carries pagerduty.com/service-id: PNOBODY',
      );
      expect(await rowCounts(knex)).toEqual(before);
    });

    it('names the field of a payload that is not a V3 incident, and writes nothing', async () => {
      const before = await rowCounts(knex);
      const res = await deliver(
        webhookPayload('incident.triggered', {
          data: incidentData({ service: {} }),
        }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('event.data.service.id');
      expect(await rowCounts(knex)).toEqual(before);
    });
  });

  it('registers nothing without configuration', async () => {
    const backend = await startModuleBackend({
      features: [greenlightPlugin, greenlightModulePagerDuty],
      entities,
    });
    try {
      const res = await request(backend.server)
        .post('/api/greenlight/v1/sources/pagerduty/webhook')
        .set('Content-Type', 'application/json')
        .send('{}');
      expect(res.status).toBe(404);
    } finally {
      await backend.stop();
    }
  });
});
