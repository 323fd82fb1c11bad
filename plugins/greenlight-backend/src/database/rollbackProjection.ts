import { Knex } from 'knex';
import { isPostgres } from './subjectLocks';
import {
  applyRollbackRule,
  ReportedDeployment,
  RollbackRuleEffect,
} from '../service/rollbackRule';

/** One entity's environment: the rollback rule reads and completes all of its deployments at once. */
export type DeploymentScope = { entityRef: string; environment: string };

/** The deployment columns the rule may change, with the rule's field name for each. */
const RULE_FIELDS = {
  rollback_of: 'rollbackOf',
  artifact_digest: 'artifactDigest',
  version: 'version',
  commit_sha: 'commitSha',
  status: 'status',
} as const;
type RuleColumn = keyof typeof RULE_FIELDS;

const scopeKey = (s: DeploymentScope) =>
  JSON.stringify([s.entityRef, s.environment]);

/**
 * Where a deployment is in its environment's history, as far as the rollback rule is
 * concerned: its scope, its start (the rule's order) and whether it is a rollback.
 */
export type DeploymentPosition = {
  id: string;
  entityRef: string | null;
  environment: string;
  intent: string;
  /** When it started, else its ledger time: the rule orders deployments by this. */
  start: number;
};

/** The columns a position is read from. */
const POSITION_COLUMNS = [
  'id',
  'entity_ref',
  'environment',
  'intent',
  'started_at',
  'sort_time',
];

export function positionOf(row: {
  id: string;
  entity_ref: string | null;
  environment: string;
  intent: string;
  started_at: number | string | null;
  sort_time: number | string;
}): DeploymentPosition {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    environment: row.environment,
    intent: row.intent,
    start: Number(row.started_at ?? row.sort_time),
  };
}

/** The positions the given deployments hold in the ledger now (unmapped ones have none). */
export async function storedPositions(
  tx: Knex | Knex.Transaction,
  ids: string[],
): Promise<DeploymentPosition[]> {
  const unique = [...new Set(ids)];
  const positions: DeploymentPosition[] = [];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await tx('deployments')
      .select(...POSITION_COLUMNS)
      .whereIn('id', unique.slice(i, i + 500))
      .whereNotNull('entity_ref');
    positions.push(...rows.map(positionOf));
  }
  return positions;
}

/** The distinct scopes of the positions that have one. */
export function scopesOf(positions: DeploymentPosition[]): DeploymentScope[] {
  const scopes = new Map<string, DeploymentScope>();
  for (const p of positions) {
    if (!p.entityRef) continue;
    const scope = { entityRef: p.entityRef, environment: p.environment };
    scopes.set(scopeKey(scope), scope);
  }
  return [...scopes.values()];
}

/**
 * The row as its own events reported it. A row refolded in this transaction already is;
 * any other row has the rule's changes applied, and `rule_overrides` holds what they replaced.
 */
function reported(row: any, refolded: ReadonlySet<string>): ReportedDeployment {
  const overrides: Partial<Record<RuleColumn, string | null>> =
    !refolded.has(row.id) && row.rule_overrides
      ? JSON.parse(row.rule_overrides)
      : {};
  const value = (column: RuleColumn) =>
    column in overrides ? overrides[column] ?? null : row[column] ?? null;
  return {
    id: row.id,
    status: value('status')!,
    intent: row.intent,
    startedAt: row.started_at === null ? null : Number(row.started_at),
    sortTime: Number(row.sort_time),
    artifactDigest: value('artifact_digest'),
    version: value('version'),
    commitSha: value('commit_sha'),
    rollbackOf: value('rollback_of'),
  };
}

/** The columns to write so that the row is the reported one with the rule's effect applied. */
function completedRow(
  facts: ReportedDeployment,
  effect: RollbackRuleEffect | undefined,
) {
  const update: Record<string, string | null> = {};
  const overrides: Record<string, string | null> = {};
  for (const [column, field] of Object.entries(RULE_FIELDS) as Array<
    [RuleColumn, (typeof RULE_FIELDS)[RuleColumn]]
  >) {
    const changed = effect?.[field];
    update[column] = changed ?? facts[field];
    if (changed !== undefined) overrides[column] = facts[field];
  }
  update.restored_from = effect?.restoredFrom ?? null;
  update.rule_overrides =
    Object.keys(overrides).length > 0 ? JSON.stringify(overrides) : null;
  return update;
}

/** Scopes per statement: two bind parameters each. */
const SCOPES_CHUNK = 200;

type RowUpdate = { id: string } & Record<string, string | null>;

/** Applies the rule to the rows of one scope; returns the rows to write and the ids whose status it changed. */
function completeScope(
  rows: any[],
  refolded: ReadonlySet<string>,
): { updates: RowUpdate[]; statusChanged: string[] } {
  const statusChanged: string[] = [];
  const updates: RowUpdate[] = [];
  const facts = rows.map(r => reported(r, refolded));
  const effects = applyRollbackRule(facts);
  for (const [i, row] of rows.entries()) {
    const update = completedRow(facts[i], effects.get(row.id));
    const current: Record<string, unknown> = row;
    if (
      Object.entries(update).every(
        ([column, value]) => (current[column] ?? null) === value,
      )
    )
      continue;
    if (update.status !== row.status) statusChanged.push(row.id);
    updates.push({ id: row.id, ...update });
  }
  return { updates, statusChanged };
}

const WRITTEN_COLUMNS = [
  ...Object.keys(RULE_FIELDS),
  'restored_from',
  'rule_overrides',
];
/** Rows per UPDATE: eight bind parameters each, and within every compound limit of SQLite. */
const UPDATES_CHUNK = 500;

/**
 * Writes the rule's rows in one statement per chunk rather than one per row: `UPDATE … FROM
 * (VALUES …)`, which PostgreSQL and SQLite (3.33 and later) both run. Every column written
 * is text, so the untyped values need no casts.
 */
async function writeUpdates(tx: Knex.Transaction, updates: RowUpdate[]) {
  const postgres = isPostgres(tx);
  const names = ['id', ...WRITTEN_COLUMNS];
  // SQLite names the columns of a VALUES list column1, column2, …; PostgreSQL lets them be named.
  const ref = (i: number) => (postgres ? `v.${names[i]}` : `v.column${i + 1}`);
  for (let i = 0; i < updates.length; i += UPDATES_CHUNK) {
    const part = updates.slice(i, i + UPDATES_CHUNK);
    const tuple = `(${names.map(() => '?').join(', ')})`;
    const sets = WRITTEN_COLUMNS.map((c, j) => `${c} = ${ref(j + 1)}`).join(
      ', ',
    );
    await tx.raw(
      `update deployments set ${sets}
         from (values ${part.map(() => tuple).join(', ')}) as v${
        postgres ? `(${names.join(', ')})` : ''
      }
        where deployments.id = ${ref(0)}`,
      part.flatMap(u => names.map(n => u[n] ?? null)),
    );
  }
}

/**
 * The rows the rule would write in the given scopes, read whole: every deployment of each
 * scope with a rollback, or a row the rule changed before. Without either, the rule has
 * nothing to do in a scope (every row already is as reported), and its rows are not read.
 */
export async function ruleUpdates(
  tx: Knex.Transaction,
  scopes: DeploymentScope[],
  refolded: ReadonlySet<string>,
): Promise<{ updates: RowUpdate[]; statusChanged: string[] }> {
  const statusChanged: string[] = [];
  const updates: RowUpdate[] = [];
  const unique = [
    ...new Map(scopes.map(scope => [scopeKey(scope), scope])).values(),
  ];
  for (let i = 0; i < unique.length; i += SCOPES_CHUNK) {
    const part = unique.slice(i, i + SCOPES_CHUNK);
    const active = tx('deployments')
      .distinct('entity_ref', 'environment')
      .whereIn(
        ['entity_ref', 'environment'],
        part.map(s => [s.entityRef, s.environment]),
      )
      .where(q =>
        q
          .where('intent', 'rollback')
          .orWhereNotNull('rule_overrides')
          .orWhereNotNull('restored_from'),
      );
    const rows = await tx('deployments as d')
      .join(active.as('a'), join =>
        join
          .on('a.entity_ref', 'd.entity_ref')
          .andOn('a.environment', 'd.environment'),
      )
      .select(
        ...[
          ...POSITION_COLUMNS,
          'restored_from',
          'rule_overrides',
          ...Object.keys(RULE_FIELDS),
        ].map(c => `d.${c}`),
      );
    const byScope = new Map<string, any[]>();
    for (const row of rows) {
      const key = scopeKey({
        entityRef: row.entity_ref,
        environment: row.environment,
      });
      const list = byScope.get(key) ?? [];
      list.push(row);
      byScope.set(key, list);
    }
    for (const scopeRows of byScope.values()) {
      const completed = completeScope(scopeRows, refolded);
      updates.push(...completed.updates);
      statusChanged.push(...completed.statusChanged);
    }
  }
  return { updates, statusChanged };
}

/** Scopes per statement of the dependency check: a few bind parameters each. */
const CHECK_CHUNK = 100;

/**
 * A scope to check: is there a rollback in it that started at or after `since`, or that
 * names one of `ids`?
 */
export type ScopeCheck = {
  scope: DeploymentScope;
  since: number;
  ids: Set<string>;
};

/**
 * The dependency check of `scopesDue` on PostgreSQL, for any number of scopes in one
 * statement of constant text: the scopes and their changed ids travel as arrays, and each
 * is looked up on its own (`limit 1` in a lateral subquery) in the partial index of
 * rollbacks and the index on `rollback_of`. The same check as one `OR` term per scope
 * spent 6 ms planning a batch's 69 scopes, more than it took to run (docs/benchmarks.md).
 */
export async function scopesWithLaterRollbacks(
  tx: Knex.Transaction,
  toCheck: ScopeCheck[],
): Promise<DeploymentScope[]> {
  const named = toCheck.flatMap(e =>
    [...e.ids].map(id => ({ ...e.scope, id })),
  );
  const { rows } = await tx.raw(
    `select k.entity_ref, k.environment
       from unnest(?::text[], ?::text[], ?::bigint[]) as k(entity_ref, environment, since)
      cross join lateral (
        select 1 from deployments d
         where d.intent = 'rollback' and d.entity_ref = k.entity_ref and d.environment = k.environment
           and coalesce(d.started_at, d.sort_time) >= k.since
         limit 1
      ) later
     union
     select n.entity_ref, n.environment
       from unnest(?::text[], ?::text[], ?::text[]) as n(entity_ref, environment, id)
      cross join lateral (
        select 1 from deployments d
         where d.rollback_of = n.id and d.intent = 'rollback'
           and d.entity_ref = n.entity_ref and d.environment = n.environment
         limit 1
      ) naming`,
    [
      toCheck.map(e => e.scope.entityRef),
      toCheck.map(e => e.scope.environment),
      toCheck.map(e => String(e.since)),
      named.map(n => n.entityRef),
      named.map(n => n.environment),
      named.map(n => n.id),
    ],
  );
  return rows.map((r: { entity_ref: string; environment: string }) => ({
    entityRef: r.entity_ref,
    environment: r.environment,
  }));
}

/**
 * The scopes whose rule results could change because the given deployments changed (each
 * given twice where it moved: where it was and where it is now). What the rule gives a
 * deployment depends on the deployments before it only through a rollback at or after it:
 * a rollback undoes a deployment that started before it and restores one from before that.
 * So a scope is due when a changed deployment is a rollback (or was one), when one of its
 * rollbacks started at or after the earliest changed deployment there, or when one names a
 * changed deployment; any other scope keeps every result it has. In the ledger's usual
 * flow, deployments arriving in order after the last rollback, no scope is due.
 */
export async function scopesDue(
  tx: Knex.Transaction,
  changes: DeploymentPosition[],
): Promise<DeploymentScope[]> {
  const byScope = new Map<string, ScopeCheck & { rollback: boolean }>();
  for (const c of changes) {
    if (!c.entityRef) continue;
    const scope = { entityRef: c.entityRef, environment: c.environment };
    const key = scopeKey(scope);
    const entry = byScope.get(key) ?? {
      scope,
      since: c.start,
      ids: new Set<string>(),
      rollback: false,
    };
    entry.since = Math.min(entry.since, c.start);
    entry.ids.add(c.id);
    entry.rollback ||= c.intent === 'rollback';
    byScope.set(key, entry);
  }
  const due = [...byScope.values()].filter(e => e.rollback).map(e => e.scope);
  const toCheck = [...byScope.values()].filter(e => !e.rollback);
  if (toCheck.length > 0) {
    const check = isPostgres(tx)
      ? scopesWithLaterRollbacks
      : scopesWithLaterRollbacksPortable;
    due.push(...(await check(tx, toCheck)));
  }
  return due;
}

/**
 * The dependency check of `scopesDue` as plain SQL for every database: one `OR` term per
 * scope, in statements of at most `CHECK_CHUNK` scopes (SQLite's bind-parameter limit).
 */
export async function scopesWithLaterRollbacksPortable(
  tx: Knex.Transaction,
  toCheck: ScopeCheck[],
): Promise<DeploymentScope[]> {
  const due: DeploymentScope[] = [];
  for (let i = 0; i < toCheck.length; i += CHECK_CHUNK) {
    const part = toCheck.slice(i, i + CHECK_CHUNK);
    const rows: Array<{ entity_ref: string; environment: string }> = await tx(
      'deployments',
    )
      .distinct('entity_ref', 'environment')
      .where('intent', 'rollback')
      .where(q => {
        for (const e of part) {
          q.orWhere(w =>
            w
              .where('entity_ref', e.scope.entityRef)
              .where('environment', e.scope.environment)
              .where(x =>
                x
                  .whereRaw('coalesce(started_at, sort_time) >= ?', [e.since])
                  .orWhereIn('rollback_of', [...e.ids]),
              ),
          );
        }
      });
    due.push(
      ...rows.map(r => ({
        entityRef: r.entity_ref,
        environment: r.environment,
      })),
    );
  }
  return due;
}

/**
 * Re-applies the rollback rule where the changed deployments could change its results,
 * after their rows were refolded from events. Returns the commits of deployments whose
 * status the rule changed, whose first arrival in their environment must be recomputed.
 */
export async function reapplyRollbackRule(
  tx: Knex.Transaction,
  changes: DeploymentPosition[],
  refolded: ReadonlySet<string>,
): Promise<string[]> {
  const due = await scopesDue(tx, changes);
  if (due.length === 0) return [];
  const { updates, statusChanged } = await ruleUpdates(tx, due, refolded);
  await writeUpdates(tx, updates);
  if (statusChanged.length === 0) return [];
  const commits: string[] = [];
  for (let i = 0; i < statusChanged.length; i += 500) {
    const rows = await tx('deployment_commits')
      .select('commit_sha')
      .whereIn('deployment_id', statusChanged.slice(i, i + 500));
    commits.push(...rows.map(r => r.commit_sha));
  }
  return commits;
}
