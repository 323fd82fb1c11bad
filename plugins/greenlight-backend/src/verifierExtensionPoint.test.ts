import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AttestationVerifier,
  greenlightMetricProvidersExtensionPoint,
  greenlightRollbackExecutorsExtensionPoint,
  greenlightVerifiersExtensionPoint,
} from '@greenlight/backstage-plugin-greenlight-node';
import request from 'supertest';
import {
  artifactEvent,
  ENTITIES,
  service,
} from './provenance/__testUtils__/provenanceBackend';
import { greenlightPlugin } from './plugin';

jest.setTimeout(60_000);

const MEDIA_TYPE = 'application/x-test-signature';
const DIGEST = `sha256:${'1'.repeat(64)}`;

const verifier = (id: string): AttestationVerifier => ({
  id,
  mediaTypes: [MEDIA_TYPE],
  verify: async () => ({ status: 'verified' }),
});

/** A module adding these verifiers in one call per list. */
const adding = (moduleId: string, ...calls: AttestationVerifier[][]) =>
  createBackendModule({
    pluginId: 'greenlight',
    moduleId,
    register(env) {
      env.registerInit({
        deps: { verifiers: greenlightVerifiersExtensionPoint },
        async init({ verifiers }) {
          for (const list of calls) verifiers.addVerifier(...list);
        },
      });
    },
  });

const start = (...modules: ReturnType<typeof adding>[]) =>
  startTestBackend({
    features: [
      greenlightPlugin,
      catalogServiceMock.factory({ entities: ENTITIES }),
      mockServices.rootConfig.factory({ data: {} }),
      ...modules,
    ],
  });

describe('the verifiers extension point', () => {
  it('registers every verifier of one call', async () => {
    const backend = await start(
      adding('both', [verifier('first'), verifier('second')]),
    );
    try {
      await request(backend.server)
        .post('/api/greenlight/v1/events')
        .set('Authorization', service)
        .send({ events: [artifactEvent('a-1', DIGEST)] })
        .expect(200);
      const res = await request(backend.server)
        .post('/api/greenlight/v1/attestations')
        .set('Authorization', service)
        .send({ artifactDigest: DIGEST, mediaType: MEDIA_TYPE, content: {} });
      expect(res.status).toBe(201);
      expect(
        res.body.attestation.verdicts.map(
          (v: { verifier: string }) => v.verifier,
        ),
      ).toEqual(['first', 'second']);
    } finally {
      await backend.stop();
    }
  });

  it.each([
    ['in one call', [adding('one', [verifier('dup'), verifier('dup')])]],
    ['in two calls', [adding('one', [verifier('dup')], [verifier('dup')])]],
    [
      'by two modules',
      [adding('one', [verifier('dup')]), adding('two', [verifier('dup')])],
    ],
  ])('refuses a verifier id registered twice %s', async (_, modules) => {
    await expect(start(...modules)).rejects.toThrow(
      "A verifier with id 'dup' is already registered",
    );
  });

  it('refuses the id of the built-in verifier', async () => {
    await expect(
      start(adding('impostor', [verifier('greenlight')])),
    ).rejects.toThrow(
      "The verifier id 'greenlight' is reserved for the built-in verifier",
    );
  });
});

describe('the metric provider and rollback executor extension points', () => {
  /** A module adding two of the same id in one call: both must be seen, so the second is refused. */
  const twiceInOneCall = (
    moduleId: string,
    add: (env: { metrics: any; executors: any }) => void,
  ) =>
    createBackendModule({
      pluginId: 'greenlight',
      moduleId,
      register(env) {
        env.registerInit({
          deps: {
            metrics: greenlightMetricProvidersExtensionPoint,
            executors: greenlightRollbackExecutorsExtensionPoint,
          },
          async init(deps) {
            add(deps);
          },
        });
      },
    });
  const provider = {
    id: 'same',
    query: async () => ({ value: 0 }),
    queryRange: async () => ({ points: [] }),
  } as any;
  const executor = {
    id: 'same',
    rollback: async () => ({ status: 'succeeded' }),
  } as any;

  it('take every argument of one call', async () => {
    await expect(
      start(
        twiceInOneCall('metrics', ({ metrics }) =>
          metrics.addMetricProvider(provider, provider),
        ) as any,
      ),
    ).rejects.toThrow(/same/);
    await expect(
      start(
        twiceInOneCall('executors', ({ executors }) =>
          executors.addRollbackExecutor(executor, executor),
        ) as any,
      ),
    ).rejects.toThrow(/same/);
  });
});
