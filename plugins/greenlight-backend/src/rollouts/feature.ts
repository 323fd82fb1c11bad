import { GreenlightContext, GreenlightFeature } from '../context';
import { EmergencyStopStore } from '../governance/emergencyStop';
import { readRolloutsConfig, RolloutsConfig } from './config';
import { GateLoader } from './gateSources';
import { KnexRolloutStore } from './KnexRolloutStore';
import { rolloutsRouter } from './router';
import { RolloutService } from './RolloutService';
import { RolloutWatcher } from './RolloutWatcher';
import { withWatcherEvents } from '../platform/watcherEvents';
import { readChangeWindowConfig } from '../governance/changeWindows';
import { RuntimeFreezeStore } from '../governance/freezes/RuntimeFreezeStore';
import {
  PolicyGateChecks,
  policyGatesFor,
} from './policyGates/PolicyGateChecks';
import { readPolicyGatesConfig } from './policyGates/policyGatesConfig';
import { trustedKeyIdsOf } from '../provenance/keyTrust';
import { announcingRolloutChanges } from '../platform/entitySignals';

export const WATCHER_TASK_ID = 'greenlight-rollout-watcher';
export const CATCH_UP_TASK_ID = 'greenlight-rollouts-catch-up';

/** Executors the backend once built in, now in modules, by the config section that sets them up. */
const EXECUTOR_MODULES = [
  {
    id: 'webhook',
    section: 'greenlight.rollouts.webhook',
    module:
      '@greenlight/backstage-plugin-greenlight-backend-module-webhook-executor',
  },
  {
    id: 'argo-rollouts',
    section: 'greenlight.rollouts.argo',
    module:
      '@greenlight/backstage-plugin-greenlight-backend-module-argo-rollouts',
  },
];

/** Configuration that does nothing without its module is worth a warning at startup. */
function warnAboutMissingModules(ctx: GreenlightContext) {
  for (const { id, section, module } of EXECUTOR_MODULES) {
    if (ctx.config.has(section) && !ctx.rollbackExecutors.has(id)) {
      ctx.logger.warn(
        `${section} is configured but no module registered the rollback executor '${id}'; add ${module} to the backend`,
      );
    }
  }
  if (
    ctx.config.has('greenlight.metrics.prometheus') &&
    !ctx.metricProviders.has('prometheus')
  ) {
    ctx.logger.warn(
      "greenlight.metrics.prometheus is configured but no module registered the metric provider 'prometheus'; add @greenlight/backstage-plugin-greenlight-backend-module-prometheus to the backend",
    );
  }
}

/**
 * The executor rollbacks go through: `greenlight.rollouts.executor`, else the only one
 * registered, else the webhook, else Argo Rollouts (the order of the former built-ins).
 */
function chooseExecutor(
  ctx: GreenlightContext,
  config: RolloutsConfig,
): string | undefined {
  const registered = [...ctx.rollbackExecutors.keys()];
  if (config.executor) {
    if (!ctx.rollbackExecutors.has(config.executor)) {
      throw new Error(
        `greenlight.rollouts.executor: no rollback executor '${
          config.executor
        }' is registered (registered: ${registered.join(', ') || 'none'})`,
      );
    }
    return config.executor;
  }
  if (registered.length === 1) return registered[0];
  if (ctx.rollbackExecutors.has('webhook')) return 'webhook';
  if (ctx.rollbackExecutors.has('argo-rollouts')) return 'argo-rollouts';
  if (registered.length > 1) {
    throw new Error(
      `greenlight.rollouts.executor: choose one of the registered rollback executors: ${registered.join(
        ', ',
      )}`,
    );
  }
  ctx.logger.warn(
    'No rollback executor is configured: rollbacks the gates decide are recorded and alarmed, but nothing is rolled back',
  );
  return undefined;
}

/** Rollout watchers: SLO gates evaluated on a schedule, automatic rollback, manual actions, replay. */
export const rolloutsFeature: GreenlightFeature = async ctx => {
  const config = readRolloutsConfig(ctx.config);
  warnAboutMissingModules(ctx);
  const executorId = chooseExecutor(ctx, config);

  const store = new KnexRolloutStore(ctx.knex);
  const gates = new GateLoader({
    config: ctx.config,
    catalog: ctx.catalog,
    auth: ctx.auth,
    urlReader: ctx.urlReader,
    environments: ctx.environments,
  });
  const audit = announcingRolloutChanges(
    withWatcherEvents(ctx.store.appendAudit.bind(ctx.store), ctx),
    ctx.entitySignals,
  );
  const stops = new EmergencyStopStore(ctx.knex);
  const emergencyStop = (environment: string) => stops.activeFor(environment);
  const configuredPolicyGates = readPolicyGatesConfig(
    ctx.config,
    ctx.environments,
  );
  const policyChecks = new PolicyGateChecks({
    knex: ctx.knex,
    environments: ctx.environments,
    catalog: ctx.catalog,
    auth: ctx.auth,
    windows: readChangeWindowConfig(ctx.config),
    freezes: new RuntimeFreezeStore(ctx.knex),
    trustedKeyIds: trustedKeyIdsOf(ctx.config),
    logger: ctx.logger.child({ component: 'policy-gates' }),
  });
  const policyGatesOf = async (entityRef: string, environment: string) => {
    const configured = configuredPolicyGates.get(environment) ?? [];
    if (configured.length === 0) return [];
    try {
      const entity = await ctx.catalog.getEntityByRef(entityRef, {
        credentials: await ctx.auth.getOwnServiceCredentials(),
      });
      return policyGatesFor(configured, entity);
    } catch (e) {
      // Without the entity its required SLSA level is unknown: the provenance gate fails
      // (and holds) rather than asking for less than the entity may require.
      return policyGatesFor(configured, undefined).map(g =>
        g.kind === 'provenance'
          ? {
              ...g,
              problem: `the entity could not be read: ${(e as Error).message}`,
            }
          : g,
      );
    }
  };
  const watcher = new RolloutWatcher({
    store,
    audit,
    providers: ctx.metricProviders,
    executors: ctx.rollbackExecutors,
    executorId,
    emergencyStop,
    policyChecks,
    logger: ctx.logger.child({ component: 'rollout-watcher' }),
    config,
    // The executors' own secrets, kept out of the messages the watcher stores and shows.
    secrets: [
      ctx.config.getOptionalString('greenlight.rollouts.webhook.secret'),
      ctx.config.getOptionalString('greenlight.rollouts.argo.token'),
    ].filter((s): s is string => Boolean(s)),
    onEvaluated: entityRef => ctx.entitySignals.changed([entityRef], 'rollout'),
  });
  const service = new RolloutService({
    store,
    watcher,
    gates,
    ledger: ctx.knex,
    // The service's store writes its audit entries with the changes; the rest of the chain
    // above (live updates, auditor events, notifications) follows each of them.
    announce: announcingRolloutChanges(
      withWatcherEvents(async () => undefined, ctx),
      ctx.entitySignals,
    ),
    logger: ctx.logger,
    policyGatesFor: policyGatesOf,
    policyChecks,
    emergencyStop,
  });

  ctx.ingest.onApplied(rows => service.onApplied(rows));

  await ctx.scheduler.scheduleTask({
    id: WATCHER_TASK_ID,
    frequency: { milliseconds: config.watchIntervalMs },
    // A run stops leasing after half a lease; the rest covers the batch in flight.
    timeout: { milliseconds: config.leaseMs * 2 },
    scope: 'global',
    fn: async signal => {
      await watcher.tick(signal);
    },
  });
  await ctx.scheduler.scheduleTask({
    id: CATCH_UP_TASK_ID,
    frequency: { minutes: 1 },
    timeout: { minutes: 1 },
    initialDelay: { seconds: 20 },
    scope: 'global',
    fn: async () => {
      const started = await service.catchUp();
      if (started > 0)
        ctx.logger.info(
          `Started ${started} rollout(s) the ingest listener had missed`,
        );
    },
  });

  return rolloutsRouter({
    httpAuth: ctx.httpAuth,
    permissions: ctx.permissions,
    catalog: ctx.catalog,
    serviceScopes: ctx.serviceScopes,
    store,
    service,
    gates,
    providers: ctx.metricProviders,
    ledger: ctx.knex,
  });
};
