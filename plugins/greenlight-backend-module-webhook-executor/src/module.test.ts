import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  greenlightRollbackExecutorsExtensionPoint,
  RollbackExecutor,
} from '@greenlight/backstage-plugin-greenlight-node';
import webhookExecutorModule from './index';
import { startServer } from '@greenlight/test-utils';

/** Stands in for the Greenlight backend: owns the extension point and keeps what it gets. */
function collectingPlugin(executors: RollbackExecutor[]) {
  return createBackendPlugin({
    pluginId: 'greenlight',
    register(env) {
      env.registerExtensionPoint(greenlightRollbackExecutorsExtensionPoint, {
        addRollbackExecutor: (...added) => executors.push(...added),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
}

describe('the webhook executor module', () => {
  it('registers the executor `webhook` from greenlight.rollouts.webhook, and it calls the hook', async () => {
    const server = await startServer(() => ({ status: 202 }));
    const executors: RollbackExecutor[] = [];
    const backend = await startTestBackend({
      features: [
        collectingPlugin(executors),
        webhookExecutorModule,
        mockServices.rootConfig.factory({
          data: {
            greenlight: {
              rollouts: { webhook: { url: server.url, secret: 's3cret-key' } },
            },
          },
        }),
      ],
    });
    try {
      expect(executors.map(e => e.id)).toEqual(['webhook']);
      const result = await executors[0].rollback({
        rolloutId: 'r1',
        entityRef: 'component:default/payments',
        environment: 'production',
        deploymentId: 'd1',
        reason: 'error rate',
        idempotencyKey: 'r1',
        evidence: { summary: 'error rate' },
      });
      expect(result).toEqual({
        status: 'succeeded',
        message: 'webhook answered HTTP 202',
        retryable: false,
      });
      expect(server.received).toHaveLength(1);
    } finally {
      await backend.stop();
      await server.close();
    }
  });

  it('registers nothing, and lets the plugin start, when it is not configured', async () => {
    const executors: RollbackExecutor[] = [];
    const backend = await startTestBackend({
      features: [collectingPlugin(executors), webhookExecutorModule],
    });
    expect(executors).toEqual([]);
    await backend.stop();
  });

  it('stops the backend at startup on a URL that is not http(s)', async () => {
    await expect(
      startTestBackend({
        features: [
          collectingPlugin([]),
          webhookExecutorModule,
          mockServices.rootConfig.factory({
            data: {
              greenlight: {
                rollouts: { webhook: { url: 'ftp://x.example', secret: 'k' } },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      /greenlight.rollouts.webhook.url must be an http\(s\) URL/,
    );
  });
});
