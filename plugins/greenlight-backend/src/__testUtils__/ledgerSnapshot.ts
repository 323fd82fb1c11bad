import { Knex } from 'knex';

/** Every table the ledger derives from events, with the columns that order it canonically. */
export const PROJECTED: Array<[string, string[]]> = [
  ['deployments', ['id']],
  ['deployment_commits', ['deployment_id', 'commit_sha']],
  ['environment_commits', ['entity_ref', 'environment', 'commit_sha']],
  ['builds', ['id']],
  ['artifacts', ['digest']],
  ['commits', ['repository', 'sha', 'entity_ref']],
  ['incidents', ['id']],
  ['incident_entities', ['incident_id', 'entity_ref']],
  ['test_runs', ['id']],
];

/** Everything the ledger derived, in a canonical order; receipt times are left out. */
export async function ledgerSnapshot(knex: Knex) {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of PROJECTED) {
    out[table] = (await knex(table).orderBy(order)).map(row =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [
          k,
          typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v,
        ]),
      ),
    );
  }
  out.events = await knex('events')
    .select('id', 'subject_key', 'entity_ref', 'payload')
    .orderBy('id');
  return out;
}
