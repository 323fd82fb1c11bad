import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { ledgerSnapshot as snapshot } from '../__testUtils__/ledgerSnapshot';
import { sampleServices, staticResolver } from '../__testUtils__/demoServices';
import { KnexLedgerStore } from '../database/KnexLedgerStore';
import { applyMigrations } from '../database/migrations';
import { IngestService } from '../service/IngestService';
import {
  generateHistory,
  GreenlightEvent,
  seededRandom,
} from '@greenlight/backstage-plugin-greenlight-common';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(300_000);

async function ingestAll(knex: Knex, events: GreenlightEvent[]) {
  const store = new KnexLedgerStore(knex);
  const ingest = new IngestService(store, staticResolver, mockServices.logger.mock());
  let duplicates = 0;
  for (let i = 0; i < events.length; i += 500) {
    const result = await ingest.ingest({ source: 'native', events: events.slice(i, i + 500), actor: 'service:test' });
    duplicates += result.duplicates;
  }
  return duplicates;
}

describe('replaying the event stream', () => {
  const databases = createTestDatabases();
  const all = generateHistory({
    seed: 42,
    services: sampleServices(12),
    start: Date.parse('2026-01-01T00:00:00Z'),
    days: 400,
  });
  const stream = all.slice(0, 10_000);

  it('is a stream of 10,000 mixed events', () => {
    expect(stream).toHaveLength(10_000);
    const types = new Set(stream.map(e => e.type));
    expect([...types].sort()).toEqual([
      'artifact',
      'build',
      'commits',
      'deployment.finished',
      'deployment.started',
      'incident.opened',
      'incident.resolved',
      'test.run',
    ]);
  });

  it.each(databases.eachSupportedId())(
    'twice, shuffled the second time, leaves %p as one ordered pass does',
    async databaseId => {
      const ordered = await databases.init(databaseId);
      const replayed = await databases.init(databaseId);
      await applyMigrations(ordered);
      await applyMigrations(replayed);

      expect(await ingestAll(ordered, stream)).toBe(0);
      const reference = await snapshot(ordered);
      expect((reference.deployments as unknown[]).length).toBeGreaterThan(1000);

      const shuffled = seededRandom(7).shuffle(stream);
      expect(await ingestAll(replayed, shuffled)).toBe(0);
      expect(await snapshot(replayed)).toEqual(reference);

      expect(await ingestAll(replayed, seededRandom(8).shuffle(stream))).toBe(10_000);
      expect(await snapshot(replayed)).toEqual(reference);

      // and the ordered database, replayed shuffled, changes nothing
      expect(await ingestAll(ordered, shuffled)).toBe(10_000);
      expect(await snapshot(ordered)).toEqual(reference);

      await ordered.destroy();
      await replayed.destroy();
    },
  );
});
