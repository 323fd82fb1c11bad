import { Knex } from 'knex';
import { ascending } from './ascending';
import { NewEventRow } from './LedgerStore';
import { chunks } from './projectionWriter';

/** 10 columns × 500 rows stays far below the bind-parameter limits of SQLite and PostgreSQL. */
const INSERT_CHUNK = 500;

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
  const inserted = new Set<string>();
  for (const part of chunks(ordered, INSERT_CHUNK)) {
    const returned: Array<{ id: string }> = await tx('events')
      .insert(
        part.map(r => ({
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
      )
      .onConflict('id')
      .ignore()
      .returning('id');
    for (const r of returned) inserted.add(r.id);
  }
  return inserted;
}
