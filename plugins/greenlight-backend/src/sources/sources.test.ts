import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  IngestionSource,
  IngestionSourceContext,
} from '@greenlight/backstage-plugin-greenlight-node';
import { Knex } from 'knex';
import { timingSafeEqual } from 'node:crypto';
import request from 'supertest';
import { greenlightPlugin } from '../plugin';
import { component } from '../rollouts/__testUtils__/rolloutBackend';
import { ingestionSourceModule } from './__testUtils__/ingestionSourceModule';
import { createTestDatabases, rowCounts } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const TOKEN = 'tool-webhook-token';
const ANNOTATION = 'example.com/app';

const entities = [
  component('checkout', { [ANNOTATION]: 'checkout-app' }),
  // Never named the tool: no source may write to it.
  component('ledger', {}),
];

/**
 * A tool that posts `{ app, deploymentId, status }` with a bearer token, and whose history
 * the pull reads from `history`, resuming from a cursor.
 */
function exampleSource(
  history: Array<{ app: string; id: string; at: string }>,
): {
  source: IngestionSource;
  pulled: () => IngestionSourceContext | undefined;
} {
  let lastContext: IngestionSourceContext | undefined;
  const deployment = (
    entityRef: string,
    id: string,
    at: string,
    status = 'succeeded',
  ) => ({
    entityRef,
    events: [
      {
        id: `deploy-${id}-${status}`,
        type: 'deployment.finished' as const,
        deployment: {
          id: `example-${id}`,
          environment: 'production',
          status: status as 'succeeded',
          finishedAt: at,
        },
      },
    ],
  });
  const entityOfApp = async (ctx: IngestionSourceContext, app: string) => {
    const [entity] = await ctx.findEntities(ANNOTATION, app);
    return entity
      ? `component:${entity.metadata.namespace}/${entity.metadata.name}`
      : undefined;
  };
  const source: IngestionSource = {
    id: 'example',
    annotations: [ANNOTATION],
    webhook: {
      authenticate({ headers }) {
        const given = Buffer.from(String(headers.authorization ?? ''));
        const expected = Buffer.from(`Bearer ${TOKEN}`);
        return (
          given.length === expected.length && timingSafeEqual(given, expected)
        );
      },
      async handle({ body }, ctx) {
        const { app, deploymentId, status, entityRef } = body as Record<
          string,
          string
        >;
        // A forged payload may name any entity; the source speaks for the one it maps to.
        const mapped = entityRef ?? (await entityOfApp(ctx, app));
        if (!mapped)
          return { batches: [], ignoredReason: `no entity names ${app}` };
        return {
          batches: [
            deployment(mapped, deploymentId, '2026-11-30T10:00:00Z', status),
          ],
        };
      },
    },
    pull: {
      schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } },
      async run(ctx) {
        lastContext = ctx;
        const cursor = (await ctx.state.get<number>('cursor')) ?? 0;
        for (let i = cursor; i < history.length; i++) {
          const entityRef = await entityOfApp(ctx, history[i].app);
          if (entityRef) {
            await ctx.ingest(
              deployment(entityRef, history[i].id, history[i].at),
            );
          }
          await ctx.state.set('cursor', i + 1);
          await ctx.state.set(`progress:${history[i].app}`, {
            done: i + 1,
            total: history.length,
          });
        }
      },
    },
  };
  return { source, pulled: () => lastContext };
}

describe('ingestion sources from backend modules', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let api: ReturnType<typeof request>;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    const history = [
      { app: 'checkout-app', id: 'h1', at: '2026-11-28T09:00:00Z' },
      { app: 'checkout-app', id: 'h2', at: '2026-11-29T09:00:00Z' },
    ];
    const example = exampleSource(history);
    const scheduler = mockServices.scheduler.mock();
    const auditor = mockServices.auditor.mock({
      createEvent: jest.fn(async () => ({
        success: jest.fn(async () => {}),
        fail: jest.fn(async () => {}),
      })),
    });

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      scheduler.scheduleTask.mockClear();
      backend = await startTestBackend({
        features: [
          greenlightPlugin,
          ingestionSourceModule(example.source),
          catalogServiceMock.factory({ entities }),
          mockServices.database.factory({ knex }),
          scheduler.factory,
          auditor.factory,
        ],
      });
      (auditor.createEvent as jest.Mock).mockClear();
      api = request(backend.server);
    });

    afterEach(() => backend.stop());

    const webhook = (body: object, token = TOKEN) =>
      api
        .post('/api/greenlight/v1/sources/example/webhook')
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
    const deploymentsOf = (entityRef: string) =>
      knex('deployments')
        .where({ entity_ref: entityRef })
        .orderBy('id')
        .pluck('id');

    it('writes a webhook delivery for the entity that names the app', async () => {
      const res = await webhook({
        app: 'checkout-app',
        deploymentId: 'd1',
        status: 'succeeded',
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
      expect(await deploymentsOf('component:default/checkout')).toEqual([
        'example-d1',
      ]);
      const [event] = await knex('events').select('id', 'source', 'actor');
      expect(event).toEqual({
        id: 'example:deploy-d1-succeeded',
        source: 'example',
        actor: 'source:example',
      });
      // Delivered twice (the tool retries), it is one event.
      const again = await webhook({
        app: 'checkout-app',
        deploymentId: 'd1',
        status: 'succeeded',
      });
      expect(again.body).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
    });

    it.each([
      ['a wrong token', 'not-the-token'],
      ['a token of another length', 'x'],
      ['no token', ''],
    ])('answers 401 to %s and writes nothing', async (_, token) => {
      const before = await rowCounts(knex);
      const res = await webhook(
        { app: 'checkout-app', deploymentId: 'd1', status: 'succeeded' },
        token,
      );
      expect(res.status).toBe(401);
      expect(res.body.error.message).not.toContain(TOKEN);
      expect(await rowCounts(knex)).toEqual(before);
      // A guessed secret is a refusal the platform's audit log hears of, without the token.
      const calls = (auditor.createEvent as jest.Mock).mock.calls;
      expect(calls.map(([e]) => [e.eventId, e.meta.status])).toEqual([
        ['ingest-refused', 401],
      ]);
      expect(JSON.stringify(calls.map(([e]) => e.meta))).not.toContain(TOKEN);
    });

    it('refuses to write to an entity that never named the source', async () => {
      const before = await rowCounts(knex);
      const res = await webhook({
        app: 'checkout-app',
        deploymentId: 'd1',
        status: 'succeeded',
        entityRef: 'component:default/ledger',
      });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain(
        'does not carry example.com/app',
      );
      expect(await rowCounts(knex)).toEqual(before);
      // The platform's audit log hears of it.
      expect(
        (auditor.createEvent as jest.Mock).mock.calls.map(([e]) => [
          e.eventId,
          e.meta.path,
          e.meta.refusal,
        ]),
      ).toEqual([
        [
          'ingest-refused',
          '/v1/sources/example/webhook',
          res.body.error.message,
        ],
      ]);
    });

    it('names the field of an event the source mapped wrongly, and writes nothing', async () => {
      const before = await rowCounts(knex);
      const res = await webhook({
        app: 'checkout-app',
        deploymentId: 'd1',
        status: 'exploded',
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('events[0].deployment.status');
      expect(await rowCounts(knex)).toEqual(before);
    });

    it('answers 202 with the reason when no entity names the app', async () => {
      const res = await webhook({
        app: 'unknown-app',
        deploymentId: 'd9',
        status: 'succeeded',
      });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        accepted: 0,
        ignored: 1,
        reason: 'no entity names unknown-app',
      });
    });

    it('answers 404 for a source that is not installed', async () => {
      const res = await api
        .post('/api/greenlight/v1/sources/nope/webhook')
        .set('Content-Type', 'application/json')
        .send('{}');
      expect(res.status).toBe(404);
    });

    it('schedules the pull, which resumes from its cursor and reports progress', async () => {
      const task = scheduler.scheduleTask.mock.calls
        .map(c => c[0])
        .find(t => t.id === 'greenlight-source-example')!;
      expect(task).toMatchObject({ scope: 'global' });
      await task.fn(new AbortController().signal);
      expect(await deploymentsOf('component:default/checkout')).toEqual([
        'example-h1',
        'example-h2',
      ]);

      // A later pull starts from the stored cursor: nothing new is written or re-read.
      history.push({
        app: 'checkout-app',
        id: 'h3',
        at: '2026-11-30T09:00:00Z',
      });
      await task.fn(new AbortController().signal);
      expect(await deploymentsOf('component:default/checkout')).toEqual([
        'example-h1',
        'example-h2',
        'example-h3',
      ]);
      expect(await example.pulled()!.state.get('cursor')).toBe(3);
      history.pop();

      const res = await api
        .get('/api/greenlight/v1/sources')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({
          id: 'example',
          annotations: [ANNOTATION],
          webhook: true,
          pull: true,
          progress: [
            expect.objectContaining({
              key: 'checkout-app',
              value: { done: 3, total: 3 },
            }),
          ],
        }),
      ]);
    });

    it('does not list sources to anonymous callers', async () => {
      const res = await api
        .get('/api/greenlight/v1/sources')
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    });
  });
});
