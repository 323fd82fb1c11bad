import Router from 'express-promise-router';
import { GreenlightFeature } from '../context';
import { IncidentAttributions } from '../incidents/IncidentAttributions';
import { incidentRoutes } from '../incidents/routes';
import { readDoraSettings } from './doraConfig';
import { GateFailures } from './gateFailures';
import { KnexDoraStore } from './KnexDoraStore';
import { tierResolver } from './ledgerInputs';
import { doraRoutes } from './routes';
import { RollupRefresher } from './RollupRefresher';
import { signOffRoutes } from './signOffs';

export const DORA_ROLLUP_TASK_ID = 'greenlight-dora-rollups';

/** DORA metrics: rollups kept current from ingestion, scoped queries, CSV export, data quality. */
export const doraFeature: GreenlightFeature = async ctx => {
  const settings = readDoraSettings(ctx.config);
  const store = new KnexDoraStore(ctx.knex);
  const refresher = new RollupRefresher({
    knex: ctx.knex,
    store,
    tierOf: tierResolver(ctx.environments),
    productionEnvironments: ctx.environments.filter(e => e.tier === 'production').map(e => e.name),
    settings,
    logger: ctx.logger,
    gateFailures: new GateFailures(ctx.knex),
  });

  ctx.ingest.onApplied((rows, folds) => refresher.onEvents(rows, folds));
  // Events attached to an entity since they arrived: what they now count for is stale.
  ctx.ingest.onAttached(rows => refresher.onEvents(rows));
  await ctx.scheduler.scheduleTask({
    id: DORA_ROLLUP_TASK_ID,
    // Every 30 s with a 20 s budget per run: rollups trail ingestion by under a minute.
    frequency: { seconds: 30 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 10 },
    scope: 'global',
    fn: async () => {
      await refresher.run({ budgetMs: 20_000 });
    },
  });

  const access = {
    httpAuth: ctx.httpAuth,
    permissions: ctx.permissions,
    catalog: ctx.catalog,
    serviceScopes: ctx.serviceScopes,
  };
  const router = Router();
  router.use(
    incidentRoutes({
      ...access,
      attributions: new IncidentAttributions(ctx.knex, {
        windowMs: settings.candidateWindowMs,
        productionEnvironments: ctx.environments.filter(e => e.tier === 'production').map(e => e.name),
      }),
      refresher,
      windowMs: settings.candidateWindowMs,
    }),
  );
  router.use(signOffRoutes({ ...access, knex: ctx.knex }));
  router.use(doraRoutes({ ...access, knex: ctx.knex, store, ledger: ctx.store, settings, refresher }));
  return router;
};
