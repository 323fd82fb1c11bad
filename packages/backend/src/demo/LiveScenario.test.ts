import {
  coreServices,
  createBackendModule,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight-backend';
import {
  greenlightMetricProvidersExtensionPoint,
  greenlightRollbackExecutorsExtensionPoint,
} from '@greenlight/backstage-plugin-greenlight-node';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { demoAttestations, loadDemoKeys } from './attestations';
import { canaryEvidence } from './canaryEvidence';
import { DemoMetricProvider } from './DemoMetricProvider';
import { DemoRollbackExecutor } from './DemoRollbackExecutor';
import { DEMO_SERVICES } from './demoServices';
import { LiveScenario } from './LiveScenario';
import { DemoPoster } from './poster';
import { demoHistory } from './seedHistory';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../../../..');
const keysDir = path.join(ROOT, 'examples/demo-org/keys');
const LIVE = ['payments-api', 'checkout-service'];
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

const entity = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'greenlight.dev/service-id': name,
      'greenlight.dev/expected-source': `github.com/acme/${name}`,
      'greenlight.dev/allowed-builders':
        'https://github.com/actions/runner/github-hosted',
    },
  },
  spec: {
    type: 'service',
    owner: 'group:default/payments-team',
    lifecycle: 'production',
  },
});

/** The demo organisation's SLO for the service, evaluated every second and decided in three. */
const fastSlo = (name: string) =>
  fs
    .readFileSync(path.join(ROOT, `examples/demo-org/slo/${name}.yaml`), 'utf8')
    .replace(/greenlight\.dev\/interval: \S+/, 'greenlight.dev/interval: 1s')
    .replace(
      /greenlight\.dev\/evaluations: \S+/,
      "greenlight.dev/evaluations: '3'",
    );

describe('the live demo scenario', () => {
  it('plays canaries with signed, tested artifacts; the rollback restores the verified artifact production ran before', async () => {
    const keys = loadDemoKeys(keysDir);
    const metrics = new DemoMetricProvider();
    // The backend's own address is known once it listens; the poster asks for it when it posts.
    let base = '';
    const discovery: DiscoveryService = {
      getBaseUrl: async () => base,
      getExternalBaseUrl: async () => base,
    };
    let poster: DemoPoster | undefined;
    // What demoModule registers, without its schedules: the test plays the rounds itself.
    const demoExtensions = createBackendModule({
      pluginId: 'greenlight',
      moduleId: 'demo-test',
      register(reg) {
        reg.registerInit({
          deps: {
            auth: coreServices.auth,
            metricProviders: greenlightMetricProvidersExtensionPoint,
            rollbackExecutors: greenlightRollbackExecutorsExtensionPoint,
          },
          async init(deps) {
            poster = new DemoPoster({ discovery, auth: deps.auth });
            deps.metricProviders.addMetricProvider(metrics);
            deps.rollbackExecutors.addRollbackExecutor(
              new DemoRollbackExecutor(poster),
            );
          },
        });
      },
    });
    const scheduler = mockServices.scheduler.mock();
    const backend = await startTestBackend({
      features: [
        greenlightPlugin,
        demoExtensions,
        scheduler.factory,
        catalogServiceMock.factory({
          entities: DEMO_SERVICES.map(s => entity(s.name)),
        }),
        mockServices.rootConfig.factory({
          data: {
            greenlight: {
              provenance: {
                trustedKeys: [
                  {
                    keyId: 'demo-release-signer',
                    publicKeyFile: path.join(
                      keysDir,
                      'demo-release-signer.pub.pem',
                    ),
                    builderIds: [
                      'https://github.com/actions/runner/github-hosted',
                    ],
                    slsaLevel: 3,
                  },
                ],
              },
              gates: {
                entities: LIVE.map(name => ({
                  entityRef: `component:default/${name}`,
                  slo: fastSlo(name),
                })),
              },
            },
          },
        }),
      ],
    });
    const { server } = backend;
    base = `http://localhost:${server.port()}/api/greenlight`;
    const watcher = scheduler.scheduleTask.mock.calls.find(
      ([t]) => t.id === 'greenlight-rollout-watcher',
    )![0];
    const get = async (pathAndQuery: string) => {
      const res = await request(server)
        .get(`/api/greenlight${pathAndQuery}`)
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      return res.body;
    };
    const production = async (name: string) =>
      (
        await get(`/v1/environments?entityRef=component:default/${name}`)
      ).environments.find((e: any) => e.name === 'production').current;
    const check = async (name: string, id: string) =>
      (
        await get(`/v1/checklist?entityRef=component:default/${name}`)
      ).checks.find((c: any) => c.id === id);

    try {
      // The seeded history of both services, in production, as the demo posts it.
      const history = demoHistory(Date.now(), keys)
        .filter(e => LIVE.includes(e.serviceId ?? ''))
        .filter(
          e =>
            !e.type.startsWith('deployment.') ||
            (e as any).deployment.environment === 'production',
        );
      await poster!.post(history);
      const before = {
        payments: await production('payments-api'),
        checkout: await production('checkout-service'),
      };
      expect(before.checkout.provenance?.status).toBe('verified');

      // What demoModule plays, one instance per backend process.
      const play = () =>
        new LiveScenario({
          poster: poster!,
          metrics,
          logger: mockServices.logger.mock(),
          services: [
            { name: 'payments-api', health: 'healthy' },
            { name: 'checkout-service', health: 'breaching' },
          ],
          keys,
        });
      const startedAt = Date.now();
      await play().startCanaries(startedAt);
      const canaries = await Promise.all(
        LIVE.map(async name => {
          const { items } = await get(
            `/v1/rollouts?entityRef=component:default/${name}`,
          );
          expect(items).toHaveLength(1);
          return items[0];
        }),
      );
      const [paymentsCanary, checkoutCanary] = canaries.map(
        r => r.deploymentId as string,
      );

      // Each canary's pipeline reported a signed artifact and a passing test run of it.
      for (const [name, deploymentId] of [
        ['payments-api', paymentsCanary],
        ['checkout-service', checkoutCanary],
      ]) {
        const release = await get(
          `/v1/releases/${encodeURIComponent(deploymentId)}`,
        );
        expect(release.provenance?.status).toBe('verified');
        const from = new Date(startedAt - 60_000).toISOString();
        const to = new Date(Date.now() + 60_000).toISOString();
        const { items } = await get(
          `/v1/violations?entityRef=component:default/${name}&from=${encodeURIComponent(
            from,
          )}&to=${encodeURIComponent(to)}`,
        );
        expect(items).toEqual([]);
      }

      // The backend restarts while both canaries run: the new process follows them up rather
      // than starting a second canary beside each, and finishes the one that is promoted.
      const scenario = play();
      await scenario.startCanaries(Date.now() + 60_000);
      for (const name of LIVE) {
        expect(
          (await get(`/v1/rollouts?entityRef=component:default/${name}`)).items,
        ).toHaveLength(1);
      }

      // The watcher decides: payments-api is promoted, checkout-service rolled back.
      for (let round = 0; round < 15; round++) {
        await sleep(1100);
        await watcher.fn(new AbortController().signal);
        await scenario.followUp();
        const states = await Promise.all(
          LIVE.map(
            async name =>
              (
                await get(`/v1/rollouts?entityRef=component:default/${name}`)
              ).items[0].state,
          ),
        );
        if (states[0] === 'promoted' && states[1] === 'rolled-back') break;
      }
      expect(
        (await get('/v1/rollouts?entityRef=component:default/payments-api'))
          .items[0].state,
      ).toBe('promoted');
      expect(
        (await get('/v1/rollouts?entityRef=component:default/checkout-service'))
          .items[0].state,
      ).toBe('rolled-back');

      // payments-api runs its promoted canary: signed, verified, tested.
      const payments = await production('payments-api');
      expect(payments.releaseId).toBe(paymentsCanary);
      expect(payments.provenance?.status).toBe('verified');

      // checkout-service runs what it ran before the canary again, with its provenance.
      const checkout = await production('checkout-service');
      expect(checkout).toMatchObject({
        releaseId: `${checkoutCanary}-rollback`,
        artifactDigest: before.checkout.artifactDigest,
        version: before.checkout.version,
        commitSha: before.checkout.commitSha,
      });
      expect(checkout.provenance?.status).toBe('verified');
      expect(
        (await get(`/v1/releases/${encodeURIComponent(checkoutCanary)}`))
          .status,
      ).toBe('rolled-back');

      // The production-grade checks agree, for both services.
      for (const name of LIVE) {
        expect(await check(name, 'signed-traceable')).toMatchObject({
          status: 'pass',
        });
        expect(await check(name, 'mandatory-tests')).toMatchObject({
          status: 'pass',
        });
      }
    } finally {
      await backend.stop();
    }
  });
});

describe('the demo signing', () => {
  it('signs a live canary of a service the way its seeded history is signed', () => {
    const keys = loadDemoKeys(keysDir);
    const digest = `sha256:${'a'.repeat(64)}`;
    const signatureKeyOf = (events: ReturnType<typeof canaryEvidence>) =>
      events
        .flatMap(e => (e.type === 'artifact' ? e.attestations ?? [] : []))
        .map(a => (a as any).content.signatures[0].keyid);
    for (const service of DEMO_SERVICES) {
      const canary = canaryEvidence({
        service: service.name,
        deploymentId: `${service.name}-live`,
        digest,
        commitSha: 'b'.repeat(40),
        at: Date.now(),
        keys,
      });
      const seeded = demoAttestations(
        service.name,
        { name: service.name, digest },
        keys,
      ).map(a => a.content.signatures[0].keyid);
      expect(signatureKeyOf(canary)).toEqual(seeded);
      expect(canary.map(e => e.type)).toEqual([
        'build',
        'artifact',
        'test.run',
      ]);
    }
  });
});
