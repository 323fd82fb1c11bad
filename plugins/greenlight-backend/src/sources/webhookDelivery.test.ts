import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { IngestionSource } from '@greenlight/backstage-plugin-greenlight-node';
import { Knex } from 'knex';
import request from 'supertest';
import { greenlightPlugin } from '../plugin';
import { component } from '../rollouts/__testUtils__/rolloutBackend';
import { ingestionSourceModule } from './__testUtils__/ingestionSourceModule';
import { createTestDatabases, rowCounts } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const ANNOTATION = 'example.com/app';

/** A tool whose one delivery reports a deployment of each of the apps it names. */
const source: IngestionSource = {
  id: 'example',
  annotations: [ANNOTATION],
  webhook: {
    authenticate: () => true,
    async handle({ body }) {
      const { id, names } = body as { id: string; names: string[] };
      return {
        batches: names.map(name => ({
          entityRef: `component:default/${name}`,
          events: [
            {
              id: `${id}-${name}`,
              type: 'deployment.finished' as const,
              deployment: {
                id: `${id}-${name}`,
                environment: 'production',
                status: 'succeeded' as const,
                finishedAt: '2026-11-30T10:00:00Z',
              },
            },
          ],
        })),
      };
    },
  },
};

describe('a webhook delivery for several entities', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    /** Entities whose next catalog lookup fails, as a catalog that times out does. */
    const failOnce = new Set<string>();

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      const catalog = catalogServiceMock({
        entities: [
          component('checkout', { [ANNOTATION]: 'checkout' }),
          component('payments', { [ANNOTATION]: 'payments' }),
          // Never named the tool.
          component('ledger'),
        ],
      });
      const lookUp = catalog.getEntityByRef.bind(catalog);
      jest
        .spyOn(catalog, 'getEntityByRef')
        .mockImplementation(async (ref, options) => {
          if (failOnce.delete(String(ref))) {
            throw new Error('catalog unavailable');
          }
          return lookUp(ref, options);
        });
      backend = await startTestBackend({
        features: [
          greenlightPlugin,
          ingestionSourceModule(source),
          createServiceFactory({
            service: catalogServiceRef,
            deps: {},
            factory: () => catalog,
          }),
          mockServices.database.factory({ knex }),
        ],
      });
    });

    afterEach(() => backend.stop());

    const deliver = (body: object) =>
      request(backend.server)
        .post('/api/greenlight/v1/sources/example/webhook')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
    const eventIds = () => knex('events').orderBy('id').pluck('id');

    it('writes nothing when it fails half-way, and its retry writes every event once', async () => {
      const before = await rowCounts(knex);
      const delivery = { id: 'd1', names: ['checkout', 'payments'] };
      failOnce.add('component:default/payments');

      const failed = await deliver(delivery);
      expect(failed.status).toBe(500);
      expect(await rowCounts(knex)).toEqual(before);

      const retried = await deliver(delivery);
      expect(retried.body).toEqual({ accepted: 2, duplicates: 0, ignored: 0 });
      const written = await rowCounts(knex);

      // The tool did not see the answer and sends it once more.
      const again = await deliver(delivery);
      expect(again.body).toEqual({ accepted: 0, duplicates: 2, ignored: 0 });
      expect(await rowCounts(knex)).toEqual(written);
      expect(await eventIds()).toEqual([
        'example:d1-checkout',
        'example:d1-payments',
      ]);
    });

    it('writes none of it when one entity never named the source', async () => {
      const before = await rowCounts(knex);
      const res = await deliver({ id: 'd2', names: ['checkout', 'ledger'] });
      expect(res.status).toBe(403);
      expect(await rowCounts(knex)).toEqual(before);
    });
  });
});
