import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight-backend';
import path from 'node:path';
import request from 'supertest';
import { loadDemoKeys } from './attestations';
import { DEMO_SERVICES } from './demoServices';
import { demoHistory } from './seedHistory';

jest.setTimeout(120_000);

const keysDir = path.resolve(__dirname, '../../../../examples/demo-org/keys');
const NOW = Date.parse('2026-06-15T12:00:00Z');

const entity = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'greenlight.dev/service-id': name,
      'greenlight.dev/expected-source': `github.com/acme/${name}`,
    },
  },
  spec: { type: 'service', owner: 'group:default/payments-team', lifecycle: 'production' },
});

describe('the demo history', () => {
  it('is the same events on the same day and the next, so re-seeding only duplicates', () => {
    const keys = loadDemoKeys(keysDir);
    const today = demoHistory(NOW, keys).map(e => e.id);
    const laterToday = demoHistory(NOW + 3_600_000, keys).map(e => e.id);
    const tomorrow = demoHistory(NOW + 86_400_000, keys).map(e => e.id);
    expect(today.length).toBeGreaterThan(1000);
    expect(laterToday).toEqual(today);
    expect(new Set(tomorrow)).toEqual(new Set(today));
  });

  it('shows every provenance verdict and is idempotent through the real API', async () => {
    const { server } = await startTestBackend({
      features: [
        greenlightPlugin,
        catalogServiceMock.factory({ entities: DEMO_SERVICES.map(s => entity(s.name)) }),
        mockServices.rootConfig.factory({
          data: {
            greenlight: {
              provenance: {
                trustedKeys: [
                  {
                    keyId: 'demo-release-signer',
                    publicKeyFile: path.join(keysDir, 'demo-release-signer.pub.pem'),
                    builderIds: ['https://github.com/actions/runner/github-hosted'],
                    slsaLevel: 3,
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    const wanted = new Set(['payments-api', 'fraud-scoring', 'cart-service', 'build-runner']);
    const events = demoHistory(NOW, loadDemoKeys(keysDir))
      .filter(e => wanted.has(e.serviceId ?? ''))
      // progressive deployments would start rollouts; the verdicts are what this test is about
      .filter(e => !e.type.startsWith('deployment.') || (e as any).deployment.environment === 'production');
    const post = async () => {
      let duplicates = 0;
      for (let i = 0; i < events.length; i += 500) {
        const res = await request(server)
          .post('/api/greenlight/v1/events')
          .set('Authorization', mockCredentials.service.header())
          .send({ events: events.slice(i, i + 500) });
        expect(res.status).toBe(200);
        duplicates += res.body.duplicates;
      }
      return duplicates;
    };
    expect(await post()).toBe(0);
    expect(await post()).toBe(events.length);

    const verdictOf = async (name: string) => {
      const res = await request(server)
        .get('/api/greenlight/v1/environments')
        .query({ entityRef: `component:default/${name}` })
        .set('Authorization', mockCredentials.user.header());
      const production = res.body.environments.find((e: any) => e.name === 'production');
      return production.current?.provenance?.status;
    };
    expect(await verdictOf('payments-api')).toBe('verified');
    expect(await verdictOf('fraud-scoring')).toBe('unverifiable');
    expect(await verdictOf('cart-service')).toBe('invalid');
    expect(await verdictOf('build-runner')).toBe('unsigned');
  });
});
