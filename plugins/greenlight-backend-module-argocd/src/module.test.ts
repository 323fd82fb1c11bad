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
