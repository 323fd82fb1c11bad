import { hash } from 'node:crypto';
import { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import { ascending } from './ascending';

/**
 * The lock spaces a write takes, in the order it takes them. PostgreSQL keeps advisory locks
 * on one bigint key apart from locks on two int4 keys ("these two key spaces do not
 * overlap"), so a transaction in the second phase never waits for a lock that another
 * transaction takes in the first: together with the sorted order inside each phase, two
 * writers cannot deadlock, whatever their batches share. Scopes (an entity's environment,
 * which the rollback rule completes as a whole) share the bigint space with subjects but are
 * always taken after every subject lock of the write and before any commit lock, once per
 * write, so the phases stay strictly ordered.
 */
export type LockSpace = 'subject' | 'scope' | 'commit';

/**
 * Keys hashed lately. A write hashes each of its keys more than once (the locks it expects,
 * then the locks it takes), and consecutive batches share their entities and commits.
 */
const recentKeys = new LRUCache<string, bigint>({ max: 50_000 });

/** A stable signed 64-bit key for a string: the first 8 bytes of its SHA-256. */
export function lockKeyOf(value: string): bigint {
  let key = recentKeys.get(value);
  if (key === undefined) {
    // The one-shot digest: half the time of a Hash object per key, and a batch hashes a
    // thousand keys or so (each new deployment, commit and artifact it writes).
    key = hash('sha256', value, 'buffer').readBigInt64BE(0);
    recentKeys.set(value, key);
  }
  return key;
}

/** Distinct keys in ascending order, so every writer acquires shared keys in the same order. */
export function sortedLockKeys(values: Iterable<string>): bigint[] {
  const keys = [...new Set([...new Set(values)].map(lockKeyOf))];
  return keys.sort(ascending);
}

export function isPostgres(tx: Knex | Knex.Transaction) {
  const client = String(tx.client.config.client);
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}

/** Whether writers take advisory locks here (PostgreSQL); SQLite serialises writes itself. */
export function takesWriteLocks(tx: Knex | Knex.Transaction) {
  return isPostgres(tx);
}

/**
 * Serialises, until the transaction ends, every writer of the given subjects (or commits) on
 * PostgreSQL, where READ COMMITTED would otherwise let two batches each re-derive a row from
 * the events they can see and the last commit win. Reads made after this call see everything
 * the previous holder committed. SQLite serialises whole write transactions already, so there
 * it is a no-op.
 */
export async function lockForWrite(
  tx: Knex.Transaction,
  space: LockSpace,
  values: Iterable<string>,
) {
  if (!takesWriteLocks(tx)) return;
  const keys = sortedLockKeys(values);
  if (keys.length === 0) return;
  const literal = keys.map(String);
  // unnest yields the array in order, and each row's lock is taken before the next row's.
  if (space !== 'commit') {
    await tx.raw(
      'select pg_advisory_xact_lock(k) from unnest(?::bigint[]) as t(k)',
      [literal],
    );
  } else {
    await tx.raw(
      'select pg_advisory_xact_lock((k >> 32)::int, (k & 4294967295)::bit(32)::int) from unnest(?::bigint[]) as t(k)',
      [literal],
    );
  }
}

/**
 * Takes subject-space locks without waiting: true if every one was taken (or there is
 * nothing to lock here). A writer that finds, after its sorted acquisition, that it needs
 * more subjects uses this, because waiting in a second phase could deadlock; when a key is
 * held elsewhere it starts again with every key in one sorted acquisition.
 */
export async function tryLockForWrite(
  tx: Knex.Transaction,
  values: Iterable<string>,
): Promise<boolean> {
  if (!takesWriteLocks(tx)) return true;
  const keys = sortedLockKeys(values);
  if (keys.length === 0) return true;
  const result = await tx.raw(
    'select bool_and(pg_try_advisory_xact_lock(k)) as taken from unnest(?::bigint[]) as t(k)',
    [keys.map(String)],
  );
  return result.rows[0]?.taken === true;
}
