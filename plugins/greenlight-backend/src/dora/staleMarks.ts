import {
  DoraDeployment,
  DoraIncident,
  staleRollupDays,
  utcDayKey,
} from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { BatchFolds, NewEventRow } from '../database/LedgerStore';
import { loadEvents } from '../database/projectionWriter';
import { isPostgres } from '../database/subjectLocks';
import { foldDeployment, foldIncident } from '../service/projection';
import { ALL_DAYS, StaleMark } from './DoraStore';
import {
  DEPLOYMENT_COLUMNS,
  DeploymentRow,
  doraTimeOf,
  IncidentRow,
  num,
  TierOf,
  toDoraDeployment,
  toDoraIncident,
} from './ledgerInputs';
import { detailsEntityOf } from '../database/commitDetails';

const CHUNK = 500;

/** What a batch changed, before and after, in the shape DORA reads. */
export type LedgerChanges = {
  /** Deployments as the ledger holds them now. */
  deployments: DeploymentRow[];
  /** The same deployments as they were before the batch, where they existed. */
  previousDeployments: DeploymentRow[];
  incidents: IncidentRow[];
  previousIncidents: IncidentRow[];
  /**
   * Commits whose details arrived, with the entity whose events reported them: only that
   * entity's numbers can change (commit details are read per entity, `database/commitDetails.ts`).
   * `null` for details every entity may read (an event that matched no entity) and for an
   * artifact's commit, which is the commit of every deployment of the artifact.
   */
  arrivedCommits: Array<{ sha: string; entityRef: string | null }>;
};

/**
 * Places per statement of the per-place lookups: well under SQLite's limits on the terms of
 * a compound SELECT (500) and on the depth of an expression (1,000).
 */
const PLACES_CHUNK = 200;

function chunked<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Refolds each touched deployment and incident from its stored events with and without the
 * batch, so that both versions of an update are known, as stale marking requires.
 */
export async function changesOfBatch(knex: Knex, rows: NewEventRow[], folds?: BatchFolds): Promise<LedgerChanges> {
  const fresh = new Set(rows.map(r => r.id));
  const subjects = [
    ...new Set(rows.map(r => r.subjectKey).filter(k => k.startsWith('deployment:') || k.startsWith('incident:'))),
  ];
  const changes: LedgerChanges = {
    deployments: [],
    previousDeployments: [],
    incidents: [],
    previousIncidents: [],
    // An artifact's commit is also the commit of its deployments that name none.
    arrivedCommits: rows.flatMap(r => {
      if (r.event.type === 'commits') {
        // The entity whose numbers the details change; every entity's for unmatched ones.
        const entity = detailsEntityOf(r);
        if (entity === null) return [];
        return r.event.commits.map(c => ({ sha: c.sha, entityRef: entity || null }));
      }
      return r.event.type === 'artifact' && r.event.artifact.commitSha
        ? [{ sha: r.event.artifact.commitSha, entityRef: null }]
        : [];
    }),
  };
  // The batch's own events are taken as the listener was given them; only older events of
  // these subjects are read (and parsed) from the ledger.
  if (folds) {
    // The write folded these subjects under their locks: the same rows, without a second read.
    return { ...changes, ...folds };
  }
  for (const [subject, events] of await loadEvents(knex, subjects, rows)) {
    const before = events.filter(e => !fresh.has(e.id));
    if (subject.startsWith('deployment:')) {
      changes.deployments.push(foldDeployment(events).row);
      if (before.length > 0) changes.previousDeployments.push(foldDeployment(before).row);
    } else {
      // An incident placed by environment and artifact is attributed when it is written,
      // not by its own events: take the attribution the ledger holds.
      const row = foldIncident(events).row;
      if (!row.deployment_id) {
        const stored = await knex('incidents').select('deployment_id').where('id', row.id).first();
        row.deployment_id = stored?.deployment_id ?? null;
      }
      changes.incidents.push(row);
      if (before.length > 0) changes.previousIncidents.push(foldIncident(before).row);
    }
  }
  return changes;
}

/** Changes that are current deployments only, e.g. deployments that were just attached to an entity. */
export async function changesOfDeployments(knex: Knex, ids: string[]): Promise<LedgerChanges> {
  const deployments: DeploymentRow[] = [];
  for (const part of chunked([...new Set(ids)])) {
    deployments.push(...(await knex('deployments').select(DEPLOYMENT_COLUMNS).whereIn('id', part)));
  }
  return { deployments, previousDeployments: [], incidents: [], previousIncidents: [], arrivedCommits: [] };
}

/** The last successful deployment of `d`'s entity and environment at or before it, other than it. */
export function previousSuccessOf(knex: Knex, d: DoraDeployment): Knex.QueryBuilder {
  return knex('deployments')
    .select(DEPLOYMENT_COLUMNS)
    .where({ entity_ref: d.entityRef, environment: d.environment, status: 'succeeded' })
    .where('sort_time', '<=', d.finishedAt ?? d.startedAt!)
    .whereNot('id', d.id)
    .where(q => q.whereNotNull('finished_at').orWhereNotNull('started_at'))
    .orderBy([
      { column: 'sort_time', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(1);
}

/**
 * The last successful production deployment, per entity and environment, at or before the
 * earliest changed production deployment there: the point from which failures may now
 * recover differently. Later changes of the same place find this one or a later one.
 *
 * Each place is the same `ORDER BY … LIMIT 1` lookup by `deployments_entity_time_idx` as a
 * statement per place would make. On PostgreSQL the places are one array parameter and the
 * lookup a lateral subquery, planned once: as a `UNION ALL` of one subquery per place,
 * planning 40 places took 5.5 ms against 2.3 ms to run them. SQLite has no lateral join and
 * keeps the `UNION ALL`, one statement per chunk of places.
 */
export async function previousSuccesses(
  knex: Knex,
  changed: DoraDeployment[],
): Promise<DeploymentRow[]> {
  const earliest = new Map<string, DoraDeployment>();
  for (const d of changed) {
    const time = d.finishedAt ?? d.startedAt;
    if (!d.entityRef || d.tier !== 'production' || time === undefined) continue;
    const key = JSON.stringify([d.entityRef, d.environment]);
    const current = earliest.get(key);
    if (!current || time < (current.finishedAt ?? current.startedAt)!) earliest.set(key, d);
  }
  const places = [...earliest.values()];
  if (places.length === 0) return [];
  if (isPostgres(knex)) return previousSuccessesLateral(knex, places);
  const found: DeploymentRow[] = [];
  for (const part of chunked(places, PLACES_CHUNK)) {
    const lookups = part.map((d, i) =>
      knex
        .select('*')
        .from(
          previousSuccessOf(knex, d).as(`p${i}`),
        ),
    );
    const [first, ...rest] = lookups;
    found.push(...(await (rest.length > 0 ? first.unionAll(rest) : first)));
  }
  return found;
}

/** `previousSuccessOf` for every place at once, as one lateral lookup (PostgreSQL). */
async function previousSuccessesLateral(knex: Knex, places: DoraDeployment[]): Promise<DeploymentRow[]> {
  const columns = DEPLOYMENT_COLUMNS.map(c => `p.${c}`).join(', ');
  const { rows } = await knex.raw(
    `select ${columns}
       from unnest(?::text[], ?::text[], ?::bigint[], ?::text[]) as k(entity_ref, environment, at, id)
       cross join lateral (
         select * from deployments
          where entity_ref = k.entity_ref and environment = k.environment and status = 'succeeded'
            and sort_time <= k.at and id <> k.id
            and (finished_at is not null or started_at is not null)
          order by sort_time desc, id desc
          limit 1
       ) as p`,
    [
      places.map(d => d.entityRef),
      places.map(d => d.environment),
      places.map(d => (d.finishedAt ?? d.startedAt)!),
      places.map(d => d.id),
    ],
  );
  return rows;
}

/**
 * Attributed incidents detected since the previous success of each changed production
 * place (or ever, with none), with the deployments they blame: a failure noticed after
 * that success can only be restored by a later deployment, such as a changed one.
 * One statement per chunk of places for the incidents, one per chunk of ids for the
 * deployments.
 */
async function failuresNoticedSince(
  knex: Knex,
  successes: DeploymentRow[],
  changed: DoraDeployment[],
): Promise<{ deployments: DeploymentRow[]; incidents: DoraIncident[] }> {
  const since = new Map<string, { entityRef: string; environment: string; from: number }>();
  for (const d of changed) {
    if (!d.entityRef || d.tier !== 'production') continue;
    const key = JSON.stringify([d.entityRef, d.environment]);
    const success = successes.find(s => s.entity_ref === d.entityRef && s.environment === d.environment);
    since.set(key, { entityRef: d.entityRef, environment: d.environment, from: success ? Number(success.sort_time) : 0 });
  }
  const incidents: DoraIncident[] = [];
  const ids = new Set<string>();
  const places = [...since.values()];
  for (const part of isPostgres(knex) ? [places] : chunked(places, PLACES_CHUNK)) {
    if (part.length === 0) continue;
    const rows = await incidentsSinceQuery(knex, part);
    for (const r of rows) {
      const incident = toDoraIncident(r);
      if (incident) incidents.push(incident);
      ids.add(r.deployment_id as string);
    }
  }
  const deployments: DeploymentRow[] = [];
  for (const part of chunked([...ids])) {
    deployments.push(...(await knex('deployments').select(DEPLOYMENT_COLUMNS).whereIn('id', part)));
  }
  return { deployments, incidents };
}

/**
 * Incidents detected at or after `from` that blame a deployment of one of the places. On
 * PostgreSQL the places are one array parameter joined like a table (planned once, like
 * `previousSuccessesLateral`); elsewhere one `OR` term per place.
 */
async function incidentsSinceQuery(
  knex: Knex,
  places: Array<{ entityRef: string; environment: string; from: number }>,
): Promise<IncidentRow[]> {
  if (isPostgres(knex)) {
    const { rows } = await knex.raw(
      `select i.id, i.detected_at, i.resolved_at, i.deployment_id
         from incidents i
         join deployments d on d.id = i.deployment_id
         join unnest(?::text[], ?::text[], ?::bigint[]) as k(entity_ref, environment, since)
           on d.entity_ref = k.entity_ref and d.environment = k.environment
        where i.detected_at >= k.since`,
      [places.map(p => p.entityRef), places.map(p => p.environment), places.map(p => p.from)],
    );
    return rows;
  }
  return knex('incidents as i')
      .join('deployments as d', 'd.id', 'i.deployment_id')
      .where(q => {
        for (const place of places) {
          q.orWhere(p =>
            p
              .where({ 'd.entity_ref': place.entityRef, 'd.environment': place.environment })
              .where('i.detected_at', '>=', place.from),
          );
        }
      })
      .select('i.id', 'i.detected_at', 'i.resolved_at', 'i.deployment_id');
}

/**
 * Which entity-days the changes make stale: `staleRollupDays` over the changed versions,
 * plus, for every changed deployment, its own day (its commits and data-quality counts),
 * plus, for commit details, the deployments that carried those commits.
 */
export async function staleMarksFor(knex: Knex, tierOf: TierOf, changes: LedgerChanges): Promise<StaleMark[]> {
  const marks: StaleMark[] = [];
  const current = changes.deployments.map(row => toDoraDeployment(row, tierOf));
  const previous = changes.previousDeployments.map(row => toDoraDeployment(row, tierOf));
  for (const row of [...changes.deployments, ...changes.previousDeployments]) {
    const time = doraTimeOf(row) ?? num(row.sort_time);
    if (row.entity_ref && time !== undefined) marks.push({ entityRef: row.entity_ref, fromDay: utcDayKey(time) });
  }
  const incidents = [...changes.incidents, ...changes.previousIncidents].flatMap(row => {
    const incident = toDoraIncident(row);
    return incident ? [incident] : [];
  });

  const named = new Set<string>();
  for (const d of [...current, ...previous]) {
    if (d.rollbackOf) named.add(d.rollbackOf);
    if (d.replaces) named.add(d.replaces);
  }
  for (const i of incidents) if (i.deploymentId) named.add(i.deploymentId);
  const currentIds = new Set(current.map(d => d.id));
  // Independent reads, side by side on the pool: the listener's time is the slowest of them.
  const readNamed = async () => {
    const found: DeploymentRow[] = [];
    for (const part of chunked([...named].filter(id => !currentIds.has(id)))) {
      found.push(...(await knex('deployments').select(DEPLOYMENT_COLUMNS).whereIn('id', part)));
    }
    return found;
  };
  const readSuccessesAndFailures = async () => {
    const found = await previousSuccesses(knex, [...current, ...previous]);
    return { successes: found, noticed: await failuresNoticedSince(knex, found, [...current, ...previous]) };
  };
  const [namedRows, { successes, noticed }, commitMarks] = await Promise.all([
    readNamed(),
    readSuccessesAndFailures(),
    commitArrivalMarks(knex, changes.arrivedCommits),
  ]);
  marks.push(...commitMarks);
  const history = [
    ...current,
    ...namedRows.map(row => toDoraDeployment(row, tierOf)),
    ...successes.map(row => toDoraDeployment(row, tierOf)),
    ...noticed.deployments.map(row => toDoraDeployment(row, tierOf)),
  ];
  const changed: Array<DoraDeployment | DoraIncident> = [...current, ...previous, ...incidents];
  for (const stale of staleRollupDays(history, changed, noticed.incidents)) {
    if (stale.entityRef) marks.push({ entityRef: stale.entityRef, fromDay: stale.fromDay ?? ALL_DAYS });
  }

  return marks;
}

/**
 * For commit details that arrived: the entities that deployed those commits and read those
 * details (the reporting entity, or every entity for details any entity may read), from the
 * first such deployment's day. Another entity's report of a commit changes nothing that
 * entity reads, so it does not make its rollups rebuild.
 */
async function commitArrivalMarks(
  knex: Knex,
  arrived: Array<{ sha: string; entityRef: string | null }>,
): Promise<StaleMark[]> {
  const readers = new Map<string, Set<string> | 'all'>();
  for (const { sha, entityRef } of arrived) {
    const known = readers.get(sha);
    if (entityRef === null) readers.set(sha, 'all');
    else if (known === undefined) readers.set(sha, new Set([entityRef]));
    else if (known !== 'all') known.add(entityRef);
  }
  const unique = [...readers.keys()];
  if (unique.length === 0) return [];
  const found: Array<{ commit_sha: string; entity_ref: string; first: unknown }> = [];
  if (isPostgres(knex)) {
    // Each deployment looked up by its key (the lateral subquery, kept apart by OFFSET 0), as
    // for environment commits: joined plainly, PostgreSQL hashed every deployment of the
    // ledger for a batch's few hundred commits, 62 ms against 12 ms for 400 commits in a
    // ledger of 65,000 deployments (docs/benchmarks.md). One array parameter, not one per sha.
    const { rows } = await knex.raw(
      `select dc.commit_sha, d.entity_ref, min(d.sort_time) as first
         from deployment_commits dc
         cross join lateral (
           select entity_ref, sort_time from deployments
            where id = dc.deployment_id and entity_ref is not null
           offset 0
         ) d
        where dc.commit_sha = any(?::text[])
        group by dc.commit_sha, d.entity_ref`,
      [unique],
    );
    found.push(...rows);
  } else {
    for (const part of chunked(unique)) {
      const rows: typeof found = await knex('deployment_commits as dc')
        .join('deployments as d', 'd.id', 'dc.deployment_id')
        .whereIn('dc.commit_sha', part)
        .whereNotNull('d.entity_ref')
        .groupBy('dc.commit_sha', 'd.entity_ref')
        .select('dc.commit_sha', 'd.entity_ref')
        .min({ first: 'd.sort_time' });
      found.push(...rows);
    }
  }
  const first = new Map<string, number>();
  for (const r of found) {
    const reading = readers.get(r.commit_sha);
    if (reading !== 'all' && !reading?.has(r.entity_ref)) continue;
    const time = Number(r.first);
    if (!first.has(r.entity_ref) || time < first.get(r.entity_ref)!) first.set(r.entity_ref, time);
  }
  return [...first].map(([entityRef, time]) => ({ entityRef, fromDay: utcDayKey(time) }));
}
