import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { isUniqueViolation } from '../database/uniqueViolation';

/** How often `update` reads again after losing to another writer before it gives up. */
const UPDATE_ATTEMPTS = 20;

/**
 * JSON values per source and key. `set` is last-write-wins; `compareAndSet` and `update`
 * write only if nobody wrote the key since it was read, because replicas (a pull and a
 * webhook, or a pull that outlived its lock and the next one) share the same cursors.
 */
export class SourceStateStore {
  constructor(private readonly knex: Knex) {}

  async get<T>(sourceId: string, key: string): Promise<T | undefined> {
    return (await this.getVersioned<T>(sourceId, key))?.value;
  }

  async set(sourceId: string, key: string, value: unknown): Promise<void> {
    assertKey(key);
    await this.knex('source_state')
      .insert({ ...this.row(sourceId, key, value), version: 1 })
      .onConflict(['source_id', 'key'])
      .merge({
        value: JSON.stringify(value ?? null),
        updated_at: Date.now(),
        version: this.knex.raw('?? + 1', ['source_state.version']),
      });
  }

  /**
   * Writes `value` only if the stored value still equals `expected` (as JSON; `undefined`
   * for a key never written). Returns false, writing nothing, when another writer got there
   * first.
   */
  async compareAndSet(
    sourceId: string,
    key: string,
    expected: unknown,
    value: unknown,
  ): Promise<boolean> {
    assertKey(key);
    const current = await this.getVersioned(sourceId, key);
    const same =
      current === undefined
        ? expected === undefined
        : expected !== undefined &&
          JSON.stringify(current.value) === JSON.stringify(expected);
    if (!same) return false;
    return this.writeIfVersion(sourceId, key, current?.version, value);
  }

  /**
   * Reads, computes the next value with `fn` and writes it only if the key did not change in
   * between; otherwise reads again. `fn` may therefore run more than once. Throws a
   * `ConflictError` when other writers win every attempt.
   */
  async update<T>(
    sourceId: string,
    key: string,
    fn: (current: T | undefined) => T | Promise<T>,
  ): Promise<T> {
    assertKey(key);
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const current = await this.getVersioned<T>(sourceId, key);
      const next = await fn(current?.value);
      if (await this.writeIfVersion(sourceId, key, current?.version, next)) {
        return next;
      }
    }
    throw new ConflictError(
      `state ${key} of ${sourceId} kept changing under ${UPDATE_ATTEMPTS} attempts to update it`,
    );
  }

  async list(sourceId: string, prefix: string) {
    // LIKE would treat % and _ in the prefix as wildcards; a range on the key does not.
    const rows = await this.knex('source_state')
      .where({ source_id: sourceId })
      .where('key', '>=', prefix)
      .where('key', '<', `${prefix}\uffff`)
      .orderBy('key')
      .select('key', 'value', 'updated_at');
    return rows.map(r => ({
      key: String(r.key),
      value: JSON.parse(r.value) as unknown,
      updatedAt: new Date(Number(r.updated_at)),
    }));
  }

  private async getVersioned<T>(sourceId: string, key: string) {
    const row = await this.knex('source_state')
      .where({ source_id: sourceId, key })
      .first('value', 'version');
    return row
      ? { value: JSON.parse(row.value) as T, version: Number(row.version) }
      : undefined;
  }

  /** The conditional write itself: an insert for a key never written, else an update of that version. */
  private async writeIfVersion(
    sourceId: string,
    key: string,
    version: number | undefined,
    value: unknown,
  ): Promise<boolean> {
    if (version === undefined) {
      try {
        await this.knex('source_state').insert({
          ...this.row(sourceId, key, value),
          version: 1,
        });
        return true;
      } catch (e) {
        if (isUniqueViolation(e)) return false;
        throw e;
      }
    }
    const changed = await this.knex('source_state')
      .where({ source_id: sourceId, key, version })
      .update({ ...this.row(sourceId, key, value), version: version + 1 });
    return changed === 1;
  }

  private row(sourceId: string, key: string, value: unknown) {
    return {
      source_id: sourceId,
      key,
      value: JSON.stringify(value ?? null),
      updated_at: Date.now(),
    };
  }
}

function assertKey(key: string) {
  if (key.length === 0 || key.length > 255) {
    throw new Error(
      `state key must have 1 to 255 characters, got ${key.length}`,
    );
  }
}
