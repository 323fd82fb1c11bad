import Router from 'express-promise-router';
import { GreenlightFeature } from '../context';
import { breakGlassRoutes } from './breakGlassRoutes';
import { ChecklistService } from './checklistService';
import { checklistRoutes } from './checklistRoutes';
import { driftRoutes } from './driftRoutes';
import { emergencyStopRoutes, EmergencyStopStore } from './emergencyStop';
import { freezeRoutes } from './freezes/freezeRoutes';
import { RuntimeFreezeStore } from './freezes/RuntimeFreezeStore';
import { readChangeWindowConfig } from './changeWindows';
import { readGovernanceConfig } from './governanceConfig';
import { LedgerFacts } from './ledgerFacts';
import { trustedKeyIdsOf } from '../provenance/keyTrust';
import { ProvenanceVerdicts } from './provenanceVerdicts';
import { ReadinessService } from './readinessService';
import { governanceReleaseEnricher } from './releaseEnricher';
import { readinessRoutes } from './readinessRoutes';
import { KnexBreakGlassStore } from './store/KnexBreakGlassStore';
import { KnexDriftStore } from './store/KnexDriftStore';
import { KnexReadinessStore } from './store/KnexReadinessStore';

/** Change readiness, the production-grade checklist, drift and break-glass changes. */
export const governanceFeature: GreenlightFeature = async ctx => {
  // The tables come with the plugin's migrations, which the ledger store has applied.
  const config = readGovernanceConfig(ctx.config);
  const ledger = new LedgerFacts(ctx.knex);
  const provenance = new ProvenanceVerdicts(ctx.knex, trustedKeyIdsOf(ctx.config), ctx.logger);
  const decisions = new KnexReadinessStore(ctx.knex);
  const breakGlass = new KnexBreakGlassStore(ctx.knex);
  const stops = new EmergencyStopStore(ctx.knex);
  const freezes = new RuntimeFreezeStore(ctx.knex);
  const windows = readChangeWindowConfig(ctx.config);
  // Rollouts are watched whenever gates exist, but only a registered executor (from a module
  // such as the webhook or Argo Rollouts one) turns a failing gate into an actual rollback. Read when
  // asked, so executors registered by features that start after this one still count.
  const rollbackMechanisms = () =>
    [...ctx.rollbackExecutors.keys()].sort().map(id => `rollback executor ${id}`);

  await ctx.scheduler.scheduleTask({
    id: 'greenlight-break-glass-overdue',
    frequency: { minutes: 10 },
    timeout: { minutes: 2 },
    initialDelay: { minutes: 1 },
    scope: 'global',
    fn: async () => {
      const flagged = await breakGlass.flagOverdue(Date.now());
      if (flagged.length > 0) {
        ctx.logger.warn(
          `${flagged.length} break-glass change(s) passed their reconcile-by deadline: ${flagged
            .map(f => `${f.id} (${f.entityRef})`)
            .join(', ')}`,
        );
      }
    },
  });

  const deps = {
    httpAuth: ctx.httpAuth,
    permissions: ctx.permissions,
    catalog: ctx.catalog,
    serviceScopes: ctx.serviceScopes,
    config,
    environments: ctx.environments,
    ledger,
    decisions,
    drift: new KnexDriftStore(ctx.knex),
    breakGlass,
    windows,
    readiness: new ReadinessService({
      config,
      environments: ctx.environments,
      ledger,
      provenance,
      store: decisions,
      rollbackMechanisms,
      windows,
      breakGlass,
      stops,
      freezes,
    }),
    checklist: new ChecklistService({ ledger, provenance, environments: ctx.environments, rollbackMechanisms }),
    now: () => Date.now(),
  };

  ctx.releaseEnrichers.push(
    governanceReleaseEnricher({
      decisions,
      ledger,
      environments: ctx.environments,
      config,
      catalog: ctx.catalog,
      auth: ctx.auth,
    }),
  );

  const router = Router();
  router.use(readinessRoutes(deps));
  router.use(checklistRoutes(deps));
  router.use(driftRoutes(deps));
  router.use(breakGlassRoutes(deps));
  router.use(emergencyStopRoutes({ ...deps, stops }));
  router.use(freezeRoutes({ ...deps, freezes, windows }));
  return router;
};
