import { startTestBackend } from '@backstage/backend-test-utils';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the test runs the real plugin this module extends
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight-backend';
import { Knex } from 'knex';
import request from 'supertest';
import {
  deploymentHook,
  MERGE_COMMIT_SHA,
  mergeRequestHook,
  pipelineHook,
} from './__fixtures__/webhooks';
import greenlightModuleGitlab from './index';
import {
  component,
  createTestDatabases,
  rowCounts,
  startModuleBackend,
} from '@greenlight/test-utils';

jest.setTimeout(60_000);

const SECRET = 'gitlab-webhook-secret-token';

const entities = [
  component('payments', { 'gitlab.com/project-slug': 'acme/payments' }),
  // Never named GitLab.
  component('ledger', {}),
];

const REPO = 'gitlab.example.com/acme/payments';

/** The real plugin and this module on `knex`, with `greenlight.sources.gitlab` as given. */
const startWith = (
  knex: Knex,
  gitlab: object,
  catalog: Parameters<typeof startModuleBackend>[0]['entities'] = entities,
) =>
  startModuleBackend({
    features: [greenlightPlugin, greenlightModuleGitlab],
    entities: catalog,
    knex,
    config: { greenlight: { sources: { gitlab } } },
  });

describe('the gitlab ingestion source', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      backend = await startWith(knex, { webhookSecret: SECRET });
    });

    afterEach(() => backend.stop());

    const hook = (
      event: string,
      body: object,
      token: string | null = SECRET,
    ) => {
      const req = request(backend.server)
        .post('/api/greenlight/v1/sources/gitlab/webhook')
        .set('X-Gitlab-Event', event)
        .set('Content-Type', 'application/json');
      if (token !== null) req.set('X-Gitlab-Token', token);
      return req.send(JSON.stringify(body));
    };
    const count = async (table: string) => {
      const [{ n }] = await knex(table).count({ n: '*' });
      return Number(n);
    };

    it('folds a deployment’s running and success hooks into one deployment, once however often delivered', async () => {
      const running = await hook(
        'Deployment Hook',
        deploymentHook('running', '2021-04-28 21:40:00 +0200'),
      );
      expect(running.body).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
      const success = await hook('Deployment Hook', deploymentHook('success'));
      expect(success.body).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
      const redelivered = await hook(
        'Deployment Hook',
        deploymentHook('success'),
      );
      expect(redelivered.body).toEqual({
        accepted: 0,
        duplicates: 1,
        ignored: 0,
      });

      const rows = await knex('deployments').select(
        'id',
        'entity_ref',
        'environment',
        'status',
        'commit_sha',
        'actor',
        'started_at',
        'finished_at',
        'url',
      );
      // 21:40 and 21:50 at +02:00 are 19:40 and 19:50 UTC.
      expect(
        rows.map(r => ({
          ...r,
          started_at: Number(r.started_at),
          finished_at: Number(r.finished_at),
        })),
      ).toEqual([
        {
          id: `${REPO}/deployments/15`,
          entity_ref: 'component:default/payments',
          environment: 'staging',
          status: 'succeeded',
          commit_sha: '279484c09fbe69ededfced8c1bb6e6d24616b468',
          actor: 'root',
          started_at: Date.parse('2021-04-28T19:40:00Z'),
          finished_at: Date.parse('2021-04-28T19:50:00Z'),
          url: 'https://gitlab.example.com/acme/payments/-/jobs/796',
        },
      ]);
      expect(await knex('events').pluck('id')).toEqual(
        expect.arrayContaining([
          `gitlab:${REPO}/deployments/15/running`,
          `gitlab:${REPO}/deployments/15/success`,
        ]),
      );
    });

    it('maps a failed and a canceled deployment', async () => {
      const failed = deploymentHook('failed');
      await hook('Deployment Hook', failed);
      const canceled = { ...deploymentHook('canceled'), deployment_id: 16 };
      await hook('Deployment Hook', canceled);
      expect(await knex('deployments').orderBy('id').pluck('status')).toEqual([
        'failed',
        'cancelled',
      ]);
    });

    it.each([
      ['a wrong token', 'not-the-secret'],
      ['a token of another length', 'x'],
      ['no token', null],
    ])('answers 401 to %s and writes nothing', async (_, token) => {
      const before = await rowCounts(knex);
      const res = await hook(
        'Deployment Hook',
        deploymentHook('success'),
        token,
      );
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
      expect(await rowCounts(knex)).toEqual(before);
    });

    it('records the commit of a merged merge request, and ignores other actions', async () => {
      const opened = await hook('Merge Request Hook', mergeRequestHook('open'));
      expect(opened.status).toBe(202);
      expect(opened.body.reason).toBe('merge request open is not used');

      const merged = await hook(
        'Merge Request Hook',
        mergeRequestHook('merge'),
      );
      expect(merged.body).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
      const again = await hook('Merge Request Hook', mergeRequestHook('merge'));
      expect(again.body).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
      const [commit] = await knex('commits').select(
        'sha',
        'repository',
        'committed_at',
        'merged_at',
        'author',
        'pr_number',
        'title',
      );
      // 23:36:29 at +02:00 is 21:36:29 UTC; the documented payload has no merged_at, so
      // the merge is dated by updated_at.
      expect({
        ...commit,
        committed_at: Number(commit.committed_at),
        merged_at: Number(commit.merged_at),
      }).toEqual({
        // The merge commit the target branch got, not the source branch's last commit.
        sha: MERGE_COMMIT_SHA,
        repository: REPO,
        committed_at: Date.parse('2012-01-03T21:36:29Z'),
        merged_at: Date.parse('2013-12-03T17:23:34Z'),
        author: 'GitLab dev user',
        pr_number: 1,
        title: 'MS-Viewport',
      });
    });

    it('keeps a merge whose title and unread fields carry characters the ledger does not store', async () => {
      // GitLab does not retry a refused delivery: a terminal colour code in the title, or a
      // control character in the repository's description, must not lose the merge.
      const payload = mergeRequestHook('merge');
      payload.object_attributes.title = 'MS-\u001b[31mViewport';
      payload.repository.description = 'Payments \u0007';
      const merged = await hook('Merge Request Hook', payload);
      expect(merged.body).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
      expect(await knex('commits').pluck('title')).toEqual([
        'MS-\uFFFD[31mViewport',
      ]);
    });

    it('records the last commit of a fast-forward merge, which adds no merge commit', async () => {
      const merged = await hook(
        'Merge Request Hook',
        mergeRequestHook('merge', { fastForward: true }),
      );
      expect(merged.body).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
      expect(await knex('commits').pluck('sha')).toEqual([
        'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      ]);
    });

    it('records a merged merge request of a project two entities name for each of them, once', async () => {
      await backend.stop();
      backend = await startWith(knex, { webhookSecret: SECRET }, [
        ...entities,
        component('payments-worker', {
          'gitlab.com/project-slug': 'acme/payments',
        }),
      ]);
      const merged = await hook(
        'Merge Request Hook',
        mergeRequestHook('merge'),
      );
      expect(merged.body).toEqual({ accepted: 2, duplicates: 0, ignored: 0 });
      // Commit details are read for the deploying entity: each has its own copy.
      expect(
        await knex('commits')
          .orderBy('entity_ref')
          .select('sha', 'entity_ref', 'title'),
      ).toEqual(
        ['payments', 'payments-worker'].map(name => ({
          sha: MERGE_COMMIT_SHA,
          entity_ref: `component:default/${name}`,
          title: 'MS-Viewport',
        })),
      );
      const again = await hook('Merge Request Hook', mergeRequestHook('merge'));
      expect(again.body).toEqual({ accepted: 0, duplicates: 2, ignored: 0 });
    });

    it('records a finished pipeline as a build, with no test run, and ignores a running one', async () => {
      const running = await hook('Pipeline Hook', pipelineHook('running'));
      expect(running.status).toBe(202);
      expect(running.body.reason).toBe(
        'pipeline status running is not a verdict',
      );

      const done = await hook('Pipeline Hook', pipelineHook('success'));
      expect(done.body).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
      const [build] = await knex('builds').select(
        'id',
        'entity_ref',
        'repository',
        'commit_sha',
        'status',
        'started_at',
        'finished_at',
        'url',
      );
      expect({
        ...build,
        started_at: Number(build.started_at),
        finished_at: Number(build.finished_at),
      }).toEqual({
        id: `${REPO}/pipelines/31`,
        entity_ref: 'component:default/payments',
        repository: REPO,
        commit_sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
        status: 'succeeded',
        started_at: Date.parse('2016-08-12T15:23:28Z'),
        finished_at: Date.parse('2016-08-12T15:26:29Z'),
        url: 'https://gitlab.example.com/acme/payments/-/pipelines/31',
      });
      expect(await count('test_runs')).toBe(0);
    });

    it('answers 202 for a project no entity names, and for events it does not use', async () => {
      const other = deploymentHook('success');
      other.project = { ...other.project, path_with_namespace: 'acme/ledger' };
      const res = await hook('Deployment Hook', other);
      expect(res.status).toBe(202);
      expect(res.body.reason).toBe(
        'no entity names GitLab project acme/ledger',
      );
      const push = await hook('Push Hook', {
        object_kind: 'push',
        project: other.project,
      });
      expect(push.status).toBe(202);
      expect(push.body.reason).toBe('GitLab push events are not used');
      expect(await count('events')).toBe(0);
    });
  });

  describe.each(databases.eachSupportedId())(
    'with a secret per project or group, on %p',
    databaseId => {
      const WIDE = 'secret-of-every-other-project';
      const PAYMENTS = 'secret-of-acme-payments';
      const TEAM = 'secret-of-the-acme-team-group';
      let knex: Knex;
      let backend: Awaited<ReturnType<typeof startTestBackend>>;

      beforeEach(async () => {
        knex = await databases.init(databaseId);
        backend = await startWith(
          knex,
          {
            webhookSecret: WIDE,
            projects: [
              { path: 'acme/payments', webhookSecret: PAYMENTS },
              { path: 'acme/team', webhookSecret: TEAM },
            ],
          },
          [
            component('payments', {
              'gitlab.com/project-slug': 'acme/payments',
            }),
            component('inventory', {
              'gitlab.com/project-slug': 'acme/team/inventory',
            }),
            component('checkout', {
              'gitlab.com/project-slug': 'acme/checkout',
            }),
          ],
        );
      });

      afterEach(() => backend.stop());

      /** A deployment of the project, as GitLab would send it for that project. */
      const deploymentOf = (path: string) => {
        const body = deploymentHook('success');
        body.project = {
          ...body.project,
          path_with_namespace: path,
          web_url: `https://gitlab.example.com/${path}`,
        };
        return body;
      };
      const send = (path: string, token: string) =>
        request(backend.server)
          .post('/api/greenlight/v1/sources/gitlab/webhook')
          .set('X-Gitlab-Event', 'Deployment Hook')
          .set('X-Gitlab-Token', token)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(deploymentOf(path)));

      it.each([
        ['the source-wide secret', 'acme/payments', WIDE],
        ['a group’s secret', 'acme/payments', TEAM],
        [
          'the source-wide secret, the path in other case',
          'ACME/Payments',
          WIDE,
        ],
        ['another project’s secret', 'acme/team/inventory', PAYMENTS],
        ['the source-wide secret', 'acme/team/inventory', WIDE],
      ])(
        'answers 401 to %s for %s, which has its own, and writes nothing',
        async (_, path, token) => {
          const before = await rowCounts(knex);
          const res = await send(path, token);
          expect(res.status).toBe(401);
          for (const secret of [WIDE, PAYMENTS, TEAM]) {
            expect(JSON.stringify(res.body)).not.toContain(secret);
          }
          expect(await rowCounts(knex)).toEqual(before);
        },
      );

      it('takes each project’s deliveries with its own secret, its group’s, or else the source-wide one', async () => {
        for (const [path, token] of [
          ['acme/payments', PAYMENTS],
          ['acme/team/inventory', TEAM],
          ['acme/checkout', WIDE],
        ]) {
          const res = await send(path, token);
          expect({ path, status: res.status, body: res.body }).toEqual({
            path,
            status: 200,
            body: { accepted: 1, duplicates: 0, ignored: 0 },
          });
        }
        expect(
          await knex('deployments').orderBy('entity_ref').pluck('entity_ref'),
        ).toEqual([
          'component:default/checkout',
          'component:default/inventory',
          'component:default/payments',
        ]);
      });
    },
  );
});
