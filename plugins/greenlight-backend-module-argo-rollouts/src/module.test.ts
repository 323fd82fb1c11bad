import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  greenlightRollbackExecutorsExtensionPoint,
  RollbackExecutor,
} from '@greenlight/backstage-plugin-greenlight-node';
import argoRolloutsModule from './index';
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

const request = {
  rolloutId: 'r1',
  entityRef: 'component:default/payments',
  environment: 'production',
  deploymentId: 'd1',
  artifactDigest: `sha256:${'a'.repeat(64)}`,
  reason: 'error rate',
  idempotencyKey: 'r1',
  evidence: { summary: 'error rate' },
};

describe('the Argo Rollouts module', () => {
  it('registers `argo-rollouts` and finds the Rollout by the entity annotation argocd/rollout-name', async () => {
    // A cluster that knows no Rollout: the executor's first call shows which name it asked for.
    const server = await startServer(() => ({ status: 404, body: {} }));
    const executors: RollbackExecutor[] = [];
    const backend = await startTestBackend({
      features: [
        collectingPlugin(executors),
        argoRolloutsModule,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'payments',
                namespace: 'default',
                annotations: { 'argocd/rollout-name': 'payments-rollout' },
              },
              spec: {
                type: 'service',
                owner: 'team-a',
                lifecycle: 'production',
              },
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            greenlight: {
              rollouts: {
                argo: {
                  apiUrl: server.url,
                  token: 'k8s-token',
                  namespace: 'shop',
                  environments: [{ name: 'production' }],
                },
              },
            },
          },
        }),
      ],
    });
    try {
      expect(executors.map(e => e.id)).toEqual(['argo-rollouts']);
      const result = await executors[0].rollback(request);
      expect(result.status).toBe('failed');
      expect(server.received[0].url).toBe(
        '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/payments-rollout',
      );
      expect(server.received[0].headers.authorization).toBe('Bearer k8s-token');
      const unknown = await executors[0].rollback({
        ...request,
        entityRef: 'component:default/elsewhere',
      });
      expect(unknown).toMatchObject({
        status: 'failed',
        message: 'entity component:default/elsewhere is not in the catalog',
      });
    } finally {
      await backend.stop();
      await server.close();
    }
  });

  it('registers nothing, and lets the plugin start, when it is not configured', async () => {
    const executors: RollbackExecutor[] = [];
    const backend = await startTestBackend({
      features: [
        collectingPlugin(executors),
        argoRolloutsModule,
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    expect(executors).toEqual([]);
    await backend.stop();
  });
});
