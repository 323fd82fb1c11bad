import type { RollbackExecutor } from '@greenlight/backstage-plugin-greenlight-node';
import { GreenlightContext, GreenlightFeature } from '../context';
import { PrometheusMetricProvider } from '../gates';
import { EmergencyStopStore } from '../governance/emergencyStop';
import { readRolloutsConfig, RolloutsConfig } from './config';
import { ArgoRolloutsExecutor } from './executors/ArgoRolloutsExecutor';
import { WebhookRollbackExecutor } from './executors/WebhookRollbackExecutor';
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
import { announcingRolloutChanges } from '../platform/entitySignals';

export const WATCHER_TASK_ID = 'greenlight-rollout-watcher';
export const CATCH_UP_TASK_ID = 'greenlight-rollouts-catch-up';

/** The annotation naming an entity's Argo Rollout, as Argo CD's own tooling uses it. */
const ARGO_ROLLOUT_NAME_ANNOTATION = 'argocd/rollout-name';

function registerBuiltIns(ctx: GreenlightContext, config: RolloutsConfig) {
  const add = (executor: RollbackExecutor) => {
    if (ctx.rollbackExecutors.has(executor.id)) {
      ctx.logger.warn(
        `A module registered rollback executor '${executor.id}'; the built-in one is not used`,
      );
    } else {
      ctx.rollbackExecutors.set(executor.id, executor);
    }
  };
  if (config.webhook) add(new WebhookRollbackExecutor(config.webhook));
  if (config.argo) {
    add(
      new ArgoRolloutsExecutor(config.argo, async entityRef => {
        const entity = await ctx.catalog.getEntityByRef(entityRef, {
          credentials: await ctx.auth.getOwnServiceCredentials(),
        });
        if (!entity)
          throw new Error(`entity ${entityRef} is not in the catalog`);
        return (
          entity.metadata.annotations?.[ARGO_ROLLOUT_NAME_ANNOTATION] ??
          entity.metadata.name
        );
      }),
    );
  }
  if (
    ctx.config.has('greenlight.metrics.prometheus') &&
    !ctx.metricProviders.has('prometheus')
  ) {
    ctx.metricProviders.set(
      'prometheus',
      PrometheusMetricProvider.fromConfig(ctx.config, { logger: ctx.logger }),
    );
  }
}

/**
 * The executor rollbacks go through: `greenlight.rollouts.executor`, else the configured
 * webhook, else the configured Argo Rollouts API, else the only one a module registered.
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
  if (config.webhook && ctx.rollbackExecutors.has('webhook')) return 'webhook';
  if (config.argo && ctx.rollbackExecutors.has('argo-rollouts'))
    return 'argo-rollouts';
  if (registered.length === 1) return registered[0];
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
  registerBuiltIns(ctx, config);
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
    secrets: [config.webhook?.secret, config.argo?.token].filter(
      (s): s is string => Boolean(s),
    ),
    onEvaluated: entityRef => ctx.entitySignals.changed([entityRef], 'rollout'),
  });
  const service = new RolloutService({
    store,
    watcher,
    gates,
    ledger: ctx.knex,
    audit,
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
