import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the test runs the real plugin this module extends
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight-backend';
import { Knex } from 'knex';
import request from 'supertest';
import {
  checkoutApplication,
  nextCheckoutEntry,
  paymentsApplication,
  SHAS,
} from './__fixtures__/applications';
import { startFakeArgocd } from './__testUtils__/fakeArgocd';
import greenlightModuleArgocd from './index';
import {
  component,
  createTestDatabases,
  rowCounts,
  startModuleBackend,
  tableContents,
} from '@greenlight/test-utils';

jest.setTimeout(60_000);

const TOKEN = 'argocd-api-token';
const SECRET = 'notifications-shared-secret';

const entities = [
  component('checkout', { 'argocd/app-name': 'checkout' }),
  component('payments', { 'argocd/app-selector': 'team=payments' }),
  // Names an application on another instance: never pulled from this one.
  component('billing', {
    'argocd/app-name': 'billing',
    'argocd/instance-name': 'other-cluster',
  }),
  // Names an application Argo CD does not have (403, as for one the token may not read):
  // logged, the others still pulled.
  component('gone', { 'argocd/app-name': 'gone' }),
  // Never named Argo CD.
  component('ledger', {}),
];

/** An instance served by the fake Argo CD, deploying to production. */
const instanceAt = (baseUrl: string, name: string, webhookSecret?: string) => ({
  name,
  baseUrl,
  token: TOKEN,
  environment: 'production',
  ...(webhookSecret ? { webhookSecret } : {}),
});

/** Runs the source's scheduled pull, which the scheduler mock registered but never runs. */
const pullTaskOf = (
  scheduler: ReturnType<typeof mockServices.scheduler.mock>,
) => {
  const task = scheduler.scheduleTask.mock.calls
    .map(c => c[0])
    .find(t => t.id === 'greenlight-source-argocd')!;
  return () => task.fn(new AbortController().signal) as Promise<void>;
};

/** Every warning logged through the logger mock or the children made of it. */
const warningsOf = (
  logger: ReturnType<typeof mockServices.logger.mock>,
): string[] => [
  ...logger.warn.mock.calls.map(c => String(c[0])),
  ...logger.child.mock.results.flatMap(r => warningsOf(r.value)),
];

/** The real plugin and this module on `knex`, with `greenlight.sources.argocd` as given. */
const startWith = (
  knex: Knex,
  scheduler: ReturnType<typeof mockServices.scheduler.mock>,
  argocd: object,
  logger?: ReturnType<typeof mockServices.logger.mock>,
) =>
  startModuleBackend({
    features: [
      greenlightPlugin,
      greenlightModuleArgocd,
      scheduler.factory,
      ...(logger ? [logger.factory] : []),
    ],
    entities,
    knex,
    config: { greenlight: { sources: { argocd } } },
  });

describe('the argocd ingestion source', () => {
  const databases = createTestDatabases();
  let checkoutExtra: object[] = [];
  let argocd: Awaited<ReturnType<typeof startFakeArgocd>>;

  beforeAll(async () => {
    argocd = await startFakeArgocd({
      token: TOKEN,
      byName: () => ({ checkout: checkoutApplication(checkoutExtra) }),
      bySelector: () => ({ 'team=payments': [paymentsApplication] }),
    });
  });
  afterAll(() => argocd.close());

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    let pull: () => Promise<void>;
    const scheduler = mockServices.scheduler.mock();

    beforeEach(async () => {
      checkoutExtra = [];
      argocd.requests.length = 0;
      knex = await databases.init(databaseId);
      scheduler.scheduleTask.mockClear();
      backend = await startWith(knex, scheduler, {
        instances: [instanceAt(argocd.baseUrl, 'prod-cluster')],
        webhookSecret: SECRET,
      });
      pull = pullTaskOf(scheduler);
    });

    afterEach(() => backend.stop());

    const deployments = (entityRef: string) =>
      knex('deployments')
        .where({ entity_ref: entityRef })
        .orderBy('started_at')
        .select(
          'id',
          'environment',
          'status',
          'intent',
          'rollback_of',
          'version',
          'commit_sha',
          'actor',
        );
    const notify = (body: object, secret = SECRET) =>
      request(backend.server)
        .post('/api/greenlight/v1/sources/argocd/webhook')
        .set('X-Greenlight-Token', secret)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));

    it('pulls the sync history as deployments, the return to an earlier revision as a rollback', async () => {
      await pull();
      const id = (n: number | string) => `argocd/prod-cluster/checkout/${n}`;
      // Four history entries, four deployments; the fourth goes back to B, which ran
      // before C: it rolls back history id 2.
      expect(await deployments('component:default/checkout')).toEqual([
        {
          id: id(0),
          environment: 'production',
          status: 'succeeded',
          intent: 'planned',
          rollback_of: null,
          version: SHAS.A,
          commit_sha: SHAS.A,
          actor: 'argocd:automated',
        },
        {
          id: id(1),
          environment: 'production',
          status: 'succeeded',
          intent: 'planned',
          rollback_of: null,
          version: SHAS.B,
          commit_sha: SHAS.B,
          actor: 'argocd:automated',
        },
        {
          id: id(2),
          environment: 'production',
          status: 'succeeded',
          intent: 'planned',
          rollback_of: null,
          version: SHAS.C,
          commit_sha: SHAS.C,
          actor: 'argocd:automated',
        },
        {
          id: id(3),
          environment: 'production',
          status: 'succeeded',
          intent: 'rollback',
          rollback_of: id(2),
          version: SHAS.B,
          commit_sha: SHAS.B,
          actor: 'alice@acme.example',
        },
      ]);
      // The rollback rule restores what ran before C: the deployment that first shipped B.
      const [rollback] = await knex('deployments')
        .where({ id: id(3) })
        .select('restored_from');
      expect(rollback.restored_from).toBe(id(1));

      // The selector's application is labelled for staging: one sync that succeeded (a
      // chart version, so no commit) and one that failed, keyed by the operation's start
      // (2026-11-27T08:00:00Z = 1795766400 s).
      expect(await deployments('component:default/payments')).toEqual([
        {
          id: 'argocd/prod-cluster/payments-api/7',
          environment: 'staging',
          status: 'succeeded',
          intent: 'planned',
          rollback_of: null,
          version: '2.1.0',
          commit_sha: null,
          actor: 'bob@acme.example',
        },
        {
          id: 'argocd/prod-cluster/payments-api/sync-1795766400',
          environment: 'staging',
          status: 'failed',
          intent: 'planned',
          rollback_of: null,
          version: '2.1.1',
          commit_sha: null,
          actor: null,
        },
      ]);
      expect(await deployments('component:default/billing')).toEqual([]);
      expect(await deployments('component:default/ledger')).toEqual([]);
      // Only the entities of this instance were asked for.
      expect(argocd.requests.sort()).toEqual([
        '/api/v1/applications/checkout',
        '/api/v1/applications/gone',
        '/api/v1/applications?selector=team%3Dpayments',
      ]);
      // 4 × 2 events for checkout, 2 + 1 for payments.
      const [{ n }] = await knex('events')
        .where({ source: 'argocd' })
        .count({ n: '*' });
      expect(Number(n)).toBe(11);
    });

    it('resumes from the cursor: a second pull writes nothing, a new sync only itself', async () => {
      await pull();
      const before = await rowCounts(knex);
      await pull();
      // Only the failed operation (no history id, no cursor) is mapped again; it is a duplicate.
      const after = await rowCounts(knex);
      expect({ ...after, source_state: 0 }).toEqual({
        ...before,
        source_state: 0,
      });

      checkoutExtra = [nextCheckoutEntry()];
      await pull();
      const [{ n }] = await knex('events')
        .where({ source: 'argocd' })
        .count({ n: '*' });
      expect(Number(n)).toBe(11 + 2);
      // Progress of the last pull: checkout and payments-api read (the missing one is not
      // counted), 2 events written (the new sync's started and finished).
      const sources = await request(backend.server)
        .get('/api/greenlight/v1/sources')
        .set('Authorization', mockCredentials.user.header());
      expect(sources.body.items).toEqual([
        expect.objectContaining({
          id: 'argocd',
          webhook: true,
          pull: true,
          progress: [
            expect.objectContaining({
              key: 'prod-cluster',
              value: expect.objectContaining({
                applications: 2,
                eventsWritten: 2,
              }),
            }),
          ],
        }),
      ]);
      const [latest] = await knex('deployments')
        .where({ id: 'argocd/prod-cluster/checkout/4' })
        .select('intent');
      expect(latest.intent).toBe('planned');
    });

    it.each([
      ['a wrong secret', 'not-the-secret'],
      ['a secret of another length', 'x'],
      ['no secret', ''],
    ])(
      'answers 401 to a notification with %s and writes nothing',
      async (_, secret) => {
        const before = await rowCounts(knex);
        const res = await notify(
          { instance: 'prod-cluster', app: checkoutApplication() },
          secret,
        );
        expect(res.status).toBe(401);
        expect(JSON.stringify(res.body)).not.toContain(SECRET);
        expect(await rowCounts(knex)).toEqual(before);
      },
    );

    it('writes a notification once, however often it is delivered, and agrees with the pull', async () => {
      const body = { instance: 'prod-cluster', app: checkoutApplication() };
      const first = await notify(body);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ accepted: 8, duplicates: 0, ignored: 0 });
      const again = await notify(body);
      expect(again.body).toEqual({ accepted: 0, duplicates: 8, ignored: 0 });
      const [rollback] = await knex('deployments')
        .where({ id: 'argocd/prod-cluster/checkout/3' })
        .select('intent', 'rollback_of');
      expect(rollback).toEqual({
        intent: 'rollback',
        rollback_of: 'argocd/prod-cluster/checkout/2',
      });
      // The pull then finds the same ids: nothing new for checkout.
      await pull();
      const [{ n }] = await knex('events')
        .where({ source: 'argocd' })
        .count({ n: '*' });
      expect(Number(n)).toBe(11);
    });

    it('maps a notification through the selector and the environment label', async () => {
      const res = await notify({
        instance: 'prod-cluster',
        app: paymentsApplication,
      });
      expect(res.body).toEqual({ accepted: 3, duplicates: 0, ignored: 0 });
      expect(
        (await deployments('component:default/payments')).map(
          d => d.environment,
        ),
      ).toEqual(['staging', 'staging']);
    });

    it('answers 202 for an application no entity names, or an unknown instance', async () => {
      const stranger = checkoutApplication();
      stranger.metadata.name = 'unknown-app';
      stranger.metadata.labels = { team: 'nobody' };
      const res = await notify({ instance: 'prod-cluster', app: stranger });
      expect(res.status).toBe(202);
      expect(res.body.reason).toBe(
        'no entity names Argo CD application unknown-app',
      );
      const other = await notify({
        instance: 'elsewhere',
        app: checkoutApplication(),
      });
      expect(other.status).toBe(202);
      expect(other.body.reason).toBe(
        'Argo CD instance elsewhere is not configured',
      );
      const [{ n }] = await knex('events').count({ n: '*' });
      expect(Number(n)).toBe(0);
    });
  });

  describe.each(databases.eachSupportedId())(
    'with a secret per instance, on %p',
    databaseId => {
      const PROD = 'secret-of-prod-cluster';
      const OTHER = 'secret-of-other-cluster';
      let knex: Knex;
      let backend: Awaited<ReturnType<typeof startTestBackend>>;
      const scheduler = mockServices.scheduler.mock();

      beforeEach(async () => {
        knex = await databases.init(databaseId);
        // The scheduler mock keeps the pull from running: only notifications write here.
        backend = await startWith(knex, scheduler, {
          instances: [
            instanceAt(argocd.baseUrl, 'prod-cluster', PROD),
            instanceAt(argocd.baseUrl, 'other-cluster', OTHER),
          ],
          webhookSecret: SECRET,
        });
      });

      afterEach(() => backend.stop());

      const notify = (instance: string, app: object, secret: string) =>
        request(backend.server)
          .post('/api/greenlight/v1/sources/argocd/webhook')
          .set('X-Greenlight-Token', secret)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ instance, app }));
      const billing = () => {
        const app = checkoutApplication();
        app.metadata.name = 'billing';
        return app;
      };

      it.each([
        ['the source-wide secret', 'prod-cluster', SECRET],
        ['another instance’s secret', 'prod-cluster', OTHER],
        ['another instance’s secret', 'other-cluster', PROD],
      ])(
        'answers 401 to a notification with %s for %s, which has its own, and writes nothing',
        async (_, instance, secret) => {
          const before = await rowCounts(knex);
          const app =
            instance === 'prod-cluster' ? checkoutApplication() : billing();
          const res = await notify(instance, app, secret);
          expect(res.status).toBe(401);
          for (const s of [SECRET, PROD, OTHER]) {
            expect(JSON.stringify(res.body)).not.toContain(s);
          }
          expect(await rowCounts(knex)).toEqual(before);
        },
      );

      it('takes each instance’s notifications with its own secret', async () => {
        const prod = await notify('prod-cluster', checkoutApplication(), PROD);
        expect(prod.body).toEqual({ accepted: 8, duplicates: 0, ignored: 0 });
        const other = await notify('other-cluster', billing(), OTHER);
        expect(other.body).toEqual({ accepted: 8, duplicates: 0, ignored: 0 });
        expect(
          await knex('deployments')
            .distinct('entity_ref')
            .orderBy('entity_ref')
            .pluck('entity_ref'),
        ).toEqual(['component:default/billing', 'component:default/checkout']);
      });
    },
  );

  describe.each(databases.eachSupportedId())(
    'with the environments an instance may deploy to, on %p',
    databaseId => {
      let knex: Knex;
      let backend: Awaited<ReturnType<typeof startTestBackend>>;
      let pull: () => Promise<void>;
      const scheduler = mockServices.scheduler.mock();

      beforeEach(async () => {
        knex = await databases.init(databaseId);
        scheduler.scheduleTask.mockClear();
        // A development cluster: its application labels cannot name another environment.
        backend = await startWith(knex, scheduler, {
          instances: [
            {
              ...instanceAt(argocd.baseUrl, 'dev-cluster'),
              environment: 'development',
              environments: ['development'],
            },
          ],
          webhookSecret: SECRET,
        });
        pull = pullTaskOf(scheduler);
      });

      afterEach(() => backend.stop());

      const notify = (app: object) =>
        request(backend.server)
          .post('/api/greenlight/v1/sources/argocd/webhook')
          .set('X-Greenlight-Token', SECRET)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ instance: 'dev-cluster', app }));

      it('records nothing for an application labelled with another environment', async () => {
        const before = await rowCounts(knex);
        const app = checkoutApplication();
        const production = {
          ...app,
          metadata: {
            ...app.metadata,
            labels: {
              ...app.metadata.labels,
              'greenlight.dev/environment': 'production',
            },
          },
        };
        const res = await notify(production);
        expect(res.status).toBe(202);
        expect(res.body.reason).toBe(
          'Argo CD application checkout names environment production, which instance dev-cluster may not deploy to (its environments: development)',
        );
        expect(await rowCounts(knex)).toEqual(before);
      });

      it('pulls the applications of its own environment and skips the others', async () => {
        await pull();
        // checkout carries no label: the instance's environment. payments is labelled staging.
        expect(
          await knex('deployments')
            .distinct('entity_ref', 'environment')
            .orderBy('entity_ref')
            .select(),
        ).toEqual([
          {
            entity_ref: 'component:default/checkout',
            environment: 'development',
          },
        ]);
      });
    },
  );
  describe.each(databases.eachSupportedId())(
    'with the projects an instance may record, on %p',
    databaseId => {
      let knex: Knex;
      let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
      let pull: () => Promise<void>;
      let logger: ReturnType<typeof mockServices.logger.mock>;
      const scheduler = mockServices.scheduler.mock();

      // checkout is in the project `default`, payments-api in `payments`.
      const start = async (projects: string[]) => {
        knex = await databases.init(databaseId);
        scheduler.scheduleTask.mockClear();
        logger = mockServices.logger.mock();
        backend = await startWith(
          knex,
          scheduler,
          {
            instances: [
              { ...instanceAt(argocd.baseUrl, 'prod-cluster'), projects },
            ],
            webhookSecret: SECRET,
          },
          logger,
        );
        pull = pullTaskOf(scheduler);
      };

      beforeEach(() => {
        checkoutExtra = [];
        argocd.requests.length = 0;
      });
      afterEach(async () => {
        await backend?.stop();
        backend = undefined;
      });

      const notify = (app: object) =>
        request(backend!.server)
          .post('/api/greenlight/v1/sources/argocd/webhook')
          .set('X-Greenlight-Token', SECRET)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ instance: 'prod-cluster', app }));
      const stateKeys = () => knex('source_state').orderBy('key').pluck('key');

      it('writes nothing of an application whose project is not listed: the pull reads it to learn its project and skips it', async () => {
        await start(['platform']);
        const before = await tableContents(knex);
        await pull();
        // Each was read once, which the project can only be learnt from; nothing more.
        expect(argocd.requests.sort()).toEqual([
          '/api/v1/applications/checkout',
          '/api/v1/applications/gone',
          '/api/v1/applications?selector=team%3Dpayments',
        ]);
        // Every table as it was, but for the instance's progress, which counts neither.
        const after = await tableContents(knex);
        expect({ ...after, source_state: '' }).toEqual({
          ...before,
          source_state: '',
        });
        expect(await stateKeys()).toEqual(['progress:prod-cluster']);
        const [progress] = await knex('source_state').pluck('value');
        expect(JSON.parse(progress)).toEqual(
          expect.objectContaining({ applications: 0, eventsWritten: 0 }),
        );
        // Logged by name only, without the project it is in.
        const warnings = warningsOf(logger);
        expect(warnings).toContain(
          'Argo CD prod-cluster: application checkout, named by component:default/checkout, is not in a project listed in greenlight.sources.argocd.instances[].projects; skipped',
        );
        expect(warnings).toContain(
          'Argo CD prod-cluster: application payments-api, named by component:default/payments, is not in a project listed in greenlight.sources.argocd.instances[].projects; skipped',
        );
        expect(warnings.join('\n')).not.toMatch(
          /project:? (default|payments)\b/,
        );
      });

      it('records the applications of a listed project as before, and only those', async () => {
        await start(['payments']);
        await pull();
        expect(
          await knex('deployments')
            .orderBy('id')
            .select('entity_ref', 'id', 'environment'),
        ).toEqual([
          {
            entity_ref: 'component:default/payments',
            id: 'argocd/prod-cluster/payments-api/7',
            environment: 'staging',
          },
          {
            entity_ref: 'component:default/payments',
            id: 'argocd/prod-cluster/payments-api/sync-1795766400',
            environment: 'staging',
          },
        ]);
        const events = await knex('events').select();
        expect(events).toHaveLength(3);
        expect(JSON.stringify(events)).not.toContain('checkout');
        // Nothing remembered of checkout: no cursor, not counted.
        expect(await stateKeys()).toEqual([
          'app:prod-cluster/payments-api',
          'progress:prod-cluster',
        ]);
      });

      it('records every application when all their projects are listed', async () => {
        await start(['default', 'payments']);
        await pull();
        const [{ n }] = await knex('events')
          .where({ source: 'argocd' })
          .count({ n: '*' });
        expect(Number(n)).toBe(11);
      });

      it('answers 202 to a notification of an application outside its projects, or without one, and writes nothing', async () => {
        await start(['payments']);
        const before = await tableContents(knex);
        const outside = await notify(checkoutApplication());
        expect(outside.status).toBe(202);
        expect(outside.body.reason).toBe(
          'Argo CD application checkout is not in a project that instance prod-cluster lists, or the notification carries no spec.project',
        );
        // A template that does not send `spec.project` cannot vouch for it.
        const { spec: _, ...withoutProject } = paymentsApplication;
        const unsaid = await notify(withoutProject);
        expect(unsaid.status).toBe(202);
        expect(await tableContents(knex)).toEqual(before);

        const listed = await notify(paymentsApplication);
        expect(listed.body).toEqual({ accepted: 3, duplicates: 0, ignored: 0 });
      });
    },
  );
});
