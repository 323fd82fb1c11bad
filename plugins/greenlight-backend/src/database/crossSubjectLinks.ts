import { Knex } from 'knex';
import {
  DeploymentRow,
  foldDeployment,
  foldIncident,
  StoredEvent,
} from '../service/projection';

/**
 * Links between ledger rows of different subjects that no single subject's events hold:
 *
 * - a deployment that names no commit of its own contains the commit of the artifact it
 *   deployed (CDEvents links change → artifact → deployment this way);
 * - an incident that names the environment and artifact it hit, and no deployment, is
 *   attributed to the deployment of that artifact that was running in that environment
 *   when the incident was detected: the latest deployment there finished at or before
 *   detection, or one whose rollout was under way then (started at or before detection and
 *   finished after it, or not finished yet), provided it is that artifact. Anything else
 *   (another artifact was running, nothing was) leaves the incident unattributed rather
 *   than blaming a guess.
 *
 * Both sides can arrive in any order, so re-deriving a subject re-derives the subjects
 * linked to it: an artifact its deployments, a deployment the later incidents of its
 * entity. The result depends only on the stored events.
 */

/** Statuses of a deployment that ran: a rolled-back one did, until it was undone. */
const RAN = ['succeeded', 'rolled-back'];
/**
 * Statuses of a rollout that may have been under way at a time: one still in flight, and one
 * that finished later, however it ended (a canary that failed ran its artifact until then).
 */
const ROLLING_OUT = ['started', ...RAN, 'failed'];

function chunked<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/**
 * Entities per statement of the incident lookup: each is one condition of an OR, well under
 * SQLite's limit on the depth of an expression (1,000).
 */
const ENTITIES_CHUNK = 200;

/** Subjects whose rows depend on the given ones and must be re-derived with them. */
export async function linkedSubjects(
  tx: Knex | Knex.Transaction,
  bySubject: Map<string, StoredEvent[]>,
): Promise<string[]> {
  const digests: string[] = [];
  // The incidents of an entity detected at or after any of this batch's deployments of it
  // are those detected at or after the earliest one: one condition per entity.
  const earliest = new Map<string, number>();
  for (const [key, events] of bySubject) {
    if (key.startsWith('artifact:'))
      digests.push(key.slice('artifact:'.length));
    if (key.startsWith('deployment:')) {
      const { row } = foldDeployment(events);
      if (row.entity_ref) {
        // From its start: an incident detected during its rollout can be placed on it.
        const from = Math.min(row.started_at ?? row.sort_time, row.sort_time);
        const time = earliest.get(row.entity_ref);
        if (time === undefined || from < time)
          earliest.set(row.entity_ref, from);
      }
    }
  }
  const keys = new Set<string>();
  for (const part of chunked(digests)) {
    for (const r of await tx('deployments')
      .select('id')
      .whereIn('artifact_digest', part)) {
      keys.add(`deployment:${r.id}`);
    }
  }
  for (const part of chunked([...earliest], ENTITIES_CHUNK)) {
    const rows = await tx('incidents as i')
      .join('incident_entities as ie', 'ie.incident_id', 'i.id')
      .distinct('i.id')
      .where(q => {
        for (const [entityRef, time] of part) {
          q.orWhere(w =>
            w
              .where('ie.entity_ref', entityRef)
              .where('i.detected_at', '>=', time),
          );
        }
      });
    for (const r of rows) keys.add(`incident:${r.id}`);
  }
  return [...keys].filter(k => !bySubject.has(k));
}

/**
 * Lock keys that keep `linkedSubjects` and the incident placement true until the writer
 * commits, though they name no row the writer re-derives:
 *
 * - `links:<entity>` for the entity of each deployment (whose later incidents it re-derives)
 *   and for each entity of an incident placed by environment and artifact (which reads that
 *   entity's deployments): a new deployment and a newly placed incident of one entity then
 *   never commit unseen by each other;
 * - `artifact:<digest>` for each deployment that names an artifact (whose commit it may
 *   take): a writer of the artifact, which re-derives the artifact's deployments, then sees
 *   the deployment or is seen by it.
 */
export function guardKeysOf(bySubject: Map<string, StoredEvent[]>): string[] {
  const keys = new Set<string>();
  for (const [key, events] of bySubject) {
    if (key.startsWith('deployment:')) {
      const { row } = foldDeployment(events);
      if (row.entity_ref) keys.add(`links:${row.entity_ref}`);
      if (row.artifact_digest) keys.add(`artifact:${row.artifact_digest}`);
    } else if (key.startsWith('incident:') && placementOf(events)) {
      const { row, entityRefs } = foldIncident(events);
      if (!row.deployment_id)
        for (const ref of entityRefs) keys.add(`links:${ref}`);
    }
  }
  return [...keys];
}

/** The commit of each artifact, from this batch's folded artifacts first, else the ledger. */
export async function artifactCommits(
  tx: Knex.Transaction,
  digests: string[],
  folded: Array<{ digest: string; commit_sha: string | null }>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunked([...new Set(digests)])) {
    for (const r of await tx('artifacts')
      .select('digest', 'commit_sha')
      .whereIn('digest', part)) {
      if (r.commit_sha) out.set(r.digest, r.commit_sha);
    }
  }
  for (const a of folded) if (a.commit_sha) out.set(a.digest, a.commit_sha);
  return out;
}

export type Placement = { environment: string; artifactDigest: string };

/** Where an incident's events say it was seen; the last event naming both wins. */
export function placementOf(events: StoredEvent[]): Placement | undefined {
  let placement: Placement | undefined;
  for (const stored of [...events].sort((a, b) =>
    a.id.localeCompare(b.id, 'en'),
  )) {
    const e = stored.event;
    if (e.type !== 'incident.opened' && e.type !== 'incident.resolved')
      continue;
    if (e.incident.environment && e.incident.artifactDigest) {
      placement = {
        environment: e.incident.environment,
        artifactDigest: e.incident.artifactDigest,
      };
    }
  }
  return placement;
}

type RunningRow = Pick<DeploymentRow, 'id' | 'artifact_digest'> & {
  started_at: number | string | null;
  sort_time: number | string;
};

/** When a deployment began running: its start, else its time (bigints may come as text). */
const startOf = (r: RunningRow) => Number(r.started_at ?? r.sort_time);

/** Later starts first, then ids in reverse code point order: the latest to start leads. */
function latestStartFirst(a: RunningRow, b: RunningRow): number {
  const byStart = startOf(b) - startOf(a);
  if (byStart !== 0) return byStart;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

/**
 * The deployment running `placement.artifactDigest` in `placement.environment` for one of
 * `entityRefs` at `detectedAt`, or undefined. Call after this batch's deployments are written.
 */
export async function placedDeployment(
  tx: Knex.Transaction,
  placement: Placement,
  entityRefs: string[],
  detectedAt: number,
): Promise<string | undefined> {
  if (entityRefs.length === 0) return undefined;
  const matches: string[] = [];
  for (const entityRef of entityRefs) {
    const place = { entity_ref: entityRef, environment: placement.environment };
    const finished: RunningRow | undefined = await tx('deployments')
      .select('id', 'artifact_digest', 'started_at', 'sort_time')
      .where(place)
      .whereIn('status', RAN)
      .where('sort_time', '<=', detectedAt)
      // A canary rolled back without a finish of its own ran until its rollback, not until
      // its start: it is a rollout that was under way, below.
      .whereNot(q => q.where('status', 'rolled-back').whereNull('finished_at'))
      .orderBy([
        { column: 'sort_time', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    // Rollouts under way at detection: started by then, and finished after it or not yet. One
    // with no finish (still reported as started, or rolled back before it reported one) counts
    // only if it began after the last finished deployment there (a start never finished, from
    // before that, is not what was running).
    const rollingOut: RunningRow[] = await tx('deployments')
      .select('id', 'artifact_digest', 'started_at', 'sort_time')
      .where(place)
      .whereIn('status', ROLLING_OUT)
      .whereRaw('coalesce(started_at, sort_time) <= ?', [detectedAt])
      .where(q =>
        q.where('sort_time', '>', detectedAt).orWhere(w =>
          w
            .whereNull('finished_at')
            .whereIn('status', ['started', 'rolled-back'])
            .whereRaw('coalesce(started_at, sort_time) >= ?', [
              finished ? Number(finished.sort_time) : 0,
            ]),
        ),
      );
    // Of this entity's deployments running the artifact then, the latest to start: a redeploy
    // of the artifact under way replaces the one before it.
    const running = [...(finished ? [finished] : []), ...rollingOut]
      .filter(r => r.artifact_digest === placement.artifactDigest)
      .sort(latestStartFirst);
    if (running.length > 0) matches.push(running[0].id);
  }
  // One answer or none: two entities both running it there is no evidence for either.
  return matches.length === 1 ? matches[0] : undefined;
}
