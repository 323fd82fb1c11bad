import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { applyMigrations } from '../database/migrations';
import { SourceStateStore } from './SourceStateStore';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const WRITERS = 8;

/** Lets every concurrent writer read before any of them writes. */
const pause = () => new Promise(resolve => setTimeout(resolve, 5));

describe('SourceStateStore conditional writes', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: SourceStateStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await applyMigrations(knex);
      store = new SourceStateStore(knex);
    });

    it(`applies all of ${WRITERS} concurrent increments of one key`, async () => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: WRITERS }, () =>
          store.update<number>('example', 'counter', async n => {
            await pause();
            return (n ?? 0) + 1;
          }),
        ),
      );
      const written = outcomes.filter(o => o.status === 'fulfilled');
      expect(written).toHaveLength(WRITERS);
      expect(
        written.map(o => (o as PromiseFulfilledResult<number>).value).sort(),
      ).toEqual(Array.from({ length: WRITERS }, (_, i) => i + 1));
      expect(await store.get('example', 'counter')).toBe(WRITERS);
    });

    it('lets one of many writers that read the same value win, and tells the others', async () => {
      await store.set('example', 'cursor', { at: 0 });
      const expected = await store.get('example', 'cursor');
      const won = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) =>
          store.compareAndSet('example', 'cursor', expected, { at: i + 1 }),
        ),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await store.get('example', 'cursor')).toEqual({
        at: won.indexOf(true) + 1,
      });
    });

    it('lets one of many writers create a key never written', async () => {
      const won = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) =>
          store.compareAndSet('example', 'fresh', undefined, i),
        ),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await store.get('example', 'fresh')).toBe(won.indexOf(true));
    });

    it('refuses a write expecting a value that a plain set replaced', async () => {
      await store.set('example', 'etag', 'a');
      await store.set('example', 'etag', 'b');
      expect(await store.compareAndSet('example', 'etag', 'a', 'c')).toBe(
        false,
      );
      expect(await store.compareAndSet('example', 'etag', 'b', 'c')).toBe(true);
      // The same value written again is still a write that a reader of the old one lost to.
      expect(await store.compareAndSet('example', 'etag', undefined, 'd')).toBe(
        false,
      );
      expect(await store.get('example', 'etag')).toBe('c');
    });

    it('gives up with a ConflictError when other writers win every attempt', async () => {
      await store.set('example', 'busy', 0);
      let calls = 0;
      const update = store.update<number>('example', 'busy', async n => {
        calls++;
        // Someone else writes between every read and write of this update.
        await store.set('example', 'busy', (n ?? 0) + 100);
        return (n ?? 0) + 1;
      });
      await expect(update).rejects.toBeInstanceOf(ConflictError);
      expect(calls).toBeGreaterThan(1);
    });

    it('keeps sources apart', async () => {
      await store.set('other', 'counter', 'theirs');
      expect(await store.get('example', 'counter')).toBe(WRITERS);
    });
  });
});
