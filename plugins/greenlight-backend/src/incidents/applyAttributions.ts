import { Knex } from 'knex';

/**
 * A person's attribution outranks what the incident's events and placement give: it was made
 * with the evidence in view and is audited, and it is undone only by deleting it. Called
 * whenever the ledger re-derives incidents, so later events cannot silently undo it.
 */
export async function applyPeoplesAttributions(
  tx: Knex | Knex.Transaction,
  incidents: Array<{ id: string; deployment_id: string | null }>,
) {
  if (incidents.length === 0) return;
  const byId = new Map(incidents.map(i => [i.id, i]));
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += 500) {
    const rows: Array<{ incident_id: string; deployment_id: string | null }> =
      await tx('incident_attributions')
        .whereIn('incident_id', ids.slice(i, i + 500))
        .select('incident_id', 'deployment_id');
    for (const r of rows)
      byId.get(r.incident_id)!.deployment_id = r.deployment_id;
  }
}
