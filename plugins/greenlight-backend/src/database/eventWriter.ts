import { Knex } from 'knex';
import { ascending } from './ascending';
import { NewEventRow } from './LedgerStore';
import { insertRows } from './bulkInsert';

/**
 * Appends the events whose ids the ledger does not hold yet and returns the ids it inserted.
 * A duplicate, stored before or arriving in a concurrent request, is skipped by the insert
 * itself (ON CONFLICT DO NOTHING … RETURNING), so neither request fails. Rows go in id
 * order: two requests sharing ids then wait for each other's rows in the same order and
 * cannot deadlock on the primary key.
 */
export async function insertNewEvents(
  tx: Knex.Transaction,
  rows: NewEventRow[],
): Promise<Set<string>> {
  const unique = new Map<string, NewEventRow>();
  for (const r of rows) if (!unique.has(r.id)) unique.set(r.id, r);
  const ordered = [...unique.values()].sort((a, b) => ascending(a.id, b.id));
  const returned = await insertRows(
    tx,
    'events',
    ordered.map(r => ({
      id: r.id,
      source: r.source,
      type: r.event.type,
      subject_key: r.subjectKey,
      event_time: r.eventTime,
      received_at: r.receivedAt,
      actor: r.actor,
      entity_ref: r.entityRef,
      mapping_keys: JSON.stringify(r.mappingKeys),
      payload: JSON.stringify(r.event),
    })),
    { key: ['id'], action: 'ignore' },
    'id',
  );
  return new Set(returned.map(r => String(r.id)));
}
