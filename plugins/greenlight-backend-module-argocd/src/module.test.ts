import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the test runs the real plugin this module extends
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight-backend';
import request from 'supertest';
import greenlightModuleArgocd from './index';

describe('the argocd module without its configuration', () => {
  it('logs that it is disabled and adds no source, and the plugin still starts', async () => {
    const logger = mockServices.logger.mock();
    const backend = await startTestBackend({
      features: [
        greenlightPlugin,
        greenlightModuleArgocd,
        catalogServiceMock.factory({ entities: [] }),
        logger.factory,
      ],
    });
    try {
      const res = await request(backend.server)
        .get('/api/greenlight/v1/sources')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringContaining('ingestion source is disabled'),
      );
      const webhook = await request(backend.server)
        .post('/api/greenlight/v1/sources/argocd/webhook')
        .set('Content-Type', 'application/json')
        .send('{}');
      expect(webhook.status).toBe(404);
    } finally {
      await backend.stop();
    }
  });
});

describe('the argocd module at startup', () => {
  const start = async (projects?: string[]) => {
    const logger = mockServices.logger.mock();
    const backend = await startTestBackend({
      features: [
        greenlightPlugin,
        greenlightModuleArgocd,
        catalogServiceMock.factory({ entities: [] }),
        logger.factory,
        mockServices.rootConfig.factory({
          data: {
            greenlight: {
              sources: {
                argocd: {
                  instances: [
                    {
                      name: 'prod-cluster',
                      baseUrl: 'https://argocd.example.com',
                      token: 't',
                      environment: 'production',
                      ...(projects ? { projects } : {}),
                    },
                  ],
                },
              },
            },
          },
        }),
      ],
    });
    await backend.stop();
    return logger.warn.mock.calls.map(c => String(c[0]));
  };

  it('warns, naming the instance, when an instance lists no projects', async () => {
    expect(await start()).toContainEqual(
      expect.stringContaining(
        'Argo CD instance prod-cluster lists no projects (greenlight.sources.argocd.instances[].projects)',
      ),
    );
    expect(await start(['payments'])).not.toContainEqual(
      expect.stringContaining('lists no projects'),
    );
  });
});
