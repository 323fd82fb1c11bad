import { Knex } from 'knex';

/** What the ledger holds of deployments and commits, in a stable order for comparisons. */
export async function ledgerSnapshot(knex: Knex) {
  const deployments = await knex('deployments')
    .orderBy('id')
    .select(
      'id',
      'entity_ref',
      'environment',
      'status',
      'commit_sha',
      'started_at',
      'finished_at',
    );
  const shipped = await knex('deployment_commits')
    .orderBy(['deployment_id', 'commit_sha'])
    .select('deployment_id', 'commit_sha');
  const commits = await knex('commits')
    .orderBy('sha')
    .select('sha', 'repository', 'committed_at', 'merged_at', 'pr_number');
  const events = await knex('events').orderBy('id').pluck('id');
  const normalise = (rows: Record<string, unknown>[]) =>
    rows.map(r =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          typeof v === 'string' && /^\d+$/.test(v) && k.endsWith('_at')
            ? Number(v)
            : v,
        ]),
      ),
    );
  return {
    deployments: normalise(deployments),
    shipped,
    commits: normalise(commits),
    events,
  };
}
