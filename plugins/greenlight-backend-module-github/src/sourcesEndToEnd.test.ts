import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The module is tested in the real plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight-backend';
import type { GreenlightEventInput } from '@greenlight/backstage-plugin-greenlight-common';
import {
  greenlightIngestionSourcesExtensionPoint,
  IngestionSource,
} from '@greenlight/backstage-plugin-greenlight-node';
import { createHash } from 'node:crypto';
import request from 'supertest';
import greenlightModuleGithub from './index';
import { FakeRepository, startFakeGithub } from './__testUtils__/fakeGithub';

jest.setTimeout(180_000);

/*
 * One service, `shop`, whose whole history comes from connectors: the GitHub backfill (its
 * staging deployments, the commits they shipped and the merged pull requests), Argo CD (its
 * production syncs) and PagerDuty (its incidents). The same facts posted through
 * `POST /v1/events` to another backend must give the same release history, "running where"
 * and DORA figures, and both must equal the figures worked out by hand here.
 *
 *   commit  committed     merged (PR)     staging (GitHub)   production (Argo CD)   lead time
 *   c0      03-01 06:00   –               03-01 07:00        –                      –
 *   c1      03-02 07:30   03-02 08:00 #1  03-02 09:05        03-02 11:00            3.5 h
 *   c2      03-03 08:00   03-03 09:00 #2  03-03 10:05        03-03 14:00            6 h
 *   c3      03-04 09:00   03-04 10:00 #3  03-04 10:35        03-04 12:00            3 h
 *   c4      03-05 05:00   03-05 06:00 #4  03-05 07:05        03-05 09:00            4 h
 *
 * PagerDuty: PD-1 detected 03-04 13:00 on production, on the image of c3, resolved 15:00.
 *
 * Window 03-02 … 03-16. Production deployments 4. Lead times [3, 3.5, 4, 6] h: nearest-rank
 * median (rank 2) 3.5 h, p90 (rank 4) 6 h, all four from the commit. Change fail rate 1/4
 * (c3's release, hit by PD-1); recovery n 1, 12:00 → 15:00 = 3 h. Running where: staging
 * runs c4's GitHub deployment, production c4's Argo CD sync.
 *
 * STAND-INS: the Argo CD and PagerDuty connector modules are built separately. Until they
 * are merged, `argocd` and `pagerduty` below are small sources registered through the same
 * extension point, with their annotations (`argocd/app-name`, `pagerduty.com/service-id`),
 * posting the native events such a connector produces for a sync and an incident. Replace
 * them with the real modules (same facts, fed from local fakes of their APIs); the figures
 * must not change.
 */
const HOUR = 3_600_000;
const FULL_NAME = 'acme/shop';
const ENTITY = 'component:default/shop';
const TOKEN = 'ghp_end-to-end-token';
const window = { from: '2026-03-02T00:00:00Z', to: '2026-03-16T00:00:00Z' };
const at = (day: string, time: string) => `2026-03-${day}T${time}:00Z`;
const sha = (n: number) => createHash('sha1').update(`shop-${n}`).digest('hex');
const digest = (n: number) =>
  `sha256:${createHash('sha256').update(`shop-image-${n}`).digest('hex')}`;

const changes = [
  { n: 0, committed: at('01', '06:00'), staging: at('01', '07:00') },
  {
    n: 1,
    committed: at('02', '07:30'),
    merged: at('02', '08:00'),
    staging: at('02', '09:00'),
    production: at('02', '11:00'),
  },
  {
    n: 2,
    committed: at('03', '08:00'),
    merged: at('03', '09:00'),
    staging: at('03', '10:00'),
    production: at('03', '14:00'),
  },
  {
    n: 3,
    committed: at('04', '09:00'),
    merged: at('04', '10:00'),
    staging: at('04', '10:30'),
    production: at('04', '12:00'),
  },
  {
    n: 4,
    committed: at('05', '05:00'),
    merged: at('05', '06:00'),
    staging: at('05', '07:00'),
    production: at('05', '09:00'),
  },
];
const plus = (iso: string, minutes: number) =>
  new Date(Date.parse(iso) + minutes * 60_000)
    .toISOString()
    .replace('.000Z', 'Z');
const incident = {
  id: 'PD-1',
  detected: at('04', '13:00'),
  resolved: at('04', '15:00'),
};

/** The GitHub side, as the local GitHub server serves it. */
const githubRepository: FakeRepository = {
  fullName: FULL_NAME,
  commits: changes.map(c => ({
    sha: sha(c.n),
    at: c.committed,
    message: c.n === 0 ? 'Initial commit' : `Change ${c.n} (#${c.n})`,
    author: 'dev',
  })),
  pulls: changes.flatMap(c =>
    c.merged
      ? [
          {
            number: c.n,
            mergeCommitSha: sha(c.n),
            mergedAt: c.merged,
            title: `Change ${c.n}`,
          },
        ]
      : [],
  ),
  deployments: changes.map(c => ({
    id: 100 + c.n,
    sha: sha(c.n),
    environment: 'staging',
    createdAt: c.staging,
    creator: 'deployer',
    statuses: [
      { id: 1000 + c.n, state: 'success', createdAt: plus(c.staging, 5) },
    ],
  })),
};

/** What an Argo CD connector writes for a finished sync of the production application. */
const argocdSyncs = (): GreenlightEventInput[] =>
  changes
    .filter(c => c.production)
    .map(c => ({
      id: `shop-prod/history/${c.n}`,
      type: 'deployment.finished',
      time: c.production,
      deployment: {
        id: `argocd/shop-prod/${c.n}`,
        environment: 'production',
        commitSha: sha(c.n),
        artifactDigest: digest(c.n),
        status: 'succeeded',
        startedAt: plus(c.production!, -10),
        finishedAt: c.production,
        sourceSystem: 'argocd',
      },
    }));

/** What a PagerDuty connector writes for an incident it attributes by environment and image. */
const pagerdutyIncidents = (): GreenlightEventInput[] => [
  {
    id: `${incident.id}/triggered`,
    type: 'incident.opened',
    time: incident.detected,
    incident: {
      id: `pagerduty/${incident.id}`,
      detectedAt: incident.detected,
      environment: 'production',
      artifactDigest: digest(3),
    },
  },
  {
    id: `${incident.id}/resolved`,
    type: 'incident.resolved',
    time: incident.resolved,
    incident: {
      id: `pagerduty/${incident.id}`,
      detectedAt: incident.detected,
      resolvedAt: incident.resolved,
      environment: 'production',
      artifactDigest: digest(3),
    },
  },
];

/** The same facts as native events: what a pipeline would post itself. */
function nativeHistory(): GreenlightEventInput[] {
  const repository = `github.com/${FULL_NAME}`;
  const events: GreenlightEventInput[] = [
    {
      id: 'commits',
      type: 'commits',
      commits: changes.map(c => ({
        sha: sha(c.n),
        repository,
        authoredAt: c.committed,
        committedAt: c.committed,
        mergedAt: c.merged,
        prNumber: c.merged ? c.n : undefined,
        author: 'dev',
      })),
    },
  ];
  for (const [i, c] of changes.entries()) {
    events.push({
      id: `staging-${c.n}`,
      type: 'deployment.finished',
      repository,
      deployment: {
        id: `github.com/${FULL_NAME}/deployments/${100 + c.n}`,
        environment: 'staging',
        commitSha: sha(c.n),
        commits: i === 0 ? undefined : [sha(c.n)],
        status: 'succeeded',
        startedAt: c.staging,
        finishedAt: plus(c.staging, 5),
      },
    });
  }
  const tagged = (e: GreenlightEventInput, prefix: string) => ({
    ...e,
    id: `${prefix}-${e.id}`,
  });
  events.push(...argocdSyncs().map(e => tagged(e, 'argocd')));
  events.push(...pagerdutyIncidents().map(e => tagged(e, 'pagerduty')));
  // A pipeline names its entity; the connectors' events were bound to it by annotation.
  return events.map(e =>
    JSON.parse(JSON.stringify({ ...e, entityRef: ENTITY })),
  );
}

/** A stand-in connector: a pull that writes `events` for every entity with `annotation`. */
function standIn(
  id: string,
  annotation: string,
  events: () => GreenlightEventInput[],
): IngestionSource {
  return {
    id,
    annotations: [annotation],
    pull: {
      schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } },
      async run(ctx) {
        for (const entity of await ctx.findEntities(annotation)) {
          await ctx.ingest({
            entityRef: `component:default/${entity.metadata.name}`,
            events: events(),
          });
        }
      },
    },
  };
}

const shop = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'shop', namespace: 'default', annotations },
  spec: {
    type: 'service',
    owner: 'group:default/team-a',
    lifecycle: 'production',
  },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
});

const ENVIRONMENTS = [
  { name: 'staging', tier: 'staging' },
  { name: 'production', tier: 'production' },
];

describe('a history from connectors gives the figures of the same facts posted natively', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    const backends: Array<{ stop(): Promise<void> }> = [];
    let github: Awaited<ReturnType<typeof startFakeGithub>>;

    beforeAll(async () => {
      github = await startFakeGithub(githubRepository, { token: TOKEN });
    });
    afterAll(async () => {
      for (const b of backends) await b.stop();
      await github.close();
    });

    async function start(entity: Entity, features: any[], config: object) {
      let scheduler: SchedulerService | undefined;
      const backend = await startTestBackend({
        features: [
          greenlightPlugin,
          ...features,
          createBackendModule({
            pluginId: 'greenlight',
            moduleId: 'test-scheduler',
            register(env) {
              env.registerInit({
                deps: { s: coreServices.scheduler },
                async init({ s }) {
                  scheduler = s;
                },
              });
            },
          }),
          catalogServiceMock.factory({ entities: [entity] }),
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          mockServices.database.factory({
            knex: await databases.init(databaseId),
          }),
          mockServices.rootConfig.factory({
            data: {
              ...config,
              greenlight: {
                environments: ENVIRONMENTS,
                ...(config as { greenlight?: object }).greenlight,
              },
            },
          }),
        ],
      });
      backends.push(backend);
      const get = (path: string, query: Record<string, string>) =>
        request(backend.server)
          .get(`/api/greenlight${path}`)
          .query(query)
          .set('Authorization', mockCredentials.user.header());
      return {
        server: backend.server,
        trigger: (task: string) => scheduler!.triggerTask(task),
        /** What the Delivery tab and the DORA page show, minus what says how it arrived. */
        async view() {
          const releases = (
            await get('/v1/releases', { entityRef: ENTITY, limit: '100' })
          ).body.items.map((r: any) => ({
            id: r.id,
            environment: r.environment,
            status: r.status,
            commitSha: r.commitSha,
            artifactDigest: r.artifactDigest,
            finishedAt: r.finishedAt,
          }));
          const runningWhere = (
            await get('/v1/environments', { entityRef: ENTITY })
          ).body.environments.map((e: any) => ({
            name: e.name,
            releaseId: e.current?.releaseId ?? null,
            commitSha: e.current?.commitSha ?? null,
          }));
          const m = (await get('/v1/dora', { entityRef: ENTITY, ...window }))
            .body.current;
          return {
            releases,
            runningWhere,
            dora: {
              deployments: m.deploymentFrequency.count,
              lead: {
                n: m.changeLeadTime.n,
                median: m.changeLeadTime.medianMs,
                p90: m.changeLeadTime.p90Ms,
                basis: m.changeLeadTime.basis,
              },
              changeFail: {
                numerator: m.changeFailRate.numerator,
                denominator: m.changeFailRate.denominator,
              },
              recovery: {
                n: m.failedDeploymentRecoveryTime.n,
                median: m.failedDeploymentRecoveryTime.medianMs,
              },
            },
          };
        },
      };
    }

    it('gives the paper figures from connectors and from the native API alike', async () => {
      const connectors = await start(
        shop({
          'github.com/project-slug': FULL_NAME,
          'argocd/app-name': 'shop-prod',
          'pagerduty.com/service-id': 'PSHOP',
        }),
        [
          greenlightModuleGithub,
          createBackendModule({
            pluginId: 'greenlight',
            moduleId: 'stand-in-connectors',
            register(env) {
              env.registerInit({
                deps: { sources: greenlightIngestionSourcesExtensionPoint },
                async init({ sources }) {
                  sources.addIngestionSource(
                    standIn('argocd', 'argocd/app-name', argocdSyncs),
                  );
                  sources.addIngestionSource(
                    standIn(
                      'pagerduty',
                      'pagerduty.com/service-id',
                      pagerdutyIncidents,
                    ),
                  );
                },
              });
            },
          }),
        ],
        {
          integrations: {
            github: [
              { host: 'github.com', apiBaseUrl: github.url, token: TOKEN },
            ],
          },
          // Ten years: the worked example's dates are fixed.
          greenlight: { sources: { github: { days: 3650 } } },
        },
      );
      await connectors.trigger('greenlight-source-github');
      await connectors.trigger('greenlight-source-argocd');
      await connectors.trigger('greenlight-source-pagerduty');
      await connectors.trigger('greenlight-dora-rollups');

      const native = await start(shop({}), [], {});
      const posted = await request(native.server)
        .post('/api/greenlight/v1/events')
        .set('Authorization', mockCredentials.service.header())
        .send({ events: nativeHistory() });
      expect(posted.status).toBe(200);
      await native.trigger('greenlight-dora-rollups');

      const fromConnectors = await connectors.view();
      expect(fromConnectors.dora).toEqual({
        deployments: 4,
        lead: {
          n: 4,
          // Quantiles come from a mergeable sketch, exact to within 1 %.
          median: expect.any(Number),
          p90: expect.any(Number),
          basis: { fromCommit: 4, fromMerge: 0 },
        },
        changeFail: { numerator: 1, denominator: 4 },
        recovery: { n: 1, median: expect.any(Number) },
      });
      const within1Percent = (value: number, paper: number) =>
        expect(Math.abs(value - paper)).toBeLessThanOrEqual(0.01 * paper);
      within1Percent(fromConnectors.dora.lead.median, 3.5 * HOUR);
      within1Percent(fromConnectors.dora.lead.p90, 6 * HOUR);
      within1Percent(fromConnectors.dora.recovery.median, 3 * HOUR);
      expect(fromConnectors.runningWhere).toEqual([
        {
          name: 'staging',
          releaseId: `github.com/${FULL_NAME}/deployments/104`,
          commitSha: sha(4),
        },
        {
          name: 'production',
          releaseId: 'argocd/shop-prod/4',
          commitSha: sha(4),
        },
      ]);
      expect(fromConnectors.releases).toHaveLength(9);
      expect(
        fromConnectors.releases.filter((r: any) => r.status === 'failed'),
      ).toEqual([]);
      expect(await native.view()).toEqual(fromConnectors);
    });
  });
});
