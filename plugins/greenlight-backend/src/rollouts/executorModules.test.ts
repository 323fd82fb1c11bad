import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import webhookExecutorModule from '@greenlight/backstage-plugin-greenlight-backend-module-webhook-executor';
import { greenlightPlugin } from '../plugin';

/** A logger for every plugin that keeps the warnings, so a test can read what an operator would. */
function capturingLogger(warnings: string[]) {
  const logger: LoggerService = {
    ...mockServices.logger.mock(),
    warn: (message: string) => void warnings.push(message),
    child: () => logger,
  };
  return createServiceFactory({
    service: coreServices.logger,
    deps: {},
    factory: () => logger,
  });
}

async function start(config: object, extra: any[] = []) {
  const warnings: string[] = [];
  const backend = await startTestBackend({
    features: [
      greenlightPlugin,
      catalogServiceMock.factory({ entities: [] }),
      mockServices.rootConfig.factory({ data: { greenlight: config } }),
      capturingLogger(warnings),
      ...extra,
    ],
  });
  return { backend, warnings };
}

describe('the backend plugin without and with executor modules', () => {
  it('starts alone and says that rollbacks are only recorded', async () => {
    const { backend, warnings } = await start({});
    const health = await fetch(
      `http://localhost:${backend.server.port()}/api/greenlight/health`,
    );
    expect(health.status).toBe(200);
    expect(warnings).toContainEqual(
      expect.stringMatching(/^No rollback executor is configured/),
    );
    await backend.stop();
  });

  it('names the module to add when its configuration is set without it', async () => {
    const { backend, warnings } = await start({
      rollouts: {
        webhook: { url: 'https://hooks.example.com/x', secret: 's' },
      },
      metrics: { prometheus: { baseUrl: 'https://prometheus.example.com' } },
    });
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'add @greenlight/backstage-plugin-greenlight-backend-module-webhook-executor to the backend',
        ),
        expect.stringContaining(
          'add @greenlight/backstage-plugin-greenlight-backend-module-prometheus to the backend',
        ),
      ]),
    );
    await backend.stop();
  });

  it('uses the executor the module registers, without warnings about it', async () => {
    const { backend, warnings } = await start(
      {
        rollouts: {
          webhook: { url: 'https://hooks.example.com/x', secret: 's' },
        },
      },
      [webhookExecutorModule],
    );
    expect(warnings.filter(w => /executor/i.test(w))).toEqual([]);
    await backend.stop();
  });
});
