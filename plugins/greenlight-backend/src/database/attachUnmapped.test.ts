import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  GREENLIGHT_ANNOTATIONS,
  GreenlightEvent,
} from '@greenlight/backstage-plugin-greenlight-common';
import { createTestDatabases } from '@greenlight/test-utils';
import { CatalogEntityResolver } from '../service/EntityResolver';
import { IngestService } from '../service/IngestService';
import { KnexLedgerStore } from './KnexLedgerStore';
import { applyMigrations } from './migrations';

jest.setTimeout(120_000);

const SERVICES = Array.from({ length: 10 }, (_, i) => `svc-${i}`);

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { [GREENLIGHT_ANNOTATIONS.serviceId]: name },
    },
    spec: { type: 'service' },
  };
}

/** Three deployments of each service, named by service id only. */
function events(): GreenlightEvent[] {
  return SERVICES.flatMap(service =>
    [1, 2, 3].map(n => ({
      id: `${service}-${n}`,
      type: 'deployment.finished' as const,
      serviceId: service,
      deployment: {
        id: `${service}-d${n}`,
        environment: 'production',
        status: 'succeeded' as const,
        strategy: 'all-at-once' as const,
        intent: 'planned' as const,
        startedAt: `2026-06-0${n}T10:00:00Z`,
        finishedAt: `2026-06-0${n}T10:05:00Z`,
      },
    })),
  );
}

describe('attaching events that matched no entity when they arrived', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'finds their entities with one catalog request for all of them, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const ledger = new KnexLedgerStore(knex);
      // The catalog did not know the services when the events came.
      const empty = new CatalogEntityResolver(
        catalogServiceMock({ entities: [] }),
        mockServices.auth(),
      );
      const ingest = new IngestService(
        ledger,
        empty,
        mockServices.logger.mock(),
      );
      const outcome = await ingest.ingest({
        source: 'native',
        events: events(),
        actor: 'service:test',
      });
      expect(outcome.unmapped).toBe(30);

      // Now it knows all but the last service.
      const catalog = catalogServiceMock({
        entities: SERVICES.slice(0, -1).map(component),
      });
      const getEntities = jest.spyOn(catalog, 'getEntities');
      const resolver = new CatalogEntityResolver(catalog, mockServices.auth());
      expect(
        await ledger.attachUnmapped(keys => resolver.resolveAll(keys), 1000),
      ).toHaveLength(27);
      expect(getEntities).toHaveBeenCalledTimes(1);

      const deployments = await knex('deployments')
        .select('id', 'entity_ref')
        .orderBy('id');
      expect(deployments).toHaveLength(30);
      for (const d of deployments) {
        const service = d.id.replace(/-d\d$/, '');
        expect(d.entity_ref).toBe(
          service === 'svc-9' ? null : `component:default/${service}`,
        );
      }
      const unattached = await knex('events')
        .whereNull('entity_ref')
        .count({ n: '*' });
      expect(Number(unattached[0].n)).toBe(3);
    },
  );
});
