import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { applyMigrations } from './migrations';
import { insertNewEvents } from './eventWriter';
import { PlannerStatistics } from './plannerStatistics';
import { guardKeysOf } from './crossSubjectLinks';
import { chunks, reproject, writeTransaction } from './projectionWriter';
import { commitDetailsOf } from './commitDetails';
import {
  ApplyResult,
  AuditEntry,
  BatchFolds,
  ChangeItem,
  CommitView,
  EnvironmentState,
  LedgerStore,
  NewEventRow,
  Release,
  ReleaseDetail,
  ReleaseQuery,
} from './LedgerStore';

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const RELEASE_COLUMNS = [
  'd.*',
  'a.name as artifact_name',
  'a.purl as artifact_purl',
  'a.build_id as artifact_build_id',
];

/**
 * Whether commit `dc` had already reached deployment `d`'s environment before `d`:
 * an earlier first arrival is recorded in environment_commits.
 */
function alreadyInEnvironment(knex: Knex) {
  return knex('environment_commits as ec')
    .where('ec.entity_ref', knex.ref('d.entity_ref'))
    .where('ec.environment', knex.ref('d.environment'))
    .where('ec.commit_sha', knex.ref('dc.commit_sha'))
    .where(q =>
      q
        .where('ec.first_time', '<', knex.ref('d.sort_time'))
        .orWhere(q2 =>
          q2
            .where('ec.first_time', knex.ref('d.sort_time'))
            .where('ec.first_deployment_id', '<', knex.ref('d.id')),
        ),
    );
}

/** The commits deployment `d` newly brought (or, if it failed, tried to bring) to its environment. */
function newCommitsOf(knex: Knex) {
  return knex('deployment_commits as dc')
    .where('dc.deployment_id', knex.ref('d.id'))
    .whereNotExists(alreadyInEnvironment(knex));
}

/**
 * The guard keys a batch's own events imply, so that the first attempt of its write usually
 * takes every lock it needs in one acquisition (see `guardKeysOf`).
 */
function expectedLocks(rows: NewEventRow[]): string[] {
  const bySubject = new Map<string, NewEventRow[]>();
  for (const r of rows) bySubject.set(r.subjectKey, [...(bySubject.get(r.subjectKey) ?? []), r]);
  return guardKeysOf(bySubject);
}

export class KnexLedgerStore implements LedgerStore {
  static async create(options: {
    database: DatabaseService;
    logger?: LoggerService;
    skipMigrations?: boolean;
  }) {
    const knex = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await applyMigrations(knex);
    }
    return new KnexLedgerStore(knex, new PlannerStatistics(knex, options.logger));
  }

  constructor(
    readonly knex: Knex,
    readonly statistics = new PlannerStatistics(knex),
  ) {}

  async deploymentEntities(ids: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 500) {
      for (const r of await this.knex('deployments')
        .select('id', 'entity_ref')
        .whereIn('id', unique.slice(i, i + 500))) {
        out.set(r.id, r.entity_ref ?? null);
      }
    }
    return out;
  }

  async applyEvents(
    rows: NewEventRow[],
    audit: AuditEntry,
    options: { allowedEntities?: Map<string, Set<string>> } = {},
  ): Promise<ApplyResult> {
    const result = await writeTransaction(
      this.knex,
      async (tx, locking) => {
      const inserted = await insertNewEvents(tx, rows);
      const fresh: NewEventRow[] = [];
      for (const r of rows) {
        if (inserted.delete(r.id)) fresh.push(r);
      }
      let folds: BatchFolds = { deployments: [], previousDeployments: [], incidents: [], previousIncidents: [] };
      if (fresh.length > 0) {
        folds = await reproject(
          tx,
          fresh.map(r => r.subjectKey),
          { ...locking, written: fresh, allowedEntities: options.allowedEntities },
        );
        await this.insertAudit(tx, {
          ...audit,
          details: { ...(audit.details as object), events: fresh.length },
        });
      }
      const accepted = new Set(fresh);
      return {
        accepted: fresh.map(r => r.id),
        duplicates: rows.filter(r => !accepted.has(r)).map(r => r.id),
        folds,
      };
      },
      expectedLocks(rows),
    );
    this.statistics.noteWrites(result.accepted.length);
    return result;
  }

  async attachUnmapped(
    resolveAll: (keys: Array<Record<string, string | undefined>>) => Promise<Array<string | null>>,
    limit: number,
    options: { beforeAttach?: (attaching: NewEventRow[]) => Promise<NewEventRow[] | void> } = {},
  ): Promise<NewEventRow[]> {
    const rows = await this.knex('events')
      .select('id', 'source', 'subject_key', 'event_time', 'received_at', 'actor', 'mapping_keys')
      .whereNull('entity_ref')
      .orderBy('received_at')
      .limit(limit);
    // All at once: the task forgets cached misses before it runs, so each of up to 1,000
    // events would otherwise be a catalog request of its own, one after another.
    const entityRefs = await resolveAll(rows.map(row => JSON.parse(row.mapping_keys ?? '{}')));
    // Payloads only of the events that attach: most unmapped events stay so, run after run.
    const attaching = rows.filter((_, i) => entityRefs[i]).map(row => row.id);
    const payloads = new Map<string, string>();
    for (const part of chunks(attaching, 500)) {
      for (const r of await this.knex('events').select('id', 'payload').whereIn('id', part)) payloads.set(r.id, r.payload);
    }
    let updates: NewEventRow[] = [];
    rows.forEach((row, i) => {
      const entityRef = entityRefs[i];
      if (!entityRef) return;
      updates.push({
        id: row.id,
        source: row.source,
        subjectKey: row.subject_key,
        eventTime: Number(row.event_time),
        receivedAt: Number(row.received_at),
        actor: row.actor,
        entityRef,
        mappingKeys: JSON.parse(row.mapping_keys ?? '{}'),
        event: JSON.parse(payloads.get(row.id)!),
      });
    });
    if (updates.length === 0) return [];
    const heldBack = new Set(((await options.beforeAttach?.(updates)) ?? []).map(r => r.id));
    if (heldBack.size > 0) updates = updates.filter(u => !heldBack.has(u.id));
    if (updates.length === 0) return [];
    await writeTransaction(this.knex, async (tx, locking) => {
      for (const u of updates) {
        await tx('events').where('id', u.id).update({ entity_ref: u.entityRef });
      }
      await reproject(tx, updates.map(u => u.subjectKey), locking);
    });
    return updates;
  }

  async listUnmapped(limit: number) {
    const rows = await this.knex('events')
      .select('id', 'type', 'received_at', 'mapping_keys')
      .whereNull('entity_ref')
      .orderBy('received_at', 'desc')
      .limit(limit);
    return rows.map(r => ({
      id: r.id,
      type: r.type,
      receivedAt: iso(r.received_at)!,
      keys: Object.fromEntries(
        Object.entries(JSON.parse(r.mapping_keys ?? '{}')).filter(([, v]) => v),
      ) as Record<string, string>,
    }));
  }

  /** The filters of a release query, shared by a page and its count. */
  private filterReleases(q: Knex.QueryBuilder, query: Omit<ReleaseQuery, 'limit' | 'cursor'>) {
    q.where('d.entity_ref', query.entityRef);
    if (query.environment) q.where('d.environment', query.environment);
    if (query.status) q.where('d.status', query.status);
    if (query.from !== undefined) q.where('d.sort_time', '>=', query.from);
    if (query.to !== undefined) q.where('d.sort_time', '<', query.to);
    return q;
  }

  async countReleases(query: Omit<ReleaseQuery, 'limit' | 'cursor'>): Promise<number> {
    const [row] = await this.filterReleases(this.knex('deployments as d'), query).count('* as n');
    return Number(row?.n ?? 0);
  }

  async listReleases(query: ReleaseQuery) {
    const knex = this.knex;
    const q = knex('deployments as d')
      .leftJoin('artifacts as a', 'a.digest', 'd.artifact_digest')
      .select(RELEASE_COLUMNS)
      .select(newCommitsOf(knex).count('* as n').as('new_commit_count'))
      .orderBy([
        { column: 'd.sort_time', order: 'desc' },
        { column: 'd.id', order: 'desc' },
      ])
      .limit(query.limit + 1);
    this.filterReleases(q, query);
    if (query.cursor) {
      const { sortTime, id } = query.cursor;
      // A row-value comparison is one range of the (entity_ref, sort_time, id) index on both
      // databases; the equivalent OR is a filter over every newer row of the entity.
      q.whereRaw('(d.sort_time, d.id) < (?, ?)', [sortTime, id]);
    }
    const rows = await q;
    const page = rows.slice(0, query.limit);
    const rolledBackBy = await this.rolledBackBy(page.map(r => r.id));
    const items = page.map(r => this.toRelease(r, rolledBackBy.get(r.id) ?? []));
    const last = page[page.length - 1];
    return {
      items,
      nextCursor:
        rows.length > query.limit && last
          ? Buffer.from(`${Number(last.sort_time)}:${last.id}`).toString('base64url')
          : undefined,
    };
  }

  async listLatestReleases(query: { limit: number; environment?: string }) {
    const knex = this.knex;
    const q = knex('deployments as d')
      .leftJoin('artifacts as a', 'a.digest', 'd.artifact_digest')
      .select(RELEASE_COLUMNS)
      .select(newCommitsOf(knex).count('* as n').as('new_commit_count'))
      .whereNotNull('d.entity_ref')
      .orderBy([
        { column: 'd.sort_time', order: 'desc' },
        { column: 'd.id', order: 'desc' },
      ])
      .limit(query.limit);
    if (query.environment) q.where('d.environment', query.environment);
    const rows = await q;
    const rolledBackBy = await this.rolledBackBy(rows.map(r => r.id));
    return rows.map(r => this.toRelease(r, rolledBackBy.get(r.id) ?? []));
  }

  async getRelease(id: string): Promise<ReleaseDetail | undefined> {
    const knex = this.knex;
    const row = await knex('deployments as d')
      .leftJoin('artifacts as a', 'a.digest', 'd.artifact_digest')
      .select(RELEASE_COLUMNS)
      .select(newCommitsOf(knex).count('* as n').as('new_commit_count'))
      .where('d.id', id)
      .first();
    if (!row) return undefined;
    const rolledBackBy = await this.rolledBackBy([id]);
    // The rollout that watched this deployment, when it was progressive (rollouts feature).
    const rollout = await knex('rollouts').select('id').where('deployment_id', id).first();

    const commitRows = await knex('deployment_commits as dc')
      .join('deployments as d', 'd.id', 'dc.deployment_id')
      // The details the deploying entity's own events reported (see `commitDetailsOf`).
      .leftJoin('commits as c', commitDetailsOf(knex, 'dc.commit_sha', 'd.entity_ref'))
      .select('dc.commit_sha', 'c.repository', 'c.author', 'c.title', 'c.pr_number', 'c.committed_at', 'c.merged_at')
      .where('d.id', id)
      .whereNotExists(alreadyInEnvironment(knex))
      .orderBy('c.committed_at', 'desc');
    const commits: CommitView[] = dedupeCommits(commitRows);

    const tests = await knex('test_runs as t')
      .select('t.*')
      .where(q => {
        if (row.artifact_digest) q.orWhere('t.artifact_digest', row.artifact_digest);
        if (row.artifact_build_id) q.orWhere('t.build_id', row.artifact_build_id);
        if (row.commit_sha) q.orWhere('t.commit_sha', row.commit_sha);
        if (!row.artifact_digest && !row.artifact_build_id && !row.commit_sha) q.whereRaw('1 = 0');
      })
      // The release's own entity's runs, or runs that matched no entity: another team's run of
      // the same artifact or commit is its evidence, as governance reads it (ledgerFacts.ts).
      .where(q => {
        if (row.entity_ref) q.where('t.entity_ref', row.entity_ref).orWhereNull('t.entity_ref');
        else q.whereNull('t.entity_ref');
      })
      .orderBy('t.finished_at', 'desc')
      .limit(100);

    const incidents = await knex('incidents').where('deployment_id', id).orderBy('detected_at');

    const events = await knex('events')
      .select('received_at', 'event_time', 'actor', 'type', 'id', 'source')
      .where('subject_key', `deployment:${id}`)
      .orderBy('received_at');
    const audit = await knex('audit_log')
      .where({ subject_type: 'deployment', subject_id: id })
      .orderBy('seq');

    return {
      ...this.toRelease(row, rolledBackBy.get(id) ?? []),
      ...(rollout ? { rolloutId: rollout.id as string } : {}),
      commits,
      tests: tests.map(t => ({
        id: t.id,
        suite: t.suite,
        outcome: t.outcome,
        total: num(t.total),
        failures: num(t.failures),
        finishedAt: iso(t.finished_at),
        url: t.url,
        matchedBy: matchedBy(t, row),
      })),
      incidents: incidents.map(i => ({
        id: i.id,
        title: i.title,
        severity: i.severity,
        detectedAt: iso(i.detected_at),
        resolvedAt: iso(i.resolved_at),
        evidence: i.evidence,
      })),
      audit: [
        ...events.map(e => ({
          at: iso(e.received_at)!,
          eventAt: iso(e.event_time)!,
          actor: e.actor,
          action: `event.${e.type}`,
          details: { eventId: e.id, source: e.source },
        })),
        ...audit.map(a => ({
          at: iso(a.at)!,
          actor: a.actor,
          action: a.action,
          details: a.details ? JSON.parse(a.details) : null,
        })),
      ].sort((a, b) => a.at.localeCompare(b.at)),
    };
  }

  async getEnvironments(
    entityRef: string,
    environments: Array<{ name: string; tier: string; order: number }>,
  ): Promise<EnvironmentState[]> {
    const knex = this.knex;
    const seen = await knex('deployments')
      .distinct('environment')
      .where('entity_ref', entityRef);
    const known = new Set(environments.map(e => e.name));
    const all = [
      ...environments,
      ...seen
        .map(r => r.environment as string)
        .filter(name => !known.has(name))
        .sort()
        .map((name, i) => ({ name, tier: 'unknown', order: 1000 + i })),
    ];
    const result: EnvironmentState[] = [];
    let previous: EnvironmentState | undefined;
    for (const env of all) {
      const current = await knex('deployments')
        .where({ entity_ref: entityRef, environment: env.name, status: 'succeeded' })
        .orderBy([
          { column: 'sort_time', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .first();
      let waiting: EnvironmentState['waiting'] = { count: 0, commits: [] };
      if (previous?.current) {
        const pending = knex('environment_commits as dc')
          .where({ 'dc.entity_ref': entityRef, 'dc.environment': previous.name })
          .whereNotExists(
            knex('environment_commits as tc')
              .where('tc.commit_sha', knex.ref('dc.commit_sha'))
              .where({ 'tc.entity_ref': entityRef, 'tc.environment': env.name }),
          );
        const [{ n }] = await pending.clone().countDistinct('dc.commit_sha as n');
        const rows = await pending
          .clone()
          .leftJoin('commits as c', commitDetailsOf(knex, 'dc.commit_sha', 'dc.entity_ref'))
          .select('dc.commit_sha', 'c.repository', 'c.author', 'c.title', 'c.pr_number', 'c.committed_at', 'c.merged_at')
          .orderBy('c.committed_at', 'desc')
          .limit(50);
        waiting = { count: Number(n), commits: dedupeCommits(rows) };
      }
      const state: EnvironmentState = {
        name: env.name,
        tier: env.tier,
        order: env.order,
        current: current
          ? {
              releaseId: current.id,
              artifactDigest: current.artifact_digest,
              version: current.version,
              commitSha: current.commit_sha,
              since: iso(current.finished_at ?? current.sort_time),
              actor: current.actor,
              restoredFrom: current.restored_from ?? null,
            }
          : null,
        waiting,
      };
      result.push(state);
      previous = state;
    }
    return result;
  }

  async listChanges(entityRefs: string[], from: number, to: number, limit: number) {
    const deployments = await this.knex('deployments')
      .whereIn('entity_ref', entityRefs)
      .where('sort_time', '>=', from)
      .where('sort_time', '<', to)
      .orderBy('sort_time')
      .limit(limit);
    const incidents = await this.knex('incidents as i')
      .join('incident_entities as ie', 'ie.incident_id', 'i.id')
      .select('i.*', 'ie.entity_ref')
      .whereIn('ie.entity_ref', entityRefs)
      .where('i.detected_at', '>=', from)
      .where('i.detected_at', '<', to)
      .orderBy('i.detected_at')
      .limit(limit);
    const items: ChangeItem[] = [
      ...deployments.map(d => ({
        at: iso(d.sort_time)!,
        kind: 'deployment' as const,
        entityRef: d.entity_ref,
        id: d.id,
        environment: d.environment,
        status: d.status,
        summary: `${d.intent} ${d.strategy} deployment of ${d.version ?? d.artifact_digest ?? d.commit_sha ?? 'unknown'} to ${d.environment}${d.actor ? ` by ${d.actor}` : ''}`,
      })),
      ...incidents.map(i => ({
        at: iso(i.detected_at)!,
        kind: 'incident' as const,
        entityRef: i.entity_ref,
        id: i.id,
        status: i.resolved_at ? 'resolved' : 'open',
        summary: `${i.severity ? `${i.severity} ` : ''}incident ${i.title ?? i.id}`,
      })),
    ];
    return items
      .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.insertAudit(this.knex, entry);
  }

  private async insertAudit(db: Knex | Knex.Transaction, entry: AuditEntry) {
    await db('audit_log').insert({
      at: Date.now(),
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      entity_ref: entry.entityRef ?? null,
      details: entry.details === undefined ? null : JSON.stringify(entry.details),
    });
  }

  private async rolledBackBy(ids: string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    if (ids.length === 0) return map;
    const rows = await this.knex('deployments')
      .select('id', 'rollback_of')
      .whereIn('rollback_of', ids)
      .orderBy('id');
    for (const r of rows) map.set(r.rollback_of, [...(map.get(r.rollback_of) ?? []), r.id]);
    return map;
  }

  private toRelease(r: any, rolledBackBy: string[]): Release {
    const started = num(r.started_at);
    const finished = num(r.finished_at);
    return {
      id: r.id,
      entityRef: r.entity_ref,
      environment: r.environment,
      status: r.status,
      strategy: r.strategy,
      intent: r.intent,
      version: r.version,
      commitSha: r.commit_sha,
      artifact: r.artifact_digest
        ? {
            digest: r.artifact_digest,
            name: r.artifact_name ?? null,
            purl: r.artifact_purl ?? null,
            buildId: r.artifact_build_id ?? null,
          }
        : null,
      actor: r.actor,
      sourceSystem: r.source_system,
      url: r.url,
      startedAt: iso(started),
      finishedAt: iso(finished),
      durationMs: started !== null && finished !== null ? finished - started : null,
      newCommitCount: Number(r.new_commit_count ?? 0),
      rollbackOf: r.rollback_of,
      replaces: r.replaces,
      rolledBackBy,
      restoredFrom: r.restored_from ?? null,
    };
  }
}

/** Which identity tied a test run to the release: the artifact is strongest, then the build. */
function matchedBy(test: any, release: any): 'artifact' | 'build' | 'commit' {
  if (release.artifact_digest && test.artifact_digest === release.artifact_digest) return 'artifact';
  if (release.artifact_build_id && test.build_id === release.artifact_build_id) return 'build';
  return 'commit';
}

/**
 * One view per SHA. A SHA the entity reported under several repositories (sources spell one
 * repository differently) is one commit: its earliest commit time counts, as in DORA's lead
 * time (`dora/entityHistory.ts`), so the release view and the lead time agree.
 */
function dedupeCommits(rows: any[]): CommitView[] {
  const bySha = new Map<string, CommitView>();
  for (const c of rows) {
    const view: CommitView = {
      sha: c.commit_sha,
      repository: c.repository ?? null,
      author: c.author ?? null,
      title: c.title ?? null,
      prNumber: num(c.pr_number),
      committedAt: iso(c.committed_at),
      mergedAt: iso(c.merged_at),
    };
    const kept = bySha.get(c.commit_sha);
    const earlier =
      kept && view.committedAt !== null && (kept.committedAt === null || view.committedAt < kept.committedAt);
    if (!kept || earlier) bySha.set(c.commit_sha, view);
  }
  // Newest first by the time shown; commits without a time last.
  const newestFirst = (a: CommitView, b: CommitView) => {
    if (a.committedAt === b.committedAt) return 0;
    if (a.committedAt === null) return 1;
    if (b.committedAt === null) return -1;
    return a.committedAt < b.committedAt ? 1 : -1;
  };
  return [...bySha.values()].sort(newestFirst);
}
