import { createTestDatabases } from '@greenlight/test-utils';
import { setUpMigratedDatabase } from '../../__testUtils__/migratedDatabase';
import { DriftResource } from './GovernanceStore';
import { KnexDriftStore } from './KnexDriftStore';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-11-01T10:00:00Z');
const MINUTE = 60_000;
const payments = 'component:default/payments';
const orders = 'component:default/orders';

/** Both tests send whole-source reports of `source` as the platform does. */
const wholeSource = (source: string) => ({
  source,
  scope: '*',
  format: 'generic' as const,
  actor: 'service:platform',
});

const drifted = (entityRef: string | null, address: string): DriftResource => ({
  address,
  entityRef,
  drifted: true,
  kind: 'reported',
  details: { seen: address },
});

describe('KnexDriftStore', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    const db = setUpMigratedDatabase(databases, databaseId);

    const openOf = async (store: KnexDriftStore, entityRef: string) =>
      (await store.listForEntity(entityRef, 50)).open.map(i => [
        i.address,
        i.lastSeenAt,
      ]);

    it('decides staleness per entity: an entity-scoped report never holds back other entities', async () => {
      const store = new KnexDriftStore(db.knex);
      const source = 'platform-tf';
      const whole = wholeSource(source);

      // the platform's full report: drift on payments and on orders
      expect(
        await store.applyReport({
          ...whole,
          observedAt: T0,
          resources: [
            drifted(payments, 'payments/db'),
            drifted(orders, 'orders/queue'),
            drifted(orders, 'orders/bucket'),
          ],
        }),
      ).toMatchObject({ stale: false, opened: 3 });

      // the payments pipeline reports its own entity clean, observed 4 minutes later
      expect(
        await store.applyReport({
          source,
          scope: payments,
          format: 'generic',
          actor: 'service:payments',
          observedAt: T0 + 4 * MINUTE,
          resources: [],
        }),
      ).toMatchObject({ stale: false, closed: 1 });
      expect(await openOf(store, payments)).toEqual([]);

      // the platform's next full report, observed in between, decides every other entity
      const next = await store.applyReport({
        ...whole,
        observedAt: T0 + 2 * MINUTE,
        resources: [
          drifted(payments, 'payments/db'),
          drifted(orders, 'orders/queue'),
          drifted(orders, 'orders/role'),
        ],
      });
      expect(next).toMatchObject({ stale: false, opened: 1, closed: 1 });
      expect(await openOf(store, orders)).toEqual([
        ['orders/queue', T0 + 2 * MINUTE],
        ['orders/role', T0 + 2 * MINUTE],
      ]);
      expect(
        (await store.listForEntity(orders, 50)).closed.map(i => [
          i.address,
          i.closedAt,
        ]),
      ).toEqual([['orders/bucket', T0 + 2 * MINUTE]]);
      // payments follows its own, later report
      expect(await openOf(store, payments)).toEqual([]);

      // whole-source reports are still compared with each other
      const late = await store.applyReport({
        ...whole,
        observedAt: T0 + MINUTE,
        resources: [],
      });
      expect(late).toMatchObject({ stale: true, opened: 0, closed: 0 });
      expect(await openOf(store, orders)).toHaveLength(2);

      // an entity's report older than a later report of that entity, or of the whole source, is stale
      const entityLate = {
        source,
        scope: orders,
        format: 'generic' as const,
        actor: 'service:orders',
        resources: [],
      };
      expect(
        await store.applyReport({ ...entityLate, observedAt: T0 + MINUTE }),
      ).toMatchObject({ stale: true, closed: 0 });
      expect(
        await store.applyReport({
          ...entityLate,
          scope: payments,
          observedAt: T0 + 3 * MINUTE,
          resources: [drifted(payments, 'x')],
        }),
      ).toMatchObject({ stale: true, opened: 0 });

      // a whole-source report observed after the entity's own report decides that entity again
      const later = await store.applyReport({
        ...whole,
        observedAt: T0 + 5 * MINUTE,
        resources: [drifted(payments, 'payments/db')],
      });
      expect(later).toMatchObject({ stale: false, opened: 1, closed: 2 });
      expect(await openOf(store, payments)).toEqual([
        ['payments/db', T0 + 5 * MINUTE],
      ]);
      expect(await openOf(store, orders)).toEqual([]);
    });

    it('keeps unattributed drift decided by whole-source reports only', async () => {
      const store = new KnexDriftStore(db.knex);
      const source = 'cluster';
      const whole = wholeSource(source);
      await store.applyReport({
        ...whole,
        observedAt: T0,
        resources: [drifted(null, 'ns/a'), drifted(payments, 'ns/p')],
      });
      await store.applyReport({
        ...whole,
        scope: payments,
        observedAt: T0 + 4 * MINUTE,
        resources: [],
      });
      const next = await store.applyReport({
        ...whole,
        observedAt: T0 + 2 * MINUTE,
        resources: [drifted(payments, 'ns/p')],
      });
      expect(next).toMatchObject({
        stale: false,
        opened: 0,
        closed: 1,
        unattributed: 0,
      });
      const open = await db
        .knex('drift_items')
        .where({ source, status: 'open' });
      expect(open).toEqual([]);
    });
  });
});
