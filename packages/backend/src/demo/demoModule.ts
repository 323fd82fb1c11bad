import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import {
  greenlightMetricProvidersExtensionPoint,
  greenlightRollbackExecutorsExtensionPoint,
} from '@greenlight/backstage-plugin-greenlight-node';
import path from 'node:path';
import { loadDemoKeys } from './attestations';
import { DemoMetricProvider } from './DemoMetricProvider';
import { DemoRollbackExecutor } from './DemoRollbackExecutor';
import { LiveScenario } from './LiveScenario';
import { DemoPoster } from './poster';
import { demoHistory } from './seedHistory';

/**
 * The living demo (`greenlight.demo.enabled`, on in app-config.yaml, off in production):
 * seeds 180 days of history for the demo organisation through the public ingestion API,
 * and plays canary rollouts that Greenlight's watcher promotes or rolls back.
 */
export default createBackendModule({
  pluginId: 'greenlight',
  moduleId: 'demo',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        lifecycle: coreServices.rootLifecycle,
        metricProviders: greenlightMetricProvidersExtensionPoint,
        rollbackExecutors: greenlightRollbackExecutorsExtensionPoint,
      },
      async init(deps) {
        if (!deps.config.getOptionalBoolean('greenlight.demo.enabled')) return;
        const logger = deps.logger.child({ component: 'demo' });
        const poster = new DemoPoster({ discovery: deps.discovery, auth: deps.auth });
        const metrics = new DemoMetricProvider();
        const keysDir = path.resolve(
          deps.config.getOptionalString('greenlight.demo.keysDirectory') ?? '../../examples/demo-org/keys',
        );
        const scenario = new LiveScenario({
          poster,
          metrics,
          logger,
          services: [
            { name: 'payments-api', health: 'healthy' },
            { name: 'checkout-service', health: 'breaching' },
          ],
          keys: loadDemoKeys(keysDir),
        });
        deps.metricProviders.addMetricProvider(metrics);
        deps.rollbackExecutors.addRollbackExecutor(new DemoRollbackExecutor(poster));
        const liveEvery = deps.config.getOptionalNumber('greenlight.demo.liveIntervalMinutes') ?? 3;

        // Runs once the HTTP server listens, since the seeder posts to this very backend.
        deps.lifecycle.addStartupHook(async () => {
          await deps.scheduler.scheduleTask({
            id: 'greenlight-demo-seed',
            frequency: { hours: 24 },
            timeout: { minutes: 10 },
            initialDelay: { seconds: 15 },
            scope: 'global',
            fn: async () => {
              const events = demoHistory(Date.now(), loadDemoKeys(keysDir));
              const result = await poster.post(events);
              logger.info(
                `Demo history: ${result.accepted} new event(s), ${result.duplicates} already recorded`,
              );
            },
          });
          await deps.scheduler.scheduleTask({
            id: 'greenlight-demo-live-canaries',
            frequency: { minutes: liveEvery },
            timeout: { minutes: 2 },
            initialDelay: { seconds: 45 },
            scope: 'local',
            fn: () => scenario.startCanaries(),
          });
          await deps.scheduler.scheduleTask({
            id: 'greenlight-demo-live-follow-up',
            frequency: { seconds: 20 },
            timeout: { minutes: 1 },
            initialDelay: { seconds: 60 },
            scope: 'local',
            fn: () => scenario.followUp(),
          });
        });
      },
    });
  },
});
