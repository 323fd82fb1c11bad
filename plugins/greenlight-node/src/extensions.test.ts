import {
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import type { AttestationVerifier } from './attestationVerifier';
import {
  greenlightMetricProvidersExtensionPoint,
  greenlightRollbackExecutorsExtensionPoint,
  greenlightVerifiersExtensionPoint,
} from './extensions';
import type { MetricProvider } from './metricProvider';
import type { RollbackExecutor } from './rollbackExecutor';

const fakeProvider: MetricProvider = {
  id: 'fake',
  async query() {
    return { status: 'ok', samples: [{ labels: {}, value: 0.001 }] };
  },
  async queryRange() {
    return { status: 'no-data' };
  },
};

const fakeExecutor: RollbackExecutor = {
  id: 'fake-cd',
  async rollback(request) {
    return {
      status: 'succeeded',
      message: `rolled back ${request.deploymentId}`,
      retryable: false,
    };
  },
};

const fakeVerifier: AttestationVerifier = {
  id: 'fake-dsse',
  mediaTypes: ['application/vnd.dsse.envelope.v1+json'],
  async verify() {
    return { status: 'unverifiable', reason: 'no trusted keys' };
  },
};

/** Stands in for the Greenlight backend: owns the extension points and records what it got. */
interface Collected {
  providers: MetricProvider[];
  executors: RollbackExecutor[];
  verifiers: AttestationVerifier[];
}

function collectingPlugin(collected: Collected) {
  return createBackendPlugin({
    pluginId: 'greenlight',
    register(env) {
      env.registerExtensionPoint(greenlightMetricProvidersExtensionPoint, {
        addMetricProvider: (...providers) =>
          collected.providers.push(...providers),
      });
      env.registerExtensionPoint(greenlightRollbackExecutorsExtensionPoint, {
        addRollbackExecutor: (...executors) =>
          collected.executors.push(...executors),
      });
      env.registerExtensionPoint(greenlightVerifiersExtensionPoint, {
        addVerifier: (...verifiers) => collected.verifiers.push(...verifiers),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
}

const contributingModule = createBackendModule({
  pluginId: 'greenlight',
  moduleId: 'fake-integrations',
  register(env) {
    env.registerInit({
      deps: {
        metrics: greenlightMetricProvidersExtensionPoint,
        rollbacks: greenlightRollbackExecutorsExtensionPoint,
        verifiers: greenlightVerifiersExtensionPoint,
      },
      async init({ metrics, rollbacks, verifiers }) {
        metrics.addMetricProvider(fakeProvider);
        rollbacks.addRollbackExecutor(fakeExecutor);
        verifiers.addVerifier(fakeVerifier);
      },
    });
  },
});

describe('Greenlight extension points', () => {
  it('carries providers, executors and verifiers from a module to the plugin', async () => {
    const collected: Collected = {
      providers: [],
      executors: [],
      verifiers: [],
    };
    const backend = await startTestBackend({
      features: [collectingPlugin(collected), contributingModule],
    });
    expect(collected.providers).toEqual([fakeProvider]);
    expect(collected.executors).toEqual([fakeExecutor]);
    expect(collected.verifiers).toEqual([fakeVerifier]);
    await expect(
      collected.providers[0].query({ query: 'up', time: new Date() }),
    ).resolves.toEqual({
      status: 'ok',
      samples: [{ labels: {}, value: 0.001 }],
    });
    await backend.stop();
  });

  it('uses the documented extension point ids', () => {
    expect(greenlightMetricProvidersExtensionPoint.id).toBe(
      'greenlight.metric-providers',
    );
    expect(greenlightRollbackExecutorsExtensionPoint.id).toBe(
      'greenlight.rollback-executors',
    );
    expect(greenlightVerifiersExtensionPoint.id).toBe('greenlight.verifiers');
  });
});
