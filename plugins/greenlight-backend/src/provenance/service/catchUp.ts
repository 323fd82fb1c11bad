import { AttestationStore, EventCursor } from '../store/AttestationStore';
import { AttestationService } from './AttestationService';
import { attestationsOfEvents } from './eventAttestations';

export const ARTIFACT_EVENTS_CURSOR = 'artifact-events';

export type CatchUpOptions = {
  store: AttestationStore;
  service: AttestationService;
  /** Events received this recently may still have siblings committing; re-read them next time. */
  settleMs?: number;
  batchSize?: number;
  /** Stop starting new batches after this long; the next run continues. */
  budgetMs?: number;
  now?: () => number;
};

/**
 * Stores and verifies attestations of artifact events the ingest listener missed (a crash
 * between commit and listener, or events ingested before this feature existed). Recording
 * is idempotent, so re-reading events is harmless; the cursor only moves past settled ones.
 */
export async function catchUpArtifactEvents(
  options: CatchUpOptions,
): Promise<number> {
  const { store, service } = options;
  const now = options.now ?? Date.now;
  const settleMs = options.settleMs ?? 5 * 60_000;
  const batchSize = options.batchSize ?? 500;
  const deadline = now() + (options.budgetMs ?? 60_000);
  let cursor = await store.readCursor(ARTIFACT_EVENTS_CURSOR);
  let accepted = 0;
  for (;;) {
    const rows = await store.artifactEventsAfter(cursor, batchSize);
    const events = rows.map(r => ({ ...r, event: JSON.parse(r.payload) }));
    const recorded = await service.record(attestationsOfEvents(events));
    accepted += recorded.filter(r => r.status === 'accepted').length;

    const settledBefore = now() - settleMs;
    let next: EventCursor | undefined = cursor;
    for (const row of rows) {
      if (row.receivedAt >= settledBefore) break;
      next = { receivedAt: row.receivedAt, eventId: row.id };
    }
    const moved =
      next &&
      (next.receivedAt !== cursor?.receivedAt ||
        next.eventId !== cursor?.eventId);
    if (next && moved) await store.writeCursor(ARTIFACT_EVENTS_CURSOR, next);
    // Stop when the backlog is read, nothing settled to move past, or time is up.
    if (rows.length < batchSize || !moved || now() > deadline) break;
    cursor = next;
  }
  return accepted;
}
