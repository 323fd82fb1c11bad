import { DoraDailyRollup } from '@greenlight/backstage-plugin-greenlight-common';
import { FlatSketch } from './sketchCodec';
import { RollupReadPlan, StoredWeeklyRollup } from './weeklyRollups';

/** `fromDay` that means "every day of the entity". */
export const ALL_DAYS = '0000-00-00';
/** `stale_from` of an entity whose rollups are current. */
export const NOT_STALE = '9999-12-31';

/** Rollups of an entity on and after `fromDay` no longer match the ledger. */
export type StaleMark = { entityRef: string; fromDay: string };

/** A daily rollup as stored, with the data-quality counts of the same day. */
export type StoredRollup = DoraDailyRollup & {
  deploymentsWithoutCommit: number;
  commitsWithoutTime: number;
  examples: { deployments: string[]; commits: string[] } | null;
};

/** A rollup as read for a query: its sketches still in their stored, flat form. */
export type LoadedRollup = Omit<StoredRollup, 'leadTime' | 'recoveryTime'> & {
  leadTime: FlatSketch;
  recoveryTime: FlatSketch;
};
export type LoadedWeeklyRollup = LoadedRollup & Pick<StoredWeeklyRollup, 'week' | 'successfulByDay'>;
export type LoadedRollups = { daily: LoadedRollup[]; weekly: LoadedWeeklyRollup[] };

export type StaleEntity = { entityRef: string; fromDay: string; version: number };

/** Per-entity facts kept beside the rollups. */
export type EntityFacts = {
  entityRef: string;
  deployments: number;
  productionDeployments: number;
  /** Commits waiting outside production, per commit day. */
  pendingCommitDays: Record<string, number>;
  /** When the rollups were last rebuilt (epoch ms); null before the first rebuild. */
  rebuiltAt: number | null;
};

export type RollupRebuild = {
  entityRef: string;
  fromDay: string;
  /** The stale version the rebuild read; a newer mark keeps the entity stale. */
  version: number;
  rollups: StoredRollup[];
  facts: Omit<EntityFacts, 'entityRef' | 'rebuiltAt'>;
};

/** Where DORA rollups and their bookkeeping live. */
export interface DoraStore {
  /** Marks rollups stale; concurrent marks of one entity keep the earliest day. */
  markStale(marks: StaleMark[]): Promise<void>;
  markAllStale(): Promise<void>;
  staleEntities(limit: number): Promise<StaleEntity[]>;
  /** Which of the given entities are stale, for a rebuild that cannot wait for the task. */
  staleEntitiesOf(entityRefs: string[]): Promise<StaleEntity[]>;
  /** Entities rebuilt longest ago, and before `before` (epoch ms), for a periodic full rebuild. */
  leastRecentlyRebuilt(limit: number, before: number): Promise<StaleEntity[]>;
  /** Replaces the entity's rollups from `fromDay` on, atomically. */
  /** Replaces the rollups from `fromDay` on, unless a rebuild of a newer version already did. */
  replaceRollups(rebuild: RollupRebuild): Promise<void>;
  /** Rollups of the given entities: the plan's days, and its weeks whole. */
  loadRollups(entityRefs: string[], plan: RollupReadPlan): Promise<LoadedRollups>;
  /** Facts of the given entities, or of every entity with deliveries. */
  loadFacts(entityRefs: string[] | 'all'): Promise<EntityFacts[]>;
  noteUnmappedDeployments(ids: string[]): Promise<void>;
  /** Noted deployments that have an entity by now. */
  mappedDeployments(limit: number): Promise<string[]>;
  forgetUnmappedDeployments(ids: string[]): Promise<void>;
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
}
