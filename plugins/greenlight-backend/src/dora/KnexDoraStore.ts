import { Knex } from 'knex';
import {
  ALL_DAYS,
  DoraStore,
  EntityFacts,
  LoadedRollup,
  LoadedRollups,
  LoadedWeeklyRollup,
  NOT_STALE,
  RollupRebuild,
  StaleEntity,
  StaleMark,
  StoredRollup,
} from './DoraStore';
import { flattenSketch, unflattenSketch } from './sketchCodec';
import {
  buildWeeklyRollups,
  RollupReadPlan,
  StoredWeeklyRollup,
  weekOf,
} from './weeklyRollups';
import { lockForWrite } from '../database/subjectLocks';

const READ_CHUNK = 500;
const WRITE_CHUNK = 200;

function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The JSON stored in a rollup row: everything but the row's key columns, in one text
 * column, which reads several times faster than a column per figure when a query reads
 * many rows; sketches are stored flat (see sketchCodec.ts).
 */
export function rollupJson(r: StoredRollup | StoredWeeklyRollup): string {
  const { entityRef: _entityRef, day: _day, examples, leadTime, recoveryTime, ...rest } = r;
  delete (rest as Partial<StoredWeeklyRollup>).week;
  return JSON.stringify({
    ...rest,
    leadTime: flattenSketch(leadTime),
    recoveryTime: flattenSketch(recoveryTime),
    ...(examples ? { examples } : {}),
  });
}

// The parsed body gets the key columns added in place: copying it would double the garbage
// of large reads.
function parseDaily(row: { entity_ref: string; day: string; rollup: string }): LoadedRollup {
  const rollup = JSON.parse(row.rollup) as LoadedRollup;
  rollup.entityRef = row.entity_ref;
  rollup.day = row.day;
  rollup.examples ??= null;
  return rollup;
}

function parseWeekly(row: { entity_ref: string; week: string; rollup: string }): LoadedWeeklyRollup {
  const rollup = JSON.parse(row.rollup) as LoadedWeeklyRollup;
  rollup.entityRef = row.entity_ref;
  rollup.day = row.week;
  rollup.week = row.week;
  rollup.examples ??= null;
  return rollup;
}

function unflatten(r: LoadedRollup): StoredRollup {
  return { ...r, leadTime: unflattenSketch(r.leadTime), recoveryTime: unflattenSketch(r.recoveryTime) };
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

  async staleEntitiesOf(entityRefs: string[]): Promise<StaleEntity[]> {
    let rows: any[] = [];
    // An organisation's read passes every entity it may see: in parts, within bind limits.
    for (const part of chunked(entityRefs, READ_CHUNK)) {
      rows = rows.concat(
        await this.knex('dora_entities')
          .select('entity_ref', 'stale_from', 'stale_version')
          .whereIn('entity_ref', part)
          .whereRaw('stale_version > built_version'),
      );
    }
    // Refs are unique: one order, the same on every replica.
    return rows.sort((a, b) => (a.entity_ref < b.entity_ref ? -1 : 1)).map(staleEntity);
  }

  async leastRecentlyRebuilt(limit: number, before: number): Promise<StaleEntity[]> {
    const rows = await this.knex('dora_entities')
      .select('entity_ref', 'stale_version')
      .whereRaw('stale_version = built_version')
      .where(q => q.whereNull('rebuilt_at').orWhere('rebuilt_at', '<', before))
      .orderByRaw('coalesce(rebuilt_at, 0), entity_ref')
      .limit(limit);
    return rows.map(r => ({ entityRef: r.entity_ref, fromDay: ALL_DAYS, version: Number(r.stale_version) }));
  }

  async replaceRollups(rebuild: RollupRebuild): Promise<void> {
    const { entityRef, fromDay } = rebuild;
    await this.knex.transaction(async tx => {
      // Two rebuilds of one entity at once (the scheduled task, reads, people's decisions, on
      // several replicas) would each delete the days and insert their own: on PostgreSQL the
      // second insert then collides with the first's rows. One rebuild per entity at a time.
      await lockForWrite(tx, 'subject', [`dora-rollups\u0000${entityRef}`]);
      // A rebuild that read the history before a newer one was written must not replace it:
      // its rollups lack what the newer one counted, and the mark that would fix it is cleared.
      const built = await tx('dora_entities').where('entity_ref', entityRef).first('built_version');
      if (built && Number(built.built_version) > rebuild.version) return;
      await tx('dora_daily_rollups').where('entity_ref', entityRef).where('day', '>=', fromDay).delete();
      for (const part of chunked(rebuild.rollups, WRITE_CHUNK)) {
        await tx('dora_daily_rollups').insert(
          part.map(r => ({ entity_ref: entityRef, day: r.day, rollup: rollupJson(r) })),
        );
      }
      // The week holding fromDay is merged again from its untouched days and the new ones.
      const fromWeek = fromDay === ALL_DAYS ? ALL_DAYS : weekOf(fromDay);
      const untouched =
        fromWeek < fromDay
          ? (
              await tx('dora_daily_rollups')
                .select('entity_ref', 'day', 'rollup')
                .where('entity_ref', entityRef)
                .where('day', '>=', fromWeek)
                .where('day', '<', fromDay)
            ).map(row => unflatten(parseDaily(row)))
          : [];
      await tx('dora_weekly_rollups').where('entity_ref', entityRef).where('week', '>=', fromWeek).delete();
      for (const part of chunked(buildWeeklyRollups([...untouched, ...rebuild.rollups]), WRITE_CHUNK)) {
        await tx('dora_weekly_rollups').insert(
          part.map(r => ({ entity_ref: entityRef, week: r.week, rollup: rollupJson(r) })),
        );
      }
      const now = Date.now();
      const facts = {
        deployments: rebuild.facts.deployments,
        production_deployments: rebuild.facts.productionDeployments,
        pending_commits: JSON.stringify(rebuild.facts.pendingCommitDays),
      };
      await tx('dora_entities')
        .insert({
          entity_ref: entityRef,
          stale_version: rebuild.version,
          built_version: rebuild.version,
          stale_from: NOT_STALE,
          rebuilt_at: now,
          ...facts,
        })
        .onConflict('entity_ref')
        .merge({
          built_version: rebuild.version,
          // A mark that arrived during the rebuild keeps its day.
          stale_from: tx.raw('case when dora_entities.stale_version = ? then ? else dora_entities.stale_from end', [
            rebuild.version,
            NOT_STALE,
          ]),
          // Strictly increasing, so that cached answers can tell every rebuild apart.
          rebuilt_at: tx.raw(
            'case when dora_entities.rebuilt_at >= ? then dora_entities.rebuilt_at + 1 else ? end',
            [now, now],
          ),
          ...facts,
        });
    });
  }

  async loadRollups(entityRefs: string[], plan: RollupReadPlan): Promise<LoadedRollups> {
    // By entity, through the primary key: an entity's rows were written together, so this
    // reads far fewer pages than a scan by day would, even for the whole organisation.
    const byEntity = async (query: () => Knex.QueryBuilder): Promise<any[]> => {
      let rows: any[] = [];
      for (const part of chunked(entityRefs, READ_CHUNK)) rows = rows.concat(await query().whereIn('entity_ref', part));
      return rows;
    };
    const out: LoadedRollups = { daily: [], weekly: [] };
    if (plan.dayRanges.length > 0) {
      const daily = await byEntity(() =>
        this.knex('dora_daily_rollups')
          .select('entity_ref', 'day', 'rollup')
          .where(q => {
            for (const [from, to] of plan.dayRanges) q.orWhere(r => r.where('day', '>=', from).where('day', '<', to));
          }),
      );
      out.daily = daily.map(parseDaily);
    }
    if (plan.weeks.length > 0) {
      const weekly = await byEntity(() =>
        this.knex('dora_weekly_rollups').select('entity_ref', 'week', 'rollup').whereIn('week', plan.weeks),
      );
      out.weekly = weekly.map(parseWeekly);
    }
    return out;
  }

  async loadFacts(entityRefs: string[] | 'all'): Promise<EntityFacts[]> {
    const query = () =>
      this.knex('dora_entities').select(
        'entity_ref',
        'deployments',
        'production_deployments',
        'pending_commits',
        'rebuilt_at',
      );
    let rows: any[] = [];
    if (entityRefs === 'all') {
      rows = await query();
    } else {
      for (const part of chunked(entityRefs, READ_CHUNK)) rows = rows.concat(await query().whereIn('entity_ref', part));
    }
    return rows.map(r => ({
      entityRef: r.entity_ref,
      deployments: Number(r.deployments),
      productionDeployments: Number(r.production_deployments),
      pendingCommitDays: r.pending_commits ? JSON.parse(r.pending_commits) : {},
      rebuiltAt: r.rebuilt_at === null || r.rebuilt_at === undefined ? null : Number(r.rebuilt_at),
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
