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
import greenlightModuleArgocd from '@greenlight/backstage-plugin-greenlight-backend-module-argocd';
import greenlightModulePagerDuty from '@greenlight/backstage-plugin-greenlight-backend-module-pagerduty';
import type { GreenlightEventInput } from '@greenlight/backstage-plugin-greenlight-common';
import { createHash, createHmac } from 'node:crypto';
import request from 'supertest';
import greenlightModuleGithub from './index';
import { startFakeArgocd } from './__testUtils__/fakeArgocd';
import { FakeRepository, startFakeGithub } from './__testUtils__/fakeGithub';

jest.setTimeout(180_000);

/*
 * One service, `shop`, whose whole history comes from connectors: the GitHub backfill (its
 * staging deployments, the commits they shipped and the merged pull requests), Argo CD (its
 * production syncs, pulled from the Argo CD API) and PagerDuty (its incidents, delivered by
 * V3 webhooks). Each is fed from a local fake of its API. The same facts posted through
 * `POST /v1/events` to another backend must give the same release history, "running where"
 * and DORA figures, and both must equal the figures worked out by hand here.
 *
 *   commit  committed     merged (PR)     staging (GitHub)   production (Argo CD)   lead time
 *   c0      03-01 06:00   –               03-01 07:00        –                      –
 *   c1      03-02 07:30   03-02 08:00 #1  03-02 09:05        03-02 11:00 (sync 0)   3.5 h
 *   c2      03-03 08:00   03-03 09:00 #2  03-03 10:05        03-03 14:00 (sync 1)   6 h
 *   c3      03-04 09:00   03-04 10:00 #3  03-04 10:35        03-04 12:00 (sync 2)   3 h
 *   c4      03-05 05:00   03-05 06:00 #4  03-05 07:05        03-05 09:00 (sync 3)   4 h
 *
 * Argo CD's history names each sync's revision (the commit) but no image, and a PagerDuty
 * incident names its service, not a deployment: incident Q1SHOP, detected 03-04 13:00 in
 * production, resolved 15:00, arrives unattributed and counts as no failure. An owner of
 * the service knows c3's release caused it and attributes it to c3's production deployment
 * (`POST /v1/incidents/:id/attribution`); the native side records the same decision.
 *
 * Window 03-02 … 03-16. Production deployments 4. Lead times [3, 3.5, 4, 6] h: nearest-rank
 * median (rank 2) 3.5 h, p90 (rank 4) 6 h, all four from the commit. Change fail rate 0/4
 * while the incident is unattributed, 1/4 once it is attributed to c3's release; recovery
 * then n 1, 12:00 (the deployment, earlier than the detection) → 15:00 = 3 h. Running
 * where: staging runs c4's GitHub deployment, production c4's Argo CD sync.
 */
const HOUR = 3_600_000;
const FULL_NAME = 'acme/shop';
const ENTITY = 'component:default/shop';
const TOKEN = 'ghp_end-to-end-token';
const ARGOCD_TOKEN = 'argocd-end-to-end-token';
const ARGOCD_INSTANCE = 'prod-cluster';
const ARGOCD_APP = 'shop-prod';
const PAGERDUTY_SECRET = 'pagerduty-end-to-end-secret';
const PAGERDUTY_SERVICE = 'PSHOP01';
const window = { from: '2026-03-02T00:00:00Z', to: '2026-03-16T00:00:00Z' };
const at = (day: string, time: string) => `2026-03-${day}T${time}:00Z`;
const sha = (n: number) => createHash('sha1').update(`shop-${n}`).digest('hex');

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
  id: 'Q1SHOP',
  title: 'Shop checkout error rate above 5%',
  detected: at('04', '13:00'),
  resolved: at('04', '15:00'),
};
/** The ledger's id of the PagerDuty incident. */
const INCIDENT_ID = `pagerduty-${incident.id}`;
/** The production syncs, in Argo CD's history order: ids from 0. */
const syncs = changes
  .filter(c => c.production)
  .map((c, historyId) => ({ ...c, historyId, production: c.production! }));
/** The Argo CD module's deployment id of a history entry. */
const argocdDeployment = (historyId: number) =>
  `argocd/${ARGOCD_INSTANCE}/${ARGOCD_APP}/${historyId}`;
const C3_PRODUCTION = argocdDeployment(syncs.find(c => c.n === 3)!.historyId);
const ATTRIBUTION = {
  deploymentId: C3_PRODUCTION,
  note: 'the checkout change of c3',
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

/** The production application as the Argo CD API answers `GET /api/v1/applications/shop-prod`. */
const argocdApplication = () => {
  const source = {
    repoURL: `https://github.com/${FULL_NAME}.git`,
    path: 'deploy/production',
    targetRevision: 'main',
  };
  const last = syncs[syncs.length - 1];
  return {
    metadata: { name: ARGOCD_APP, namespace: 'argocd' },
    spec: {
      project: 'default',
      source,
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'shop',
      },
    },
    status: {
      sync: { status: 'Synced', revision: sha(last.n) },
      health: { status: 'Healthy' },
      history: syncs.map(c => ({
        id: c.historyId,
        revision: sha(c.n),
        deployStartedAt: plus(c.production, -10),
        deployedAt: c.production,
        source,
        initiatedBy: { automated: true },
      })),
      operationState: {
        operation: { sync: { revision: sha(last.n) } },
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        syncResult: { revision: sha(last.n), source },
        startedAt: plus(last.production, -10),
        finishedAt: last.production,
      },
    },
  };
};

/** A PagerDuty V3 webhook delivery about the incident, as PagerDuty posts it. */
const pagerdutyWebhook = (
  eventType: 'incident.triggered' | 'incident.resolved',
  occurredAt: string,
) => ({
  event: {
    id: `01${eventType.replace(/\W/g, '').toUpperCase()}`,
    event_type: eventType,
    resource_type: 'incident',
    occurred_at: occurredAt,
    agent: null,
    client: { name: 'PagerDuty' },
    data: {
      id: incident.id,
      type: 'incident',
      self: `https://api.pagerduty.com/incidents/${incident.id}`,
      html_url: `https://acme.pagerduty.com/incidents/${incident.id}`,
      number: 1,
      status: eventType === 'incident.resolved' ? 'resolved' : 'triggered',
      created_at: incident.detected,
      title: incident.title,
      service: {
        id: PAGERDUTY_SERVICE,
        type: 'service_reference',
        summary: 'Shop',
      },
      urgency: 'high',
    },
  },
});

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
  // Production syncs as the Argo CD module records them: no image, the revision as commit.
  for (const c of syncs) {
    events.push({
      id: `production-${c.n}`,
      type: 'deployment.finished',
      time: c.production,
      deployment: {
        id: argocdDeployment(c.historyId),
        environment: 'production',
        version: sha(c.n),
        commitSha: sha(c.n),
        status: 'succeeded',
        startedAt: plus(c.production, -10),
        finishedAt: c.production,
        sourceSystem: 'argocd',
      },
    });
  }
  // The incident as its tool knows it: where it was seen, not which deployment caused it.
  events.push(
    {
      id: 'incident-opened',
      type: 'incident.opened',
      time: incident.detected,
      incident: {
        id: INCIDENT_ID,
        title: incident.title,
        detectedAt: incident.detected,
        environment: 'production',
      },
    },
    {
      id: 'incident-resolved',
      type: 'incident.resolved',
      time: incident.resolved,
      incident: {
        id: INCIDENT_ID,
        title: incident.title,
        detectedAt: incident.detected,
        resolvedAt: incident.resolved,
        environment: 'production',
      },
    },
  );
  // A pipeline names its entity; the connectors' events were bound to it by annotation.
  return events.map(e =>
    JSON.parse(JSON.stringify({ ...e, entityRef: ENTITY })),
  );
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
    let argocd: Awaited<ReturnType<typeof startFakeArgocd>>;

    beforeAll(async () => {
      github = await startFakeGithub(githubRepository, { token: TOKEN });
      argocd = await startFakeArgocd({
        token: ARGOCD_TOKEN,
        applications: { [ARGOCD_APP]: argocdApplication() },
      });
    });
    afterAll(async () => {
      for (const b of backends) await b.stop();
      await github.close();
      await argocd.close();
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
        /** A person's decision: the incident was caused by this deployment. */
        attribute: (incidentId: string, body: object) =>
          request(backend.server)
            .post(`/api/greenlight/v1/incidents/${incidentId}/attribution`)
            .set('Authorization', mockCredentials.user.header())
            .send(body),
        unattributed: () =>
          get('/v1/incidents/unattributed', { entityRef: ENTITY }),
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
          'argocd/app-name': ARGOCD_APP,
          'pagerduty.com/service-id': PAGERDUTY_SERVICE,
        }),
        [
          greenlightModuleGithub,
          greenlightModuleArgocd,
          greenlightModulePagerDuty,
        ],
        {
          integrations: {
            github: [
              { host: 'github.com', apiBaseUrl: github.url, token: TOKEN },
            ],
          },
          greenlight: {
            sources: {
              // Ten years: the worked example's dates are fixed.
              github: { days: 3650 },
              argocd: {
                instances: [
                  {
                    name: ARGOCD_INSTANCE,
                    baseUrl: argocd.baseUrl,
                    token: ARGOCD_TOKEN,
                    environment: 'production',
                  },
                ],
              },
              pagerduty: { webhookSecret: PAGERDUTY_SECRET },
            },
          },
        },
      );
      await connectors.trigger('greenlight-source-github');
      await connectors.trigger('greenlight-source-argocd');
      for (const [eventType, occurredAt] of [
        ['incident.triggered', incident.detected],
        ['incident.resolved', incident.resolved],
      ] as const) {
        const body = JSON.stringify(pagerdutyWebhook(eventType, occurredAt));
        const delivered = await request(connectors.server)
          .post('/api/greenlight/v1/sources/pagerduty/webhook')
          .set('Content-Type', 'application/json')
          .set(
            'X-PagerDuty-Signature',
            `v1=${createHmac('sha256', PAGERDUTY_SECRET)
              .update(body)
              .digest('hex')}`,
          )
          .send(body);
        expect(delivered.status).toBe(200);
      }
      await connectors.trigger('greenlight-dora-rollups');

      const native = await start(shop({}), [], {});
      const posted = await request(native.server)
        .post('/api/greenlight/v1/events')
        .set('Authorization', mockCredentials.service.header())
        .send({ events: nativeHistory() });
      expect(posted.status).toBe(200);
      await native.trigger('greenlight-dora-rollups');

      const within1Percent = (value: number, paper: number) =>
        expect(Math.abs(value - paper)).toBeLessThanOrEqual(0.01 * paper);
      const lead = {
        n: 4,
        // Quantiles come from a mergeable sketch, exact to within 1 %.
        median: expect.any(Number),
        p90: expect.any(Number),
        basis: { fromCommit: 4, fromMerge: 0 },
      };

      // Unattributed: no failure yet.
      const unattributed = await connectors.view();
      expect(unattributed.dora).toEqual({
        deployments: 4,
        lead,
        changeFail: { numerator: 0, denominator: 4 },
        recovery: { n: 0, median: null },
      });
      within1Percent(unattributed.dora.lead.median, 3.5 * HOUR);
      within1Percent(unattributed.dora.lead.p90, 6 * HOUR);
      expect(unattributed.runningWhere).toEqual([
        {
          name: 'staging',
          releaseId: `github.com/${FULL_NAME}/deployments/104`,
          commitSha: sha(4),
        },
        {
          name: 'production',
          releaseId: argocdDeployment(3),
          commitSha: sha(4),
        },
      ]);
      expect(unattributed.releases).toHaveLength(9);
      expect(
        unattributed.releases.filter((r: any) => r.status === 'failed'),
      ).toEqual([]);
      expect(await native.view()).toEqual(unattributed);

      // The incident waits for a person, with c3's release, running at detection, first.
      const waiting = await connectors.unattributed();
      expect(waiting.status).toBe(200);
      expect(waiting.body.items).toHaveLength(1);
      expect(waiting.body.items[0]).toMatchObject({
        id: INCIDENT_ID,
        environment: 'production',
      });
      expect(waiting.body.items[0].candidates[0].deploymentId).toBe(
        C3_PRODUCTION,
      );

      // The person's decision, on both sides; it counts at once.
      for (const side of [connectors, native]) {
        const decided = await side.attribute(INCIDENT_ID, ATTRIBUTION);
        expect(decided.status).toBe(200);
        expect(decided.body).toMatchObject({
          incidentId: INCIDENT_ID,
          verdict: 'deployment',
          deploymentId: C3_PRODUCTION,
        });
      }

      const fromConnectors = await connectors.view();
      expect(fromConnectors.dora).toEqual({
        deployments: 4,
        lead,
        changeFail: { numerator: 1, denominator: 4 },
        recovery: { n: 1, median: expect.any(Number) },
      });
      within1Percent(fromConnectors.dora.lead.median, 3.5 * HOUR);
      within1Percent(fromConnectors.dora.lead.p90, 6 * HOUR);
      within1Percent(fromConnectors.dora.recovery.median, 3 * HOUR);
      expect(fromConnectors.runningWhere).toEqual(unattributed.runningWhere);
      expect(fromConnectors.releases).toEqual(unattributed.releases);
      expect(await native.view()).toEqual(fromConnectors);
    });
  });
});
