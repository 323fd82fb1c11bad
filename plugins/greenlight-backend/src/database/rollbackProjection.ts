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

/** The entity-environment scopes the given deployments are in now (unmapped ones have none). */
export async function scopesOfDeployments(
  tx: Knex | Knex.Transaction,
  ids: string[],
): Promise<DeploymentScope[]> {
  const scopes = new Map<string, DeploymentScope>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await tx('deployments')
      .distinct('entity_ref', 'environment')
      .whereIn('id', unique.slice(i, i + 500))
      .whereNotNull('entity_ref');
    for (const r of rows) {
      const scope = { entityRef: r.entity_ref, environment: r.environment };
      scopes.set(scopeKey(scope), scope);
    }
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
 * Re-applies the rollback rule to every deployment of the scopes, after their rows were
 * refolded from events. Returns the commits of deployments whose status the rule changed,
 * whose first arrival in their environment must be recomputed.
 */
export async function reapplyRollbackRule(
  tx: Knex.Transaction,
  scopes: DeploymentScope[],
  refolded: ReadonlySet<string>,
): Promise<string[]> {
  const statusChanged: string[] = [];
  const updates: RowUpdate[] = [];
  const unique = [
    ...new Map(scopes.map(scope => [scopeKey(scope), scope])).values(),
  ];
  for (let i = 0; i < unique.length; i += SCOPES_CHUNK) {
    const part = unique.slice(i, i + SCOPES_CHUNK);
    const inScopes = (q: Knex.QueryBuilder) =>
      q.whereIn(
        ['entity_ref', 'environment'],
        part.map(s => [s.entityRef, s.environment]),
      );
    // Without a rollback, nor a row the rule changed before, the rule has nothing to do in a
    // scope: every row already is as reported. Most scopes are like that; only the rows of
    // the others are read, in the same statement that finds them.
    const active = inScopes(
      tx('deployments').distinct('entity_ref', 'environment'),
    ).where(q =>
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
          'id',
          'entity_ref',
          'environment',
          'intent',
          'started_at',
          'sort_time',
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
