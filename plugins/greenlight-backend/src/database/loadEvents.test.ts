import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { StoredEvent } from '../service/projection';
import { insertNewEvents } from './eventWriter';
import { NewEventRow } from './LedgerStore';
import { applyMigrations } from './migrations';
import { loadEvents } from './projectionWriter';
import { createTestDatabases } from '@greenlight/test-utils';

function started(deployment: string, n: number): NewEventRow {
  const event = {
    id: `e-${deployment}-${n}`,
    type: 'deployment.started',
    serviceId: 'svc',
    deployment: {
      id: deployment,
      environment: 'production',
      status: 'started',
      strategy: 'canary',
      intent: 'planned',
      startedAt: `2026-05-01T10:0${n}:00.000Z`,
    },
  } as GreenlightEvent;
  return {
    id: `native:${event.id}`,
    source: 'native',
    subjectKey: `deployment:${deployment}`,
    eventTime: Date.parse(`2026-05-01T10:0${n}:00.000Z`),
    receivedAt: 1,
    actor: 'service:test',
    entityRef: n % 2 ? 'component:default/svc' : null,
    mappingKeys: {},
    event,
  };
}

const byId = (events: StoredEvent[] = []) =>
  [...events].sort((a, b) => (a.id < b.id ? -1 : 1));

describe('loadEvents', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'on %p, gives the same events whether some were passed as just written or not',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const rows = ['d1', 'd2', 'd3'].flatMap(d =>
        [0, 1, 2].map(n => started(d, n)),
      );
      await knex.transaction(tx => insertNewEvents(tx, rows));
      const subjects = ['deployment:d1', 'deployment:d2', 'deployment:none'];

      const read = await loadEvents(knex, subjects);
      // Written events of d1 and d2, and one of d3, which was not asked for.
      const written = rows.filter((_, i) => i % 2 === 0);
      const mixed = await loadEvents(knex, subjects, written);

      expect([...read.keys()].sort()).toEqual([
        'deployment:d1',
        'deployment:d2',
      ]);
      expect([...mixed.keys()].sort()).toEqual([...read.keys()].sort());
      for (const key of read.keys()) {
        expect(byId(mixed.get(key))).toEqual(byId(read.get(key)));
      }
      await knex.destroy();
    },
    60_000,
  );
});
