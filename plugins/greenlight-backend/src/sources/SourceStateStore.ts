import { Knex } from 'knex';

/** JSON values per source and key; the last write wins, as a cursor wants. */
export class SourceStateStore {
  constructor(private readonly knex: Knex) {}

  async get<T>(sourceId: string, key: string): Promise<T | undefined> {
    const row = await this.knex('source_state')
      .where({ source_id: sourceId, key })
      .first('value');
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async set(sourceId: string, key: string, value: unknown): Promise<void> {
    if (key.length === 0 || key.length > 255) {
      throw new Error(
        `state key must have 1 to 255 characters, got ${key.length}`,
      );
    }
    await this.knex('source_state')
      .insert({
        source_id: sourceId,
        key,
        value: JSON.stringify(value ?? null),
        updated_at: Date.now(),
      })
      .onConflict(['source_id', 'key'])
      .merge(['value', 'updated_at']);
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
}
