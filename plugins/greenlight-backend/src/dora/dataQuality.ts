import {
  DataQualityFinding,
  DoraWindow,
} from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { EntityFacts, StoredRollup } from './DoraStore';

const EXAMPLES = 5;

const CHUNK = 500;
/** Above this many entities, unattributed incidents are read for all and filtered here. */
const SCOPE_FILTER_LIMIT = 100;
const ENTITYLESS_TTL_MS = 30_000;

/**
 * Incidents are few next to deployments and commits, so their findings are counted from the
 * ledger at query time, bounded by the window. Incidents tied to no entity concern every
 * scope alike; that count is kept for 30 s per window, so busy dashboards do not recount it.
 */
export class IncidentFindings {
  private readonly entityless = new Map<string, { at: number; finding: DataQualityFinding }>();

  constructor(private readonly knex: Knex, private readonly now: () => number = Date.now) {}

  async find(entityRefs: string[], window: DoraWindow): Promise<DataQualityFinding[]> {
    const [entityless, unattributed] = await Promise.all([
      this.withoutEntity(window),
      this.withoutAttribution(entityRefs, window),
    ]);
    return [entityless, unattributed];
  }

  // An incident is dated by its detection, else its resolution.
  private inWindow(q: Knex.QueryBuilder, window: DoraWindow) {
    return q
      .whereRaw('coalesce(i.detected_at, i.resolved_at) >= ?', [window.from])
      .whereRaw('coalesce(i.detected_at, i.resolved_at) < ?', [window.to]);
  }

  private async withoutEntity(window: DoraWindow): Promise<DataQualityFinding> {
    const key = `${window.from}:${window.to}`;
    const cached = this.entityless.get(key);
    if (cached && this.now() - cached.at < ENTITYLESS_TTL_MS) return cached.finding;
    const query = this.inWindow(
      this.knex('incidents as i').whereNotExists(this.knex('incident_entities as ie').whereRaw('ie.incident_id = i.id')),
      window,
    );
    const [{ n }] = await query.clone().count({ n: '*' });
    const examples: Array<{ id: string }> = await query.clone().select('i.id').orderBy('i.id').limit(EXAMPLES);
    const finding: DataQualityFinding = {
      id: 'incidents-without-entity',
      count: Number(n),
      examples: examples.map(r => r.id),
    };
    if (this.entityless.size > 1000) this.entityless.clear();
    this.entityless.set(key, { at: this.now(), finding });
    return finding;
  }

  private async withoutAttribution(entityRefs: string[], window: DoraWindow): Promise<DataQualityFinding> {
    const unattributed = new Set<string>();
    const query = () =>
      this.inWindow(
        this.knex('incidents as i')
          .join('incident_entities as ie', 'ie.incident_id', 'i.id')
          .whereNull('i.deployment_id')
          // A person decided that no change caused it: it is attributed, to nothing.
          .whereNotExists(this.knex('incident_attributions as a').whereRaw('a.incident_id = i.id'))
          .select('i.id', 'ie.entity_ref'),
        window,
      );
    if (entityRefs.length > SCOPE_FILTER_LIMIT) {
      const inScope = new Set(entityRefs);
      for (const r of await query()) if (inScope.has(r.entity_ref)) unattributed.add(r.id);
    } else {
      for (let i = 0; i < entityRefs.length; i += CHUNK) {
        for (const r of await query().whereIn('ie.entity_ref', entityRefs.slice(i, i + CHUNK))) unattributed.add(r.id);
      }
    }
    return {
      id: 'incidents-without-attribution',
      count: unattributed.size,
      examples: [...unattributed].sort().slice(0, EXAMPLES),
    };
  }
}

/** Findings the rollups and entity facts carry. */
export function storedFindings(
  rollups: Array<Pick<StoredRollup, 'deploymentsWithoutCommit' | 'commitsWithoutTime' | 'examples'>>,
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
