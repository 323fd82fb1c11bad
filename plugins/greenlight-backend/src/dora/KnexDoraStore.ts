import { QuantileSketch } from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import {
  ALL_DAYS,
  DoraStore,
  EntityFacts,
  NOT_STALE,
  RollupRebuild,
  StaleEntity,
  StaleMark,
  StoredRollup,
} from './DoraStore';

const READ_CHUNK = 500;
const WRITE_CHUNK = 200;

function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Most stored sketches are identical (above all the empty one), so parsed sketches are
 * shared by their JSON text. Callers never mutate them: merging builds new sketches.
 */
class SketchCache {
  private readonly cache = new Map<string, QuantileSketch>();

  parse(json: string): QuantileSketch {
    const hit = this.cache.get(json);
    if (hit) return hit;
    const sketch = JSON.parse(json) as QuantileSketch;
    if (this.cache.size < 10_000) this.cache.set(json, sketch);
    return sketch;
  }
}

const ROLLUP_COLUMNS = [
  'entity_ref',
  'day',
  'successful_production',
  'production',
  'failed',
  'rework',
  'cancelled',
  'lead_time_clock_skewed',
  'unrecovered',
  'lead_time',
  'recovery_time',
  'deployments_without_commit',
  'commits_without_time',
  'quality_examples',
];

export function rollupRow(r: StoredRollup) {
  return {
    entity_ref: r.entityRef,
    day: r.day,
    successful_production: r.successfulProduction,
    production: r.production,
    failed: r.failed,
    rework: r.rework,
    cancelled: r.cancelled,
    lead_time_clock_skewed: r.leadTimeClockSkewed,
    unrecovered: r.unrecovered,
    lead_time: JSON.stringify(r.leadTime),
    recovery_time: JSON.stringify(r.recoveryTime),
    deployments_without_commit: r.deploymentsWithoutCommit,
    commits_without_time: r.commitsWithoutTime,
    quality_examples: r.examples ? JSON.stringify(r.examples) : null,
  };
}

function staleEntity(row: any): StaleEntity {
  return { entityRef: row.entity_ref, fromDay: row.stale_from, version: Number(row.stale_version) };
}

export class KnexDoraStore implements DoraStore {
  constructor(private readonly knex: Knex) {}

  async markStale(marks: StaleMark[]): Promise<void> {
    const earliest = new Map<string, string>();
    for (const m of marks) {
      const current = earliest.get(m.entityRef);
      if (current === undefined || m.fromDay < current) earliest.set(m.entityRef, m.fromDay);
    }
    // Sorted, so that concurrent batches lock rows in the same order.
    const rows = [...earliest.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([entityRef, fromDay]) => ({
        entity_ref: entityRef,
        stale_version: 1,
        built_version: 0,
        stale_from: fromDay,
      }));
    for (const part of chunked(rows, WRITE_CHUNK)) {
      // One statement per row set, so two concurrent marks never lose the earlier day.
      await this.knex('dora_entities')
        .insert(part)
        .onConflict('entity_ref')
        .merge({
          stale_version: this.knex.raw('dora_entities.stale_version + 1'),
          stale_from: this.knex.raw(
            'case when excluded.stale_from < dora_entities.stale_from then excluded.stale_from else dora_entities.stale_from end',
          ),
        });
    }
  }

  async markAllStale(): Promise<void> {
    await this.knex('dora_entities').update({
      stale_version: this.knex.raw('stale_version + 1'),
      stale_from: ALL_DAYS,
    });
  }

  async staleEntities(limit: number): Promise<StaleEntity[]> {
    const rows = await this.knex('dora_entities')
      .select('entity_ref', 'stale_from', 'stale_version')
      .whereRaw('stale_version > built_version')
      .orderBy('stale_from')
      .orderBy('entity_ref')
      .limit(limit);
    return rows.map(staleEntity);
  }

  async leastRecentlyRebuilt(limit: number): Promise<StaleEntity[]> {
    const rows = await this.knex('dora_entities')
      .select('entity_ref', 'stale_version')
      .whereRaw('stale_version = built_version')
      .orderByRaw('coalesce(rebuilt_at, 0), entity_ref')
      .limit(limit);
    return rows.map(r => ({ entityRef: r.entity_ref, fromDay: ALL_DAYS, version: Number(r.stale_version) }));
  }

  async replaceRollups(rebuild: RollupRebuild): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx('dora_daily_rollups')
        .where('entity_ref', rebuild.entityRef)
        .where('day', '>=', rebuild.fromDay)
        .delete();
      for (const part of chunked(rebuild.rollups, WRITE_CHUNK)) {
        await tx('dora_daily_rollups').insert(part.map(rollupRow));
      }
      await tx('dora_entities')
        .insert({
          entity_ref: rebuild.entityRef,
          stale_version: rebuild.version,
          built_version: rebuild.version,
          stale_from: NOT_STALE,
          rebuilt_at: Date.now(),
          deployments: rebuild.facts.deployments,
          production_deployments: rebuild.facts.productionDeployments,
          pending_commits: JSON.stringify(rebuild.facts.pendingCommitDays),
        })
        .onConflict('entity_ref')
        .merge({
          built_version: rebuild.version,
          // A mark that arrived during the rebuild keeps its day.
          stale_from: tx.raw('case when dora_entities.stale_version = ? then ? else dora_entities.stale_from end', [
            rebuild.version,
            NOT_STALE,
          ]),
          rebuilt_at: Date.now(),
          deployments: rebuild.facts.deployments,
          production_deployments: rebuild.facts.productionDeployments,
          pending_commits: JSON.stringify(rebuild.facts.pendingCommitDays),
        });
    });
  }

  async loadRollups(entityRefs: string[] | 'all', fromDay: string, toDay: string): Promise<StoredRollup[]> {
    const query = () =>
      this.knex('dora_daily_rollups')
        .select(ROLLUP_COLUMNS)
        .where('day', '>=', fromDay)
        .where('day', '<', toDay);
    const rows: any[] = [];
    if (entityRefs === 'all') {
      rows.push(...(await query()));
    } else {
      for (const part of chunked(entityRefs, READ_CHUNK)) {
        rows.push(...(await query().whereIn('entity_ref', part)));
      }
    }
    const sketches = new SketchCache();
    return rows.map(r => ({
      entityRef: r.entity_ref,
      day: r.day,
      successfulProduction: Number(r.successful_production),
      production: Number(r.production),
      failed: Number(r.failed),
      rework: Number(r.rework),
      cancelled: Number(r.cancelled),
      leadTimeClockSkewed: Number(r.lead_time_clock_skewed),
      unrecovered: Number(r.unrecovered),
      leadTime: sketches.parse(r.lead_time),
      recoveryTime: sketches.parse(r.recovery_time),
      deploymentsWithoutCommit: Number(r.deployments_without_commit),
      commitsWithoutTime: Number(r.commits_without_time),
      examples: r.quality_examples ? JSON.parse(r.quality_examples) : null,
    }));
  }

  async loadFacts(entityRefs: string[] | 'all'): Promise<EntityFacts[]> {
    const query = () =>
      this.knex('dora_entities').select('entity_ref', 'deployments', 'production_deployments', 'pending_commits');
    const rows: any[] = [];
    if (entityRefs === 'all') {
      rows.push(...(await query()));
    } else {
      for (const part of chunked(entityRefs, READ_CHUNK)) rows.push(...(await query().whereIn('entity_ref', part)));
    }
    return rows.map(r => ({
      entityRef: r.entity_ref,
      deployments: Number(r.deployments),
      productionDeployments: Number(r.production_deployments),
      pendingCommitDays: r.pending_commits ? JSON.parse(r.pending_commits) : {},
    }));
  }

  async noteUnmappedDeployments(ids: string[]): Promise<void> {
    const now = Date.now();
    for (const part of chunked([...new Set(ids)].sort(), WRITE_CHUNK)) {
      await this.knex('dora_unmapped_deployments')
        .insert(part.map(id => ({ deployment_id: id, noted_at: now })))
        .onConflict('deployment_id')
        .ignore();
    }
  }

  async mappedDeployments(limit: number): Promise<string[]> {
    const rows = await this.knex('dora_unmapped_deployments as u')
      .join('deployments as d', 'd.id', 'u.deployment_id')
      .whereNotNull('d.entity_ref')
      .select('u.deployment_id')
      .orderBy('u.deployment_id')
      .limit(limit);
    return rows.map(r => r.deployment_id as string);
  }

  async forgetUnmappedDeployments(ids: string[]): Promise<void> {
    for (const part of chunked(ids, READ_CHUNK)) {
      await this.knex('dora_unmapped_deployments').whereIn('deployment_id', part).delete();
    }
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = await this.knex('dora_settings').where('key', key).first();
    return row?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.knex('dora_settings').insert({ key, value }).onConflict('key').merge({ value });
  }
}
