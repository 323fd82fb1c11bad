import { Knex } from 'knex';
import {
  foldArtifact,
  foldBuild,
  foldDeployment,
  foldIncident,
  foldTestRun,
  IncidentRow,
  StoredEvent,
} from '../service/projection';
import {
  artifactCommits,
  guardKeysOf,
  linkedSubjects,
  Placement,
  placedDeployment,
  placementOf,
} from './crossSubjectLinks';
import { positionOf, reapplyRollbackRule, scopesOf, storedPositions } from './rollbackProjection';
import { isPostgres, lockForWrite, takesWriteLocks, tryLockForWrite } from './subjectLocks';
import { applyPeoplesAttributions } from '../incidents/applyAttributions';
import { BatchFolds } from './LedgerStore';
import { insertRows, insertRowsTogether } from './bulkInsert';
import { NO_ENTITY_YET, SubjectsOfOtherEntities } from '../service/entitiesTouched';
import { detailsEntityOf } from './commitDetails';

const CHUNK = 200;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function upsert(tx: Knex.Transaction, table: string, key: string | string[], rows: object[]) {
  await insertRows(tx, table, rows, { key: typeof key === 'string' ? [key] : key, action: 'merge' });
}

/** Ids left out of one read by id; with 500 subjects, far below every bind-parameter limit. */
const MAX_SKIPPED = 5_000;

/**
 * The stored events of each subject. `known` are events this transaction wrote itself,
 * as they were written: they are taken as they are instead of being read back, which
 * spares reading and parsing most of a batch's payloads again.
 */
export async function loadEvents(
  tx: Knex | Knex.Transaction,
  subjectKeys: string[],
  known: Array<StoredEvent & { subjectKey: string }> = [],
): Promise<Map<string, StoredEvent[]>> {
  const bySubject = new Map<string, StoredEvent[]>();
  const wanted = new Set(subjectKeys);
  const knownIds = new Set<string>();
  const knownOf = new Map<string, string[]>();
  for (const k of known) {
    if (!wanted.has(k.subjectKey) || knownIds.has(k.id)) continue;
    knownIds.add(k.id);
    const ids = knownOf.get(k.subjectKey) ?? [];
    ids.push(k.id);
    knownOf.set(k.subjectKey, ids);
    const list = bySubject.get(k.subjectKey) ?? [];
    list.push({ id: k.id, entityRef: k.entityRef, eventTime: k.eventTime, event: k.event });
    bySubject.set(k.subjectKey, list);
  }
  for (const part of chunks([...wanted], 500)) {
    const skip = part.flatMap(key => knownOf.get(key) ?? []);
    let rows: any[];
    if (isPostgres(tx)) {
      // One index probe per subject. With `subject_key IN (…)` PostgreSQL estimates the
      // list's rows well but still prefers a sequential scan of `events` while the table is
      // small: 200–250 ms against 11–22 ms for the same 500 subjects of a 12,000-event ledger
      // (docs/benchmarks.md). OFFSET 0 keeps the subquery from being flattened into that plan.
      ({ rows } = await tx.raw(
        `select e.id, e.subject_key, e.entity_ref, e.event_time, e.payload
           from unnest(?::text[]) as k(subject_key)
           cross join lateral (
             select id, subject_key, entity_ref, event_time, payload
               from events where subject_key = k.subject_key offset 0
           ) as e
          where not (e.id = any(?::text[]))`,
        [part, skip],
      ));
    } else {
      const query = tx('events')
        .select('id', 'subject_key', 'entity_ref', 'event_time', 'payload')
        .whereIn('subject_key', part);
      if (skip.length > 0 && skip.length <= MAX_SKIPPED) query.whereNotIn('id', skip);
      rows = await query;
    }
    for (const r of rows) {
      if (knownIds.has(r.id)) continue;
      const list = bySubject.get(r.subject_key) ?? [];
      list.push({
        id: r.id,
        entityRef: r.entity_ref,
        eventTime: Number(r.event_time),
        event: JSON.parse(r.payload),
      });
      bySubject.set(r.subject_key, list);
    }
  }
  return bySubject;
}

/**
 * Thrown inside a write transaction when the subjects it must lock grew after its locks
 * were taken and one of the new ones is held by another writer: the transaction is rolled
 * back and run again by `writeTransaction`, taking `keys` in one sorted acquisition.
 */
export class LockSetGrew extends Error {
  constructor(readonly keys: string[]) {
    super('The subjects to lock grew while they were being locked');
  }
}

/** Attempts with every lock in one sorted acquisition before waiting in a second phase. */
const LOCK_ATTEMPTS = 5;
/** Times a transaction PostgreSQL chose to abort (a deadlock, a serialization failure) is run again. */
const ABORTED_RETRIES = 5;
/**
 * SQLSTATEs of a transaction PostgreSQL aborted so that another could go on: running it again
 * is the documented remedy (PostgreSQL 15, "Serialization Failure Handling", 13.7).
 */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);

function abortedByDatabase(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

/**
 * Runs a ledger write in a transaction, again with more locks when it threw `LockSetGrew`.
 * `alsoLock` is what the previous attempt found it needed (at first `expected`, what the
 * caller can tell from the events it writes). After `LOCK_ATTEMPTS` the writer waits for
 * the keys it still lacks instead. That wait is out of the sorted order, so two such writers
 * can deadlock; PostgreSQL then aborts one of them, and that one (like one aborted for any
 * deadlock or serialization failure) is run again here, a few times, after a short random
 * pause, rather than answered as a server error.
 */
export async function writeTransaction<T>(
  knex: Knex,
  write: (
    tx: Knex.Transaction,
    locking: { alsoLock: string[]; mayWait: boolean },
  ) => Promise<T>,
  expected: string[] = [],
): Promise<T> {
  let alsoLock = expected;
  let aborted = 0;
  for (let attempt = 1; ; attempt++) {
    const locking = { alsoLock, mayWait: attempt >= LOCK_ATTEMPTS };
    try {
      return await knex.transaction(tx => write(tx, locking));
    } catch (e) {
      if (e instanceof LockSetGrew && attempt < LOCK_ATTEMPTS) {
        alsoLock = e.keys;
      } else if (abortedByDatabase(e) && aborted < ABORTED_RETRIES) {
        aborted += 1;
        // Apart, so that the writers that collided do not collide again at once.
        const pauseMs = 5 + Math.random() * 20 * aborted;
        await new Promise(resolve => setTimeout(resolve, pauseMs));
      } else {
        throw e;
      }
    }
  }
}

export type ReprojectOptions = {
  /** From `writeTransaction`: keys to lock with the subjects, and whether to wait for more. */
  alsoLock?: string[];
  mayWait?: boolean;
  /** Events this transaction has just written, as written (see `loadEvents`). */
  written?: Array<StoredEvent & { subjectKey: string }>;
  /** See `LedgerStore.applyEvents`: the entities each subject's new events were checked for. */
  allowedEntities?: Map<string, Set<string>>;
};

/**
 * Under the subjects' locks: the entities of their stored events (other than this write's) that
 * the write was not checked for; `null` for stored events that match no entity yet, unless the
 * write was allowed with no entity (`NO_ENTITY_YET`).
 */
function entitiesNotChecked(
  bySubject: Map<string, StoredEvent[]>,
  own: Set<string>,
  written: Set<string>,
  allowed: Map<string, Set<string>>,
): Map<string, Array<string | null>> {
  const out = new Map<string, Array<string | null>>();
  for (const key of own) {
    const checked = allowed.get(key);
    for (const e of bySubject.get(key) ?? []) {
      if (written.has(e.id) || checked?.has(e.entityRef ?? NO_ENTITY_YET)) continue;
      const list = out.get(key) ?? [];
      const entity = e.entityRef ?? null;
      if (!list.includes(entity)) list.push(entity);
      out.set(key, list);
    }
  }
  return out;
}

/**
 * Locks the subjects and everything their re-derivation depends on, and reads their events
 * and those of the subjects linked to them. On PostgreSQL: the subjects (and `alsoLock`)
 * are locked first, in one sorted acquisition; their events are read; the guard keys and
 * the linked subjects they imply are then taken without waiting, and the links read again
 * until no new guard is needed. Every subject re-derived and every row a link was read from
 * is then locked, so nothing linked can appear unseen before this transaction commits.
 */
async function lockAndLoad(
  tx: Knex.Transaction,
  subjectKeys: string[],
  locking: ReprojectOptions,
): Promise<Map<string, StoredEvent[]>> {
  const subjects = [...new Set(subjectKeys)];
  if (!takesWriteLocks(tx)) {
    // SQLite serialises writes: what is read is what the transaction sees until it commits.
    const bySubject = await loadEvents(tx, subjects, locking.written);
    const linked = await linkedSubjects(tx, bySubject);
    for (const [key, events] of await loadEvents(tx, linked)) bySubject.set(key, events);
    return bySubject;
  }
  const held = new Set([...subjects, ...(locking.alsoLock ?? [])]);
  await lockForWrite(tx, 'subject', held);
  const bySubject = await loadEvents(tx, subjects, locking.written);
  const guards = guardKeysOf(bySubject);
  let linked: string[];
  for (;;) {
    linked = await linkedSubjects(tx, bySubject);
    const newGuards = guards.filter(k => !held.has(k));
    const missing = [...newGuards, ...linked.filter(k => !held.has(k))];
    if (missing.length === 0) break;
    if (locking.mayWait) {
      await lockForWrite(tx, 'subject', missing);
    } else if (!(await tryLockForWrite(tx, missing))) {
      throw new LockSetGrew([...held, ...missing]);
    }
    for (const k of missing) held.add(k);
    // The links were read without these guards: read them again under them.
    if (newGuards.length === 0) break;
  }
  for (const [key, events] of await loadEvents(tx, linked)) bySubject.set(key, events);
  return bySubject;
}

/**
 * Re-derives the ledger rows of the given subjects from all of their stored events.
 * Commits are facts that do not change, so they are merged rather than folded.
 * The events are read under the subjects' locks, so a concurrent writer of the same subject
 * either committed before (and its events are folded in here) or folds after this commits.
 * In a transaction of `writeTransaction`, pass its `locking`.
 */
export async function reproject(
  tx: Knex.Transaction,
  subjectKeys: string[],
  options: ReprojectOptions = {},
): Promise<BatchFolds> {
  const bySubject = await lockAndLoad(tx, subjectKeys, options);
  const folds: BatchFolds = { deployments: [], previousDeployments: [], incidents: [], previousIncidents: [] };
  const written = new Set((options.written ?? []).map(e => e.id));
  const own = new Set(subjectKeys);
  if (options.allowedEntities) {
    const others = entitiesNotChecked(bySubject, own, written, options.allowedEntities);
    if (others.size > 0) throw new SubjectsOfOtherEntities(others);
  }
  /** The subject's fold without this write's events, when it had older ones. */
  const before = (key: string, events: StoredEvent[]) => {
    if (!own.has(key)) return undefined;
    const older = events.filter(e => !written.has(e.id));
    return older.length > 0 ? older : undefined;
  };
  const withoutCommits: Array<{ id: string; digest: string }> = [];
  const placements: Array<{ row: IncidentRow; entityRefs: string[]; placement: Placement }> = [];
  const deployments = [];
  const deploymentCommits: Array<{ deployment_id: string; commit_sha: string }> = [];
  const incidents = [];
  const incidentEntities: Array<{ incident_id: string; entity_ref: string }> = [];
  const builds = [];
  const artifacts = [];
  const testRuns = [];
  const commits = new Map<string, { reported_at: number | null; reported_by: string } & Record<string, unknown>>();

  for (const [key, events] of bySubject) {
    const kind = key.slice(0, key.indexOf(':'));
    if (kind === 'deployment') {
      const { row, commits: shas } = foldDeployment(events);
      deployments.push(row);
      if (own.has(key)) folds.deployments.push({ ...row });
      const older = before(key, events);
      if (older) folds.previousDeployments.push(foldDeployment(older).row);
      for (const sha of shas) deploymentCommits.push({ deployment_id: row.id, commit_sha: sha });
      if (shas.length === 0 && row.artifact_digest) withoutCommits.push({ id: row.id, digest: row.artifact_digest });
    } else if (kind === 'incident') {
      const { row, entityRefs } = foldIncident(events);
      incidents.push(row);
      // The row itself: placement and people's attributions below complete it as stored.
      if (own.has(key)) folds.incidents.push(row);
      const older = before(key, events);
      if (older) folds.previousIncidents.push(foldIncident(older).row);
      for (const ref of entityRefs) incidentEntities.push({ incident_id: row.id, entity_ref: ref });
      const placement = placementOf(events);
      if (placement && !row.deployment_id) placements.push({ row, entityRefs, placement });
    } else if (kind === 'build') {
      builds.push(foldBuild(events));
    } else if (kind === 'artifact') {
      artifacts.push(foldArtifact(events));
    } else if (kind === 'test') {
      testRuns.push(foldTestRun(events));
    } else if (kind === 'commits') {
      for (const stored of events) {
        if (stored.event.type !== 'commits') continue;
        // Kept per reporting entity: readers take a deployed commit's details for the
        // deploying entity only, so one team's report cannot change another's numbers.
        const entityRef = detailsEntityOf(stored);
        if (entityRef === null) continue;
        for (const c of stored.event.commits) {
          const commitKey = `${entityRef}\u0000${c.repository}\u0000${c.sha}`;
          // Of two reports of one commit, the latest holds: in this batch here, and against
          // the stored row in the upsert below. Latest by the time the report states, then by
          // its id; never by when it arrived, so the row depends on the events alone.
          const reportedAt = stored.event.time ? Date.parse(stored.event.time) : null;
          const seen = commits.get(commitKey);
          if (seen && !isLaterReport({ at: reportedAt, id: stored.id }, seen)) continue;
          commits.set(commitKey, {
            reported_at: reportedAt,
            reported_by: stored.id,
            sha: c.sha,
            repository: c.repository,
            entity_ref: entityRef,
            authored_at: c.authoredAt ? Date.parse(c.authoredAt) : null,
            committed_at: Date.parse(c.committedAt),
            merged_at: c.mergedAt ? Date.parse(c.mergedAt) : null,
            author: c.author ?? null,
            pr_number: c.prNumber ?? null,
            title: c.title ?? null,
          });
        }
      }
    }
  }

  const commitOfArtifact = await artifactCommits(tx, withoutCommits.map(d => d.digest), artifacts);
  for (const d of withoutCommits) {
    const sha = commitOfArtifact.get(d.digest);
    if (sha) deploymentCommits.push({ deployment_id: d.id, commit_sha: sha });
  }
  const refolded = new Set(deployments.map(d => d.id));
  // Where these deployments were (a deployment that moved leaves a rollback behind there)
  // and where they are now: the rule's scopes they touch, and their places in them.
  const changes = [...(await storedPositions(tx, [...refolded])), ...deployments.map(positionOf)];
  // The rollback rule reads and completes every deployment of an entity's environment, so
  // writers of one environment are serialised too.
  await lockForWrite(tx, 'scope', scopesOf(changes).map(s => `${s.entityRef}\u0000${s.environment}`));
  await upsert(tx, 'deployments', 'id', deployments);
  await replaceDeploymentCommits(tx, deployments.map(d => d.id), deploymentCommits);
  const ruleCommits = await reapplyRollbackRule(tx, changes, refolded);
  // One sorted acquisition of commit locks per write, so two writers cannot deadlock.
  await refreshEnvironmentCommits(tx, [...deploymentCommits.map(c => c.commit_sha), ...ruleCommits]);
  for (const { row, entityRefs, placement } of placements) {
    if (row.detected_at !== null) row.deployment_id = (await placedDeployment(tx, placement, entityRefs, row.detected_at)) ?? null;
  }
  await applyPeoplesAttributions(tx, incidents);
  await upsert(tx, 'incidents', 'id', incidents);
  for (const part of chunks(incidents.map(i => i.id), 500)) {
    await tx('incident_entities').whereIn('incident_id', part).delete();
  }
  // Tables no other row of this write depends on: one statement on PostgreSQL.
  const merge = (...key: string[]) => ({ key, action: 'merge' as const });
  await insertRowsTogether(tx, [
    { table: 'incident_entities', rows: incidentEntities, onConflict: merge('incident_id', 'entity_ref') },
    { table: 'builds', rows: builds, onConflict: merge('id') },
    { table: 'artifacts', rows: artifacts, onConflict: merge('digest') },
    { table: 'test_runs', rows: testRuns, onConflict: merge('id') },
    {
      table: 'commits',
      rows: [...commits.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row),
      onConflict: { ...merge('sha', 'repository', 'entity_ref'), newerBy: ['reported_at', 'reported_by'] },
    },
  ]);
  return folds;
}

/**
 * Whether a report of a commit is later than the one kept: by the time it states (none is
 * earliest), then by id, in code point order, as the upsert compares them (`bulkInsert.ts`).
 */
function isLaterReport(report: { at: number | null; id: string }, kept: { reported_at: number | null; reported_by: string }) {
  const at = report.at ?? -1;
  const keptAt = kept.reported_at ?? -1;
  if (at !== keptAt) return at > keptAt;
  return report.id > kept.reported_by;
}

/**
 * Makes the given deployments' commits exactly `wanted`, writing only the difference: a
 * deployment re-derived when it finishes, or for a late event, mostly keeps its commits.
 */
async function replaceDeploymentCommits(
  tx: Knex.Transaction,
  deploymentIds: string[],
  wanted: Array<{ deployment_id: string; commit_sha: string }>,
) {
  if (isPostgres(tx)) {
    // One statement: the stale pairs go, the missing ones come, the others stay untouched.
    await tx.raw(
      `with wanted as (
         select * from json_populate_recordset(null::deployment_commits, ?::json)
       ), gone as (
         delete from deployment_commits dc
          where dc.deployment_id = any(?::text[])
            and not exists (
              select 1 from wanted w
               where w.deployment_id = dc.deployment_id and w.commit_sha = dc.commit_sha
            )
       )
       insert into deployment_commits (deployment_id, commit_sha)
       select deployment_id, commit_sha from wanted
       on conflict (deployment_id, commit_sha) do nothing`,
      [JSON.stringify(wanted), deploymentIds],
    );
    return;
  }
  const pair = (r: { deployment_id: string; commit_sha: string }) => `${r.deployment_id}\u0000${r.commit_sha}`;
  const missing = new Map(wanted.map(r => [pair(r), r]));
  const stale: string[][] = [];
  for (const part of chunks(deploymentIds, 500)) {
    for (const r of await tx('deployment_commits').select('deployment_id', 'commit_sha').whereIn('deployment_id', part)) {
      if (!missing.delete(pair(r))) stale.push([r.deployment_id, r.commit_sha]);
    }
  }
  for (const gone of chunks(stale)) {
    await tx('deployment_commits').whereIn(['deployment_id', 'commit_sha'], gone).delete();
  }
  await insertRows(tx, 'deployment_commits', [...missing.values()], {
    key: ['deployment_id', 'commit_sha'],
    action: 'ignore',
  });
}

/**
 * Recomputes, for the given commits, the earliest successful deployment that brought each
 * to each entity's environment. Depends only on the deployments stored, so late or
 * out-of-order events converge to the same answer.
 */
export async function refreshEnvironmentCommits(tx: Knex.Transaction, shas: string[]) {
  const unique = [...new Set(shas)];
  // Two batches deploying the same commit would otherwise each see only its own deployment.
  await lockForWrite(tx, 'commit', unique);
  if (unique.length === 0) return;
  if (isPostgres(tx)) {
    // The same rule in one statement: the earliest successful deployment of each commit in
    // each entity's environment (ties broken by id, in code point order as below), written
    // only where it changed, and the rows of commits no longer deployed there removed.
    // Each deployment is looked up by its key (the lateral subquery, kept apart by OFFSET 0):
    // joined plainly, PostgreSQL hashed every deployment of the ledger instead — 44 ms
    // against 6 ms for a batch's 900 commit rows in a ledger of 65,000 deployments
    // (docs/benchmarks.md).
    await tx.raw(
      `with wanted as (
         select distinct on (d.entity_ref, d.environment, dc.commit_sha)
                d.entity_ref, d.environment, dc.commit_sha,
                d.id as first_deployment_id, d.sort_time as first_time
           from deployment_commits dc
           cross join lateral (
             select id, entity_ref, environment, sort_time from deployments
              where id = dc.deployment_id and entity_ref is not null and status = 'succeeded'
             offset 0
           ) d
          where dc.commit_sha = any(?::text[])
          order by d.entity_ref, d.environment, dc.commit_sha, d.sort_time, d.id collate "C"
       ), gone as (
         delete from environment_commits ec
          where ec.commit_sha = any(?::text[])
            and not exists (
              select 1 from wanted w
               where w.entity_ref = ec.entity_ref
                 and w.environment = ec.environment
                 and w.commit_sha = ec.commit_sha
            )
       )
       insert into environment_commits (entity_ref, environment, commit_sha, first_deployment_id, first_time)
       select entity_ref, environment, commit_sha, first_deployment_id, first_time from wanted
       on conflict (entity_ref, environment, commit_sha) do update
          set first_deployment_id = excluded.first_deployment_id, first_time = excluded.first_time
        where (environment_commits.first_deployment_id, environment_commits.first_time)
              is distinct from (excluded.first_deployment_id, excluded.first_time)`,
      [unique, unique],
    );
    return;
  }
  for (const part of chunks(unique, 500)) {
    const rows = await tx('deployment_commits as dc')
      .join('deployments as d', 'd.id', 'dc.deployment_id')
      .select('dc.commit_sha', 'd.entity_ref', 'd.environment', 'd.id', 'd.sort_time')
      .whereIn('dc.commit_sha', part)
      .whereNotNull('d.entity_ref')
      .where('d.status', 'succeeded');
    const first = new Map<string, { entity_ref: string; environment: string; commit_sha: string; first_deployment_id: string; first_time: number }>();
    for (const r of rows) {
      const key = `${r.entity_ref}\u0000${r.environment}\u0000${r.commit_sha}`;
      const time = Number(r.sort_time);
      const current = first.get(key);
      if (!current || time < current.first_time || (time === current.first_time && r.id < current.first_deployment_id)) {
        first.set(key, {
          entity_ref: r.entity_ref,
          environment: r.environment,
          commit_sha: r.commit_sha,
          first_deployment_id: r.id,
          first_time: time,
        });
      }
    }
    // Only what changed is written: most commits a batch touches arrived long ago, and
    // rewriting their rows costs a delete and an insert in every index each time.
    const stale: string[][] = [];
    for (const r of await tx('environment_commits')
      .select('entity_ref', 'environment', 'commit_sha', 'first_deployment_id', 'first_time')
      .whereIn('commit_sha', part)) {
      const key = `${r.entity_ref}\u0000${r.environment}\u0000${r.commit_sha}`;
      const wanted = first.get(key);
      if (!wanted) stale.push([r.entity_ref, r.environment, r.commit_sha]);
      else if (wanted.first_deployment_id === r.first_deployment_id && wanted.first_time === Number(r.first_time)) first.delete(key);
    }
    for (const gone of chunks(stale)) {
      await tx('environment_commits').whereIn(['entity_ref', 'environment', 'commit_sha'], gone).delete();
    }
    await upsert(tx, 'environment_commits', ['entity_ref', 'environment', 'commit_sha'], [...first.values()]);
  }
}

export { chunks };
