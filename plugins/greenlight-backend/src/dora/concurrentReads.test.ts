import { DoraResponse } from '@greenlight/backstage-plugin-greenlight-common';
import { createTestDatabases } from '@greenlight/test-utils';
import {
  component,
  deployment,
  group,
  startDoraBackend,
} from './__testUtils__/doraBackend';

jest.setTimeout(120_000);

const entities = [component('cart', 'group:default/shop'), group('shop')];
const window = { from: '2026-04-06T00:00:00Z', to: '2026-04-20T00:00:00Z' };

describe('DORA reads that rebuild the same stale entity at once', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'on %p, all answer with the new deployment, none failing the rebuild of another',
    async databaseId => {
      const backend = await startDoraBackend({
        entities,
        knex: await databases.init(databaseId),
      });
      for (let round = 1; round <= 3; round++) {
        await backend.post([
          deployment(
            `t${round}`,
            'cart',
            'production',
            'succeeded',
            `2026-04-0${6 + round}T12:00:00Z`,
          ),
        ]);
        // Eight readers find the entity stale at once and each rebuilds it.
        const answers = await Promise.all(
          Array.from({ length: 8 }, () =>
            backend.get(
              '/v1/dora',
              { entityRef: 'cart', ...window },
              'service',
            ),
          ),
        );
        for (const res of answers) {
          expect(res.status).toBe(200);
          const body = res.body as DoraResponse;
          expect(body.current.deploymentFrequency.count).toBe(round);
          expect(body.dataQuality.map(f => f.id)).not.toContain(
            'rollups-refreshing',
          );
        }
      }
    },
  );
});
