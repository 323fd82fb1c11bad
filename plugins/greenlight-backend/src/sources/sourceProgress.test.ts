import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { IngestionSource } from '@greenlight/backstage-plugin-greenlight-node';
import { Knex } from 'knex';
import request from 'supertest';
import {
  component,
  startRolloutBackend,
} from '../rollouts/__testUtils__/rolloutBackend';
import { ingestionSourceModule } from './__testUtils__/ingestionSourceModule';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const ANNOTATION = 'example.com/repository';

/**
 * A source that reports progress the way the GitHub backfill does, per entity, plus one
 * source-wide entry; `restricted-ledger` is visible to services only.
 */
const source: IngestionSource = {
  id: 'example',
  annotations: [ANNOTATION],
  pull: {
    schedule: { frequency: { hours: 1 }, timeout: { minutes: 5 } },
    async run(ctx) {
      for (const name of ['checkout', 'restricted-ledger']) {
        await ctx.state.set(`progress:component:default/${name}`, {
          repository: `acme/${name}`,
          phase: 'done',
        });
      }
      await ctx.state.set('progress:instance-main', { applications: 2 });
      await ctx.state.set('cursor:component:default/restricted-ledger', 7);
    },
  },
};

describe('GET /v1/sources shows progress only for entities the caller may see', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const scheduler = mockServices.scheduler.mock();
      backend = await startRolloutBackend({
        knex,
        entities: [
          component('checkout', { [ANNOTATION]: 'acme/checkout' }),
          component('restricted-ledger', {
            [ANNOTATION]: 'acme/restricted-ledger',
          }),
        ],
        scheduler: scheduler.factory,
        extra: [ingestionSourceModule(source)],
      });
      const pull = scheduler.scheduleTask.mock.calls
        .map(c => c[0])
        .find(t => t.id === 'greenlight-source-example')!;
      await pull.fn(new AbortController().signal);
    });

    afterAll(() => backend.stop());

    const listAs = (authorization: string) =>
      request(backend.server)
        .get('/api/greenlight/v1/sources')
        .set('Authorization', authorization);

    it('leaves no trace of an entity the user cannot see', async () => {
      const res = await listAs(mockCredentials.user.header('user:default/ada'));
      expect(res.status).toBe(200);
      const [item] = res.body.items;
      expect(item.progress.map((p: { key: string }) => p.key)).toEqual([
        'component:default/checkout',
        'instance-main',
      ]);
      expect(item.progress[0].value).toEqual({
        repository: 'acme/checkout',
        phase: 'done',
      });
      expect(JSON.stringify(res.body)).not.toContain('restricted-ledger');
    });

    it('shows every entity to a caller the catalog shows them to', async () => {
      const res = await listAs(mockCredentials.service.header());
      expect(res.status).toBe(200);
      const [item] = res.body.items;
      expect(item.progress).toEqual([
        expect.objectContaining({ key: 'component:default/checkout' }),
        expect.objectContaining({
          key: 'component:default/restricted-ledger',
          value: { repository: 'acme/restricted-ledger', phase: 'done' },
        }),
        expect.objectContaining({ key: 'instance-main' }),
      ]);
      // Cursors are never listed, whoever asks.
      expect(JSON.stringify(res.body)).not.toContain('"cursor');
    });
  });
});
