import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { SchedulerServiceTaskFunction } from '@backstage/backend-plugin-api';
// The module is tested in the real plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight-backend';
import { Knex } from 'knex';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import greenlightModuleGithub from './index';
import {
  FakeGithub,
  generatedRepository,
  startFakeGithub,
} from './__testUtils__/fakeGithub';
import { ledgerSnapshot } from './__testUtils__/ledger';
import { component, startModuleBackend } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const TOKEN = 'ghp_backfill-test-token';
const WEBHOOK_SECRET = 'webhook-secret';
const FULL_NAME = 'acme/checkout';
const ENTITY = 'component:default/checkout';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const newest = Date.now() - DAY;

/**
 * 24 deployments, one every 5 days, so the oldest six fall outside the 90-day window:
 * 18 are backfilled (staging and production of nine changes).
 */
const repository = () =>
  generatedRepository({
    fullName: FULL_NAME,
    deployments: 24,
    newest,
    spacingMs: 5 * DAY,
  });
const IN_WINDOW = 18;

describe('GitHub backfill through the real backend', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let github: FakeGithub;
    let stopAt: number | undefined;
    let controller: AbortController;
    const started: Array<Awaited<ReturnType<typeof startTestBackend>>> = [];

    beforeEach(async () => {
      stopAt = undefined;
      controller = new AbortController();
      github = await startFakeGithub(repository(), {
        token: TOKEN,
        onRequest(_path, count) {
          // A restart in the middle of the backfill: the run is stopped at this request.
          if (stopAt !== undefined && count >= stopAt) controller.abort();
        },
      });
    });

    afterEach(async () => {
      while (started.length) await started.pop()!.stop();
      await github.close();
    });

    /** A backend on `knex` with the module; returns its pull and an API client. */
    async function start(knex: Knex, extraConfig: object = {}) {
      const scheduler = mockServices.scheduler.mock();
      const backend = await startModuleBackend({
        features: [greenlightPlugin, greenlightModuleGithub, scheduler.factory],
        entities: [
          component('checkout', { 'github.com/project-slug': FULL_NAME }),
          component('ledger', {}),
        ],
        knex,
        config: {
          integrations: {
            github: [
              { host: 'github.com', apiBaseUrl: github.url, token: TOKEN },
            ],
          },
          greenlight: {
            webhooks: { github: { secret: WEBHOOK_SECRET } },
            sources: { github: { days: 90 } },
            ...extraConfig,
          },
        },
      });
      started.push(backend);
      const task = scheduler.scheduleTask.mock.calls
        .map(c => c[0])
        .find(t => t.id === 'greenlight-source-github');
      return {
        backend,
        api: request(backend.server),
        pull: (signal = new AbortController().signal) =>
          (task!.fn as SchedulerServiceTaskFunction)(signal),
      };
    }

    it('backfills the window once, with statuses, shipped commits and pull requests', async () => {
      const knex = await databases.init(databaseId);
      const { pull, api } = await start(knex);
      await pull();

      const ledger = await ledgerSnapshot(knex);
      expect(ledger.deployments).toHaveLength(IN_WINDOW);
      expect(new Set(ledger.deployments.map(d => d.status))).toEqual(
        new Set(['succeeded']),
      );
      expect(ledger.deployments.every(d => d.entity_ref === ENTITY)).toBe(true);
      expect(ledger.deployments[0].id).toMatch(
        /^github\.com\/acme\/checkout\/deployments\/\d+$/,
      );
      // Every deployment but the first of each environment was compared with its predecessor.
      expect(ledger.shipped.length).toBeGreaterThanOrEqual(IN_WINDOW);
      const merged = ledger.commits.filter(c => c.merged_at !== null);
      expect(merged.length).toBeGreaterThan(0);
      expect(merged.every(c => typeof c.pr_number === 'number')).toBe(true);
      // Requests: pull requests and deployments listed on one page each, then for each
      // deployment its statuses and, but for the first of each environment, a comparison.
      expect(github.stats.byRoute).toEqual({
        pulls: 1,
        deployments: 1,
        statuses: IN_WINDOW,
        compare: IN_WINDOW - 2,
      });

      const res = await api
        .get('/api/greenlight/v1/sources')
        .set('Authorization', mockCredentials.user.header());
      const source = res.body.items.find(
        (s: { id: string }) => s.id === 'github',
      );
      expect(source.progress).toEqual([
        expect.objectContaining({
          key: ENTITY,
          value: expect.objectContaining({
            repository: `github.com/${FULL_NAME}`,
            phase: 'done',
            deploymentsDone: IN_WINDOW,
            deploymentsTotal: IN_WINDOW,
            finishedAt: expect.any(String),
          }),
        }),
      ]);

      // A completed backfill is not read again.
      const before = github.stats.requests;
      await pull();
      expect(github.stats.requests).toBe(before);
    });

    it('reads again on request, with conditional requests GitHub answers 304', async () => {
      const knex = await databases.init(databaseId);
      const first = await start(knex);
      await first.pull();
      const ledger = await ledgerSnapshot(knex);
      await first.backend.stop();
      started.pop();

      // The entity asks for a new backfill by changing its request annotation.
      const scheduler = mockServices.scheduler.mock();
      const backend = await startModuleBackend({
        features: [greenlightPlugin, greenlightModuleGithub, scheduler.factory],
        entities: [
          component('checkout', {
            'github.com/project-slug': FULL_NAME,
            'greenlight.dev/github-backfill': '2026-12-04',
          }),
        ],
        knex,
        config: {
          integrations: {
            github: [
              { host: 'github.com', apiBaseUrl: github.url, token: TOKEN },
            ],
          },
          greenlight: { sources: { github: {} } },
        },
      });
      started.push(backend);
      const task = scheduler.scheduleTask.mock.calls
        .map(c => c[0])
        .find(t => t.id === 'greenlight-source-github')!;
      const notModifiedBefore = github.stats.notModified;
      await task.fn(new AbortController().signal);
      // Lists and statuses had not changed: GitHub answered from the stored ETags.
      expect(github.stats.notModified - notModifiedBefore).toBe(2 + IN_WINDOW);
      expect(await ledgerSnapshot(knex)).toEqual(ledger);
    });

    it('waits out primary and secondary rate limits and ends with the same ledger', async () => {
      const plain = await databases.init(databaseId);
      await (await start(plain)).pull();
      const expected = await ledgerSnapshot(plain);

      const knex = await databases.init(databaseId);
      const { pull } = await start(knex);
      github.limitNext(403, 1);
      const began = Date.now();
      await pull();
      expect(github.stats.secondaryLimited).toBe(1);
      expect(Date.now() - began).toBeGreaterThanOrEqual(1000);
      expect(await ledgerSnapshot(knex)).toEqual(expected);

      const again = await databases.init(databaseId);
      const second = await start(again);
      // A 429 this time, while the primary limit is spent for two seconds: the client
      // waits for its reset instead of being refused.
      github.limitNext(429, 1);
      github.spendPrimary(2);
      await second.pull();
      expect(github.stats.primaryLimited).toBe(0);
      expect(await ledgerSnapshot(again)).toEqual(expected);
    });

    it('resumes after a restart mid-backfill and ends with the ledger of an uninterrupted run', async () => {
      const plain = await databases.init(databaseId);
      await (await start(plain)).pull();
      const expected = await ledgerSnapshot(plain);

      const knex = await databases.init(databaseId);
      const first = await start(knex);
      // Stop after the two lists and about half the deployments' requests.
      stopAt = github.stats.requests + 2 + IN_WINDOW;
      await Promise.resolve(first.pull(controller.signal)).catch(
        () => undefined,
      );
      const midway = await knex('source_state')
        .where({ source_id: 'github', key: `cursor:${ENTITY}` })
        .first('value');
      const cursor = JSON.parse(midway.value);
      expect(cursor.phase).toBe('ingest');
      expect(cursor.index).toBeGreaterThan(0);
      expect(cursor.index).toBeLessThan(IN_WINDOW);
      await first.backend.stop();
      started.splice(started.indexOf(first.backend), 1);

      stopAt = undefined;
      const requestsBefore = github.stats.byRoute.statuses;
      const second = await start(knex);
      await second.pull();
      // Only the deployments the first run had not written were read again.
      expect(github.stats.byRoute.statuses - requestsBefore).toBe(
        IN_WINDOW - cursor.index,
      );
      expect(await ledgerSnapshot(knex)).toEqual(expected);
    });

    it('keeps a deployment delivered by webhook and by backfill as one deployment', async () => {
      const knex = await databases.init(databaseId);
      const { api, pull } = await start(knex);
      const d = github.repository.deployments.at(-1)!;
      const status = d.statuses.at(-1)!;
      const repositoryPayload = {
        full_name: FULL_NAME,
        default_branch: 'main',
      };
      const deployment = {
        id: d.id,
        sha: d.sha,
        environment: d.environment,
        created_at: d.createdAt,
        creator: { login: d.creator },
        payload: {},
      };
      const send = (event: string, body: object) => {
        const text = JSON.stringify(body);
        return api
          .post('/api/greenlight/v1/webhooks/github')
          .set('X-GitHub-Event', event)
          .set(
            'X-Hub-Signature-256',
            `sha256=${createHmac('sha256', WEBHOOK_SECRET)
              .update(text)
              .digest('hex')}`,
          )
          .set('Content-Type', 'application/json')
          .send(text);
      };
      expect(
        (
          await send('deployment', {
            action: 'created',
            deployment,
            repository: repositoryPayload,
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await send('deployment_status', {
            action: 'created',
            deployment_status: {
              id: status.id,
              state: status.state,
              environment: d.environment,
              created_at: status.createdAt,
            },
            deployment,
            repository: repositoryPayload,
          })
        ).status,
      ).toBe(200);
      await pull();

      const id = `github.com/${FULL_NAME}/deployments/${d.id}`;
      const rows = await knex('deployments').where({ id });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        entity_ref: ENTITY,
        status: 'succeeded',
      });
      // The webhook's two events and the backfill's are one each: the backfill added only
      // what the webhook cannot know (the shipped commits).
      const events = await knex('events')
        .where('id', 'like', `github:${id}/%`)
        .orderBy('id')
        .pluck('id');
      expect(events).toEqual([
        `github:${id}/commits`,
        // Commit details are the entity's own: their id carries a digest of the entity.
        expect.stringMatching(
          new RegExp(`^github:${id}/compare#[0-9a-f]{16}$`),
        ),
        `github:${id}/created`,
        `github:${id}/statuses/${status.id}`,
      ]);
      expect(await knex('deployments')).toHaveLength(IN_WINDOW);
    });

    it('reads only the repositories the configuration lists', async () => {
      const knex = await databases.init(databaseId);
      const outside = await start(knex, {
        sources: { github: { days: 90, repositories: ['other-org/*'] } },
      });
      await outside.pull();
      expect(github.stats.requests).toBe(0);
      expect(await knex('deployments')).toHaveLength(0);

      const again = await databases.init(databaseId);
      const listed = await start(again, {
        sources: { github: { days: 90, repositories: ['ACME/checkout'] } },
      });
      await listed.pull();
      expect(await again('deployments')).toHaveLength(IN_WINDOW);
    });

    it('never sends a wrong token further than GitHub, and writes nothing', async () => {
      const other = await databases.init(databaseId);
      const scheduler = mockServices.scheduler.mock();
      const backend = await startModuleBackend({
        features: [greenlightPlugin, greenlightModuleGithub, scheduler.factory],
        entities: [
          component('checkout', { 'github.com/project-slug': FULL_NAME }),
        ],
        knex: other,
        config: {
          integrations: {
            github: [
              {
                host: 'github.com',
                apiBaseUrl: github.url,
                token: 'ghp_wrong-token',
              },
            ],
          },
          greenlight: { sources: { github: {} } },
        },
      });
      started.push(backend);
      const task = scheduler.scheduleTask.mock.calls
        .map(c => c[0])
        .find(t => t.id === 'greenlight-source-github')!;
      await task.fn(new AbortController().signal);
      expect(github.stats.unauthorized).toBe(1);
      expect(await other('deployments')).toHaveLength(0);
      const state = await other('source_state').pluck('value');
      expect(JSON.stringify(state)).not.toContain('ghp_wrong-token');
    });
  });
});

describe('GitHub backfill without configuration', () => {
  it('starts, registers no source and logs that it is disabled', async () => {
    const scheduler = mockServices.scheduler.mock();
    const backend = await startModuleBackend({
      features: [greenlightPlugin, greenlightModuleGithub, scheduler.factory],
      entities: [],
      config: {
        integrations: { github: [{ host: 'github.com' }] },
      },
    });
    const res = await request(backend.server)
      .get('/api/greenlight/v1/sources')
      .set('Authorization', mockCredentials.user.header());
    expect(res.body.items).toEqual([]);
    expect(scheduler.scheduleTask.mock.calls.map(c => c[0].id)).not.toContain(
      'greenlight-source-github',
    );
    await backend.stop();
  });
});
