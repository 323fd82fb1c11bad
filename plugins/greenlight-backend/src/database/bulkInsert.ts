import { Knex } from 'knex';
import { isPostgres } from './subjectLocks';

/**
 * What a row whose key is already stored does: take the new values, or stay as it is.
 * With `newerBy` (a number column, then a text column), a merge takes the new values only
 * when they are later by those columns; a stored row without them is older than any.
 */
export type OnConflict = {
  key: string[];
  action: 'merge' | 'ignore';
  newerBy?: [string, string];
};

/**
 * Bind parameters per statement on SQLite: below its limit of 32,766, and rows per statement
 * below 500, the limit on the terms of the compound SELECT that a multi-row INSERT is there.
 */
const SQLITE_PARAMETERS = 30_000;
const SQLITE_ROWS = 500;

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * Inserts many rows of one table, with `ON CONFLICT` handling, and returns the `returning`
 * column of the rows it inserted (or updated, for `merge`).
 *
 * On PostgreSQL every row travels in one JSON parameter that `json_populate_recordset` turns
 * into rows of the table's own type, so one statement of constant text carries any number of
 * rows. A multi-row `VALUES` list instead has one bind parameter per cell: a batch of 500
 * events is 5,000 of them, which the query builder numbers and the driver serialises one by
 * one and PostgreSQL parses one by one: about a third of the backend's busy time per batch
 * in a CPU profile (`docs/benchmarks.md`). Rows keep their order (`WITH ORDINALITY`), which keeps writers that
 * share keys waiting for each other in the same order. A column a row leaves out is NULL, as
 * no ledger column has a default.
 *
 * SQLite takes the rows as a multi-row `VALUES` list, in statements within its limits.
 */
export async function insertRows<R extends object>(
  tx: Knex.Transaction,
  table: string,
  rows: R[],
  onConflict: OnConflict,
  returning?: string,
): Promise<Array<Record<string, unknown>>> {
  if (rows.length === 0) return [];
  const columns = columnsOf(rows);
  const action = actionOf(columns, onConflict);
  if (isPostgres(tx)) {
    const { rows: returned } = await tx.raw(
      `${postgresInsert(
        table,
        columns,
        onConflict.key,
        action,
        onConflict.newerBy,
      )} ${returning ? `returning ${quote(returning)}` : ''}`,
      [JSON.stringify(rows)],
    );
    return returned;
  }
  const perStatement = Math.min(
    SQLITE_ROWS,
    Math.max(1, Math.floor(SQLITE_PARAMETERS / columns.length)),
  );
  const returned: Array<Record<string, unknown>> = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const insert = tx(table)
      .insert(rows.slice(i, i + perStatement))
      .onConflict(onConflict.key);
    const query = action === 'ignore' ? insert.ignore() : insert.merge();
    if (action === 'merge' && onConflict.newerBy) {
      // The query builder has no condition on an upsert's update: the same statement with
      // the condition appended (SQLite takes `ON CONFLICT … DO UPDATE SET … WHERE`).
      const { sql, bindings } = (
        returning ? query.returning(returning) : query
      ).toSQL();
      const [head, tail] = returning ? splitReturning(sql) : [sql, ''];
      const rowsOut = await tx.raw(
        `${head} where ${newerCondition(
          table,
          onConflict.newerBy,
          false,
        )}${tail}`,
        bindings as any[],
      );
      if (returning) returned.push(...rowsOut);
    } else if (returning) returned.push(...(await query.returning(returning)));
    else await query;
  }
  return returned;
}

/** The rows of one table for `insertRowsTogether`. */
export type TableRows = {
  table: string;
  rows: object[];
  onConflict: OnConflict;
};

/**
 * Inserts the rows of several tables. On PostgreSQL that is one statement, each table's insert
 * a data-modifying `WITH` query of its own (PostgreSQL runs every one of them to completion),
 * so a batch that writes builds, artifacts, test runs and commits waits for one round trip
 * instead of four. The tables must not depend on each other's rows in the same write.
 */
export async function insertRowsTogether(
  tx: Knex.Transaction,
  writes: TableRows[],
): Promise<void> {
  const nonEmpty = writes.filter(w => w.rows.length > 0);
  if (!isPostgres(tx) || nonEmpty.length < 2) {
    for (const w of nonEmpty)
      await insertRows(tx, w.table, w.rows, w.onConflict);
    return;
  }
  const parts = nonEmpty.map((w, i) => {
    const columns = columnsOf(w.rows);
    return `w${i} as (${postgresInsert(
      w.table,
      columns,
      w.onConflict.key,
      actionOf(columns, w.onConflict),
      w.onConflict.newerBy,
    )})`;
  });
  await tx.raw(
    `with ${parts.join(', ')} select 1`,
    nonEmpty.map(w => JSON.stringify(w.rows)),
  );
}

/**
 * `(new time, new id) > (stored time, stored id)`, where a NULL on either side is the oldest.
 * Ids compare by code point on both databases (`collate "C"` on PostgreSQL, SQLite's binary
 * default), as the batch's own comparison in JavaScript does.
 */
function newerCondition(
  table: string,
  [time, id]: [string, string],
  postgres: boolean,
) {
  const byCodePoint = postgres ? ' collate "C"' : '';
  const newTime = `coalesce(excluded.${quote(time)}, -1)`;
  const storedTime = `coalesce(${quote(table)}.${quote(time)}, -1)`;
  const newId = `coalesce(excluded.${quote(id)}, '')${byCodePoint}`;
  const storedId = `coalesce(${quote(table)}.${quote(id)}, '')${byCodePoint}`;
  return `(${newTime} > ${storedTime} or (${newTime} = ${storedTime} and ${newId} > ${storedId}))`;
}

function splitReturning(sql: string): [string, string] {
  const at = sql.lastIndexOf(' returning ');
  return at === -1 ? [sql, ''] : [sql.slice(0, at), sql.slice(at)];
}

function columnsOf(rows: object[]): string[] {
  return [...new Set(rows.flatMap(r => Object.keys(r)))];
}

/** `merge` with nothing but key columns has nothing to update: it is `ignore`. */
function actionOf(
  columns: string[],
  onConflict: OnConflict,
): OnConflict['action'] {
  const others = columns.some(c => !onConflict.key.includes(c));
  return onConflict.action === 'ignore' || !others ? 'ignore' : 'merge';
}

/** The PostgreSQL insert of rows given as one JSON parameter, in their order. */
function postgresInsert(
  table: string,
  columns: string[],
  key: string[],
  action: OnConflict['action'],
  newerBy?: [string, string],
) {
  const list = columns.map(quote).join(', ');
  const others = columns.filter(c => !key.includes(c));
  const conflict =
    action === 'ignore'
      ? 'do nothing'
      : `do update set ${others
          .map(c => `${quote(c)} = excluded.${quote(c)}`)
          .join(', ')}${
          newerBy ? ` where ${newerCondition(table, newerBy, true)}` : ''
        }`;
  return `insert into ${quote(table)} (${list})
       select ${list} from json_populate_recordset(null::${quote(
    table,
  )}, ?::json) with ordinality
        order by ordinality
       on conflict (${key.map(quote).join(', ')}) ${conflict}`;
}
