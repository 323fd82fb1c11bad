import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { permissionsRegistryServiceFactory } from '@backstage/backend-defaults/permissionsRegistry';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight-backend';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { greenlightMetricProvidersExtensionPoint } from '@greenlight/backstage-plugin-greenlight-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { tableContents } from '@greenlight/test-utils';
import { GreenlightPermissionPolicy } from '../GreenlightPermissionPolicy';
import { StaticToken, testAuthServices } from './testAuth';

/**
 * The demo organisation in miniature: team-a owns payments, team-b owns checkout and ledger; ada is in
 * team-a, bob in team-b, rita is a release manager.
 */
const CATALOG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-b }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: release-managers }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  annotations:
    { greenlight.dev/service-id: payments, github.com/project-slug: acme/payments }
spec: { type: service, owner: group:default/team-a, lifecycle: production }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  annotations:
    { greenlight.dev/service-id: checkout, github.com/project-slug: acme/checkout }
spec: { type: service, owner: group:default/team-b, lifecycle: production }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  annotations: { greenlight.dev/service-id: ledger }
spec: { type: service, owner: group:default/team-b, lifecycle: production }
`;

export const MEMBERSHIP: Record<string, string[]> = {
  'user:default/ada': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
  'user:default/rita': ['group:default/release-managers'],
};

/** What the auth backend's sign-in resolver would issue: the user and their groups. */
const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(MEMBERSHIP[ref] ?? [])],
      };
    },
  }),
});

const policyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'greenlight-example-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(
          new GreenlightPermissionPolicy(['group:default/release-managers']),
        );
      },
    });
  },
});

/** A metric provider so that gates given inline can be started and replayed. */
const metricsModule = createBackendModule({
  pluginId: 'greenlight',
  moduleId: 'test-metrics',
  register(reg) {
    reg.registerInit({
      deps: { metrics: greenlightMetricProvidersExtensionPoint },
      async init({ metrics }) {
        metrics.addMetricProvider({
          id: 'series',
          query: async () => ({
            status: 'ok',
            samples: [{ labels: {}, value: 0.01 }],
          }),
          queryRange: async (q: {
            start: Date;
            end: Date;
            stepSeconds: number;
          }) => {
            const points: Array<[number, number]> = [];
            for (
              let t = q.start.getTime();
              t <= q.end.getTime();
              t += q.stepSeconds * 1000
            ) {
              points.push([t / 1000, 0.01]);
            }
            return { status: 'ok', series: [{ labels: {}, points }] };
          },
        } as any);
      },
    });
  },
});

export const as = {
  ada: mockCredentials.user.header('user:default/ada'),
  bob: mockCredentials.user.header('user:default/bob'),
  rita: mockCredentials.user.header('user:default/rita'),
  /** A service token by its subject, with no access restrictions. */
  pipeline: (subject: string) =>
    mockCredentials.service.header({
      onBehalfOf: mockCredentials.service(subject),
      targetPluginId: 'greenlight',
    }),
};

/**
 * The real Greenlight plugin, catalog, permission backend and the portal's example policy; the
 * Greenlight database is a file the test can count rows in.
 */
export async function startGovernedBackend(
  options: { greenlight?: object; tokens?: StaticToken[] } = {},
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlight-perm-'));
  fs.writeFileSync(path.join(dir, 'catalog.yaml'), CATALOG);
  const knexes: Knex[] = [];
  const sqlite = (file: string) => {
    const k = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, file) },
      useNullAsDefault: true,
    });
    knexes.push(k);
    return k;
  };
  const ledger = sqlite('greenlight.sqlite');
  const databaseFactory = createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => {
      const client =
        plugin.getId() === 'greenlight'
          ? ledger
          : sqlite(`${plugin.getId()}.sqlite`);
      return { getClient: async () => client };
    },
  });

  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      permissionPlugin,
      greenlightPlugin,
      policyModule,
      metricsModule,
      permissionsServiceFactory,
      permissionsRegistryServiceFactory,
      userInfoFactory,
      ...testAuthServices(options.tokens),
      databaseFactory,
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          catalog: {
            rules: [{ allow: ['Component', 'Group', 'User'] }],
            locations: [
              { type: 'file', target: path.join(dir, 'catalog.yaml') },
            ],
          },
          greenlight: {
            environments: [{ name: 'production', tier: 'production' }],
            ...options.greenlight,
          },
        },
      }),
    ],
  });
  const api = request(backend.server);
  // The catalog processes the location in the background; wait until ownership is stitched.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await api
      .get('/api/catalog/entities/by-name/component/default/checkout')
      .set('Authorization', mockCredentials.service.header());
    if (res.body?.relations?.some((r: any) => r.type === 'ownedBy')) break;
    if (Date.now() > deadline)
      throw new Error('the catalog did not process the test entities');
    await new Promise(r => setTimeout(r, 250));
  }
  return {
    api,
    ledger,
    async stop() {
      await backend.stop();
      await Promise.all(knexes.map(k => k.destroy()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Tables the backend's scheduled tasks write while a test runs (DORA's rollups, the watcher's
 * leases and evaluations, the reverification of attestations, sources' cursors): compared by
 * their number of rows only.
 */
const WRITTEN_BY_TASKS = [
  'dora_daily_rollups',
  'dora_entities',
  'dora_settings',
  'dora_unmapped_deployments',
  'dora_weekly_rollups',
  'provenance_cursors',
  'attestation_verdicts',
  'rollouts',
  'rollout_evaluations',
  'source_state',
];

/** What every Greenlight table holds: a refused write must change none of it. */
export async function ledgerContents(
  knex: Knex,
): Promise<Record<string, string>> {
  return tableContents(knex, { countsOnly: WRITTEN_BY_TASKS });
}
