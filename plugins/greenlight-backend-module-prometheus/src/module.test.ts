import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  greenlightMetricProvidersExtensionPoint,
  MetricProvider,
} from '@greenlight/backstage-plugin-greenlight-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import prometheusModule from './index';

/** Stands in for the Greenlight backend: owns the extension point and keeps what it gets. */
function collectingPlugin(providers: MetricProvider[]) {
  return createBackendPlugin({
    pluginId: 'greenlight',
    register(env) {
      env.registerExtensionPoint(greenlightMetricProvidersExtensionPoint, {
        addMetricProvider: (...added) => providers.push(...added),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
}

describe('the Prometheus module', () => {
  it('registers the provider `prometheus` from greenlight.metrics.prometheus, with its token', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'vector',
            result: [{ metric: {}, value: [1, '0.25'] }],
          },
        }),
      );
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }`;
    const providers: MetricProvider[] = [];
    const backend = await startTestBackend({
      features: [
        collectingPlugin(providers),
        prometheusModule,
        mockServices.rootConfig.factory({
          data: {
            greenlight: {
              metrics: { prometheus: { baseUrl, token: 'prom-token' } },
            },
          },
        }),
      ],
    });
    try {
      expect(providers.map(p => p.id)).toEqual(['prometheus']);
      await expect(
        providers[0].query({ query: 'up', time: new Date() }),
      ).resolves.toEqual({
        status: 'ok',
        samples: [{ labels: {}, value: 0.25 }],
      });
      expect(seen[0].authorization).toBe('Bearer prom-token');
    } finally {
      await backend.stop();
      await new Promise(r => server.close(r));
    }
  });

  it('registers nothing, and lets the plugin start, when it is not configured', async () => {
    const providers: MetricProvider[] = [];
    const backend = await startTestBackend({
      features: [collectingPlugin(providers), prometheusModule],
    });
    expect(providers).toEqual([]);
    await backend.stop();
  });
});
