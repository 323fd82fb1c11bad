/**
 * What the source remembers of one application between pulls and webhook deliveries:
 * the last history id written (the cursor) and the revisions of earlier syncs. Argo CD
 * keeps only the last `revisionHistoryLimit` (10) entries, so a rollback to a revision
 * older than that is recognised from this memory.
 */
export type AppMemory = {
  lastId: number;
  revisions: Array<{ id: number; revision: string }>;
};

/** Enough to recognise a rollback to any of the last 100 syncs. */
const REMEMBERED = 100;

export const emptyMemory = (): AppMemory => ({ lastId: -1, revisions: [] });

export function remember(
  memory: AppMemory,
  synced: Array<{ id: number; revision: string }>,
): AppMemory {
  const byId = new Map(memory.revisions.map(r => [r.id, r]));
  for (const s of synced) byId.set(s.id, s);
  const revisions = [...byId.values()]
    .sort((a, b) => a.id - b.id)
    .slice(-REMEMBERED);
  const lastId = Math.max(memory.lastId, ...synced.map(s => s.id));
  return { lastId, revisions };
}

export const memoryKey = (instance: string, app: string) =>
  `app:${instance}/${app}`;
