import { lockForWrite, lockKeyOf, sortedLockKeys } from './subjectLocks';
import { createTestDatabases } from '@greenlight/test-utils';

describe('lockKeyOf', () => {
  it.each([
    // SHA-256("") starts e3b0c442 98fc1c14; as a signed 64-bit integer that is
    // 0xe3b0c44298fc1c14 − 2^64 = 16406829232824261652 − 18446744073709551616.
    ['', -2039914840885289964n],
    // SHA-256("deployment:d1") starts 8983ba1e 458496a5: 9908968244323325605 − 2^64.
    ['deployment:d1', -8537775829386226011n],
    // SHA-256("commit:abc") starts f2580f22 3f8709b4: 17462724194898217396 − 2^64.
    ['commit:abc', -984019878811334220n],
  ])('%p → %p', (value, key) => {
    expect(lockKeyOf(value)).toBe(key);
    // Asked again, it comes from the cache of recent keys: the same key.
    expect(lockKeyOf(value)).toBe(key);
  });

  it('orders distinct keys ascending, whatever order and repeats they come in', () => {
    const keys = sortedLockKeys([
      'commit:abc',
      '',
      'deployment:d1',
      '',
      'commit:abc',
    ]);
    expect(keys).toEqual([
      -8537775829386226011n,
      -2039914840885289964n,
      -984019878811334220n,
    ]);
  });
});

describe('lockForWrite', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'on %p, makes a second writer of a subject wait for the first to commit',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const order: string[] = [];
      const first = await knex.transaction();
      await lockForWrite(first, 'subject', ['deployment:d1', 'deployment:d2']);
      order.push('first locked');
      let second: Promise<void> = Promise.resolve();
      if (knex.client.config.client === 'pg') {
        // A different subject is not held up; the shared one is, until the first commits.
        await knex.transaction(tx =>
          lockForWrite(tx, 'subject', ['deployment:d3']),
        );
        await knex.transaction(tx =>
          lockForWrite(tx, 'commit', ['deployment:d1']),
        );
        second = knex.transaction(async tx => {
          await lockForWrite(tx, 'subject', ['deployment:d2', 'deployment:d9']);
          order.push('second locked');
        });
        await new Promise(r => setTimeout(r, 300));
      }
      order.push('first commits');
      await first.commit();
      await second;
      // SQLite serialises whole write transactions, so the lock is a no-op there.
      const expected =
        knex.client.config.client === 'pg'
          ? ['first locked', 'first commits', 'second locked']
          : ['first locked', 'first commits'];
      expect(order).toEqual(expected);
      await knex.destroy();
    },
  );
});
