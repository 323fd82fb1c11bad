import { LoggerService } from '@backstage/backend-plugin-api';
import {
  buildDailyRollups,
  emptySketch,
} from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { BatchFolds, NewEventRow } from '../database/LedgerStore';
import { DoraSettings } from './doraConfig';
import { DoraStore, StaleEntity, StoredRollup } from './DoraStore';
import { loadEntityHistory } from './entityHistory';
import { GateFailures } from './gateFailures';
import { IncidentRow, TierOf } from './ledgerInputs';
import { changesOfBatch, changesOfDeployments, staleMarksFor } from './staleMarks';

const STALE_BATCH = 50;
/**
 * A safety net for marks that were never made (a listener that failed after its batch was
 * committed): every entity is rebuilt in full once a day, a few per run.
 */
const RECONCILE_PER_RUN = 5;
const RECONCILE_AFTER_MS = 24 * 3_600_000;
const ROLLOUTS_WATERMARK = 'rollouts-watermark';
const SETTINGS_KEY = 'rollup-options';

export type RefreshSummary = { rebuilt: number; reconciled: number; remaining: number };

/**
 * Keeps `dora_daily_rollups` equal to what `buildDailyRollups` gives over the ledger:
 * ingestion marks entity-days stale, and `run` (the scheduled task) rebuilds them.
 */
export class RollupRefresher {
  constructor(
    private readonly deps: {
      knex: Knex;
      store: DoraStore;
      tierOf: TierOf;
      productionEnvironments: string[];
      settings: DoraSettings;
      logger: LoggerService;
      gateFailures: GateFailures;
    },
  ) {}

  /** Ingestion listener: marks what the committed batch made stale. */
  async onEvents(rows: NewEventRow[], folds?: BatchFolds): Promise<void> {
    const { knex, store, tierOf } = this.deps;
    const changes = await changesOfBatch(knex, rows, folds);
    await store.markStale(await staleMarksFor(knex, tierOf, changes));
    const unmapped = changes.deployments.filter(d => !d.entity_ref).map(d => d.id);
    if (unmapped.length > 0) await store.noteUnmappedDeployments(unmapped);
  }

  /** For features that change a deployment's fate outside ingestion. */
  async onDeploymentsChanged(ids: string[]): Promise<void> {
    const { knex, store, tierOf } = this.deps;
    await store.markStale(await staleMarksFor(knex, tierOf, await changesOfDeployments(knex, ids)));
  }

  /**
   * For a person's decision about an incident: marks what it changes stale and rebuilds those
   * entities now, so the next DORA answer already counts it rather than a minute later.
   */
  async onIncidentsChanged(current: IncidentRow[], previous: IncidentRow[]): Promise<void> {
    const { knex, store, tierOf } = this.deps;
    const marks = await staleMarksFor(knex, tierOf, {
      deployments: [],
      previousDeployments: [],
      incidents: current,
      previousIncidents: previous,
      arrivedCommits: [],
    });
    await store.markStale(marks);
    for (const entity of await store.staleEntitiesOf([...new Set(marks.map(m => m.entityRef))])) {
      await this.rebuild(entity);
    }
  }

  /**
   * Before a read: rebuilds the stale entities among `entityRefs`, one after another while
   * `budgetMs` lasts, so that an answer right after ingestion already counts the new events
   * instead of trailing the scheduled task by up to a minute. Returns the entities left stale
   * (out of time, or failed: logged, and the task retries them), which the answer names.
   */
  async refreshForRead(entityRefs: string[], budgetMs: number): Promise<string[]> {
    const stale = await this.deps.store.staleEntitiesOf(entityRefs);
    const deadline = Date.now() + budgetMs;
    const left: string[] = [];
    for (const entity of stale) {
      if (Date.now() >= deadline) {
        left.push(entity.entityRef);
        continue;
      }
      try {
        await this.rebuild(entity);
      } catch (e) {
        left.push(entity.entityRef);
        this.deps.logger.warn(`Could not roll up DORA metrics of ${entity.entityRef}: ${(e as Error).message}`);
      }
    }
    return left;
  }

  /** Rollups built with other options (horizon, accuracy, production environments) are all stale. */
  async checkSettings(): Promise<void> {
    const { settings, store, productionEnvironments } = this.deps;
    const fingerprint = JSON.stringify({
      attributionHorizonMs: settings.attributionHorizonMs,
      sketchRelativeAccuracy: settings.sketchRelativeAccuracy,
      production: [...productionEnvironments].sort(),
    });
    const stored = await store.getSetting(SETTINGS_KEY);
    if (stored === fingerprint) return;
    if (stored !== undefined) {
      this.deps.logger.info('DORA rollup options changed; every entity will be rolled up again');
      await store.markAllStale();
    }
    await store.setSetting(SETTINGS_KEY, fingerprint);
  }

  async rebuild(entity: StaleEntity): Promise<void> {
    const { knex, store, tierOf, settings, gateFailures } = this.deps;
    const history = await loadEntityHistory(knex, entity.entityRef, tierOf, gateFailures);
    const built = buildDailyRollups(history.deployments, history.incidents, {
      attributionHorizonMs: settings.attributionHorizonMs,
      sketchRelativeAccuracy: settings.sketchRelativeAccuracy,
    }).filter(r => r.entityRef === entity.entityRef && r.day >= entity.fromDay);
    const rollups: StoredRollup[] = built.map(r => ({
      ...r,
      deploymentsWithoutCommit: 0,
      commitsWithoutTime: 0,
      examples: null,
    }));
    const byDay = new Map(rollups.map(r => [r.day, r]));
    for (const [day, quality] of history.quality) {
      if (day < entity.fromDay) continue;
      let rollup = byDay.get(day);
      if (!rollup) {
        rollup = emptyRollup(entity.entityRef, day, settings.sketchRelativeAccuracy);
        byDay.set(day, rollup);
        rollups.push(rollup);
      }
      rollup.deploymentsWithoutCommit = quality.deploymentsWithoutCommit;
      rollup.commitsWithoutTime = quality.commitsWithoutTime;
      rollup.examples = quality.examples;
    }
    await store.replaceRollups({
      entityRef: entity.entityRef,
      fromDay: entity.fromDay,
      version: entity.version,
      rollups,
      facts: {
        deployments: history.deploymentCount,
        productionDeployments: history.productionDeploymentCount,
        pendingCommitDays: history.pendingCommitDays,
      },
    });
  }

  /**
   * The scheduled task. Safe to re-run and to interrupt: a rebuild replaces an entity's
   * days in one transaction, and its mark is cleared only if no newer mark arrived.
   *
   * Each entity is rebuilt at most once per run. Under a steady stream of events every batch
   * marks the same services again; rebuilding them again within the run redid work the next
   * batch undid at once (220 rebuilds of 40 services while 50,000 events were ingested, about
   * 4.5 s of the run's 19.2 s of statement time, docs/benchmarks.md). An entity marked again waits
   * for the next run, or for a read, which rebuilds what it asks for first (`refreshForRead`).
   */
  async run(options: { budgetMs?: number; reconcile?: number } = {}): Promise<RefreshSummary> {
    const deadline = Date.now() + (options.budgetMs ?? 20_000);
    const { store } = this.deps;
    await this.checkSettings();

    const attached = await store.mappedDeployments(5000);
    if (attached.length > 0) {
      await this.onDeploymentsChanged(attached);
      await store.forgetUnmappedDeployments(attached);
    }
    await this.markRolledBackRollouts();

    let rebuilt = 0;
    let remaining = 0;
    const failed = new Set<string>();
    /** Rebuilt (or failed) in this run: not rebuilt again before the next. */
    const visited = new Set<string>();
    while (Date.now() <= deadline) {
      const stale = (await store.staleEntities(STALE_BATCH + visited.size)).filter(
        e => !visited.has(e.entityRef),
      );
      remaining = stale.length;
      if (stale.length === 0) break;
      for (const entity of stale) {
        if (Date.now() > deadline) break;
        visited.add(entity.entityRef);
        try {
          await this.rebuild(entity);
          rebuilt += 1;
        } catch (e) {
          // One entity's bad data must not hold back everyone else's rollups.
          failed.add(entity.entityRef);
          this.deps.logger.warn(`Could not roll up DORA metrics of ${entity.entityRef}: ${(e as Error).message}`);
        }
        remaining -= 1;
      }
    }

    let reconciled = 0;
    const reconcile = options.reconcile ?? RECONCILE_PER_RUN;
    if (reconcile > 0 && remaining === 0 && failed.size === 0) {
      for (const entity of await store.leastRecentlyRebuilt(reconcile, Date.now() - RECONCILE_AFTER_MS)) {
        if (Date.now() > deadline) break;
        await this.rebuild(entity);
        reconciled += 1;
      }
    }
    if (rebuilt > 0) this.deps.logger.debug(`Rebuilt DORA rollups of ${rebuilt} entities`);
    return { rebuilt, reconciled, remaining: remaining + failed.size };
  }

  private async markRolledBackRollouts() {
    const { store, gateFailures } = this.deps;
    const since = Number((await store.getSetting(ROLLOUTS_WATERMARK)) ?? 0);
    // A rollout committed late with an older time is missed here and caught by reconciling.
    const { ids, latest } = await gateFailures.rolledBackSince(since);
    if (ids.length > 0) await this.onDeploymentsChanged(ids);
    if (latest > since) await store.setSetting(ROLLOUTS_WATERMARK, String(latest));
  }
}

function emptyRollup(entityRef: string, day: string, accuracy: number): StoredRollup {
  return {
    entityRef,
    day,
    successfulProduction: 0,
    production: 0,
    failed: 0,
    rework: 0,
    cancelled: 0,
    leadTime: emptySketch(accuracy),
    leadTimeClockSkewed: 0,
    recoveryTime: emptySketch(accuracy),
    unrecovered: 0,
    deploymentsWithoutCommit: 0,
    commitsWithoutTime: 0,
    examples: null,
  };
}
