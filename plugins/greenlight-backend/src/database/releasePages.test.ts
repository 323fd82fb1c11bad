import { mockServices } from '@backstage/backend-test-utils';
import { staticResolver } from '../__testUtils__/demoServices';
import { IngestService } from '../service/IngestService';
import { KnexLedgerStore } from './KnexLedgerStore';
import { applyMigrations } from './migrations';
import { createTestDatabases } from '@greenlight/test-utils';

// Migrations on a fresh PostgreSQL database alone can take seconds on a busy CI runner.
jest.setTimeout(60_000);

describe('release pages', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'on %p, walk every release once, newest first, across cursor pages and ties',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const store = new KnexLedgerStore(knex);
      const ingest = new IngestService(
        store,
        staticResolver,
        mockServices.logger.mock(),
      );
      // 60 deployments finishing in pairs at the same instant: 30 distinct times, so the id
      // decides the order inside each pair and a cursor often falls between two of a pair.
      const base = Date.parse('2026-03-01T00:00:00Z');
      const events = Array.from({ length: 60 }, (_, i) => ({
        id: `e-${i}`,
        type: 'deployment.finished' as const,
        serviceId: 'svc-0',
        deployment: {
          id: `d-${String(i).padStart(2, '0')}`,
          environment: 'production',
          status: 'succeeded' as const,
          strategy: 'all-at-once' as const,
          intent: 'planned' as const,
          finishedAt: new Date(base + Math.floor(i / 2) * 60_000).toISOString(),
        },
      }));
      await ingest.ingest({ source: 'native', events, actor: 'service:test' });

      const seen: string[] = [];
      let cursor: { sortTime: number; id: string } | undefined;
      for (let page = 0; page < 10; page++) {
        const result = await store.listReleases({
          entityRef: 'component:default/svc-0',
          limit: 25,
          cursor,
        });
        seen.push(...result.items.map(r => r.id));
        if (!result.nextCursor) break;
        const [time, id] = Buffer.from(result.nextCursor, 'base64url')
          .toString()
          .split(':');
        cursor = { sortTime: Number(time), id };
      }
      // d-59 and d-58 share the newest time; the larger id comes first.
      const expected = Array.from(
        { length: 60 },
        (_, i) => `d-${String(59 - i).padStart(2, '0')}`,
      );
      expect(seen).toEqual(expected);
      await knex.destroy();
    },
  );
});
