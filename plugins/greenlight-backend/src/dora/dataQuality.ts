import {
  DataQualityFinding,
  DoraWindow,
} from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { EntityFacts, StoredRollup } from './DoraStore';

const EXAMPLES = 5;
const CHUNK = 500;

/**
 * Incidents are few next to deployments and commits, so their findings are counted from the
 * ledger at query time, bounded by the window.
 */
export async function incidentFindings(
  knex: Knex,
  entityRefs: string[],
  window: DoraWindow,
): Promise<DataQualityFinding[]> {
  // An incident is dated by its detection, else its resolution.
  const inWindow = (q: Knex.QueryBuilder) =>
    q
      .whereRaw('coalesce(i.detected_at, i.resolved_at) >= ?', [window.from])
      .whereRaw('coalesce(i.detected_at, i.resolved_at) < ?', [window.to]);

  const withoutEntity = inWindow(
    knex('incidents as i').whereNotExists(
      knex('incident_entities as ie').whereRaw('ie.incident_id = i.id'),
    ),
  );
  const [{ n }] = await withoutEntity.clone().count({ n: '*' });
  const entityless: Array<{ id: string }> = await withoutEntity.clone().select('i.id').orderBy('i.id').limit(EXAMPLES);

  const unattributed = new Set<string>();
  for (let i = 0; i < entityRefs.length; i += CHUNK) {
    const rows = await inWindow(
      knex('incidents as i')
        .join('incident_entities as ie', 'ie.incident_id', 'i.id')
        .whereIn('ie.entity_ref', entityRefs.slice(i, i + CHUNK))
        .whereNull('i.deployment_id'),
    ).distinct('i.id');
    for (const r of rows) unattributed.add(r.id);
  }
  return [
    { id: 'incidents-without-entity', count: Number(n), examples: entityless.map(r => r.id) },
    {
      id: 'incidents-without-attribution',
      count: unattributed.size,
      examples: [...unattributed].sort().slice(0, EXAMPLES),
    },
  ];
}

/** Findings the rollups and entity facts carry. */
export function storedFindings(
  rollups: StoredRollup[],
  facts: EntityFacts[],
  entityRefs: string[],
): DataQualityFinding[] {
  let deploymentsWithoutCommit = 0;
  let commitsWithoutTime = 0;
  const deployments: string[] = [];
  const commits: string[] = [];
  for (const r of rollups) {
    deploymentsWithoutCommit += r.deploymentsWithoutCommit;
    commitsWithoutTime += r.commitsWithoutTime;
    if (r.examples && deployments.length < EXAMPLES) deployments.push(...r.examples.deployments);
    if (r.examples && commits.length < EXAMPLES) commits.push(...r.examples.commits);
  }
  const production = new Map(facts.map(f => [f.entityRef, f.productionDeployments]));
  const withoutProduction = entityRefs.filter(ref => !production.get(ref));
  return [
    {
      id: 'deployments-without-commit',
      count: deploymentsWithoutCommit,
      examples: deployments.slice(0, EXAMPLES),
    },
    { id: 'commits-without-time', count: commitsWithoutTime, examples: commits.slice(0, EXAMPLES) },
    {
      id: 'entities-without-production',
      count: withoutProduction.length,
      examples: withoutProduction.slice(0, EXAMPLES),
    },
  ];
}
