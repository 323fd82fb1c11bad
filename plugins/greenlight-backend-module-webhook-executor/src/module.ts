import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { greenlightRollbackExecutorsExtensionPoint } from '@greenlight/backstage-plugin-greenlight-node';
import { readWebhookExecutorConfig } from './config';
import { WebhookRollbackExecutor } from './WebhookRollbackExecutor';

/**
 * Rolls back through a signed HTTP POST to the delivery system, configured under
 * `greenlight.rollouts.webhook`.
 *
 * @public
 */
export const greenlightModuleWebhookExecutor = createBackendModule({
  pluginId: 'greenlight',
  moduleId: 'webhook-executor',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        executors: greenlightRollbackExecutorsExtensionPoint,
      },
      async init({ config, logger, executors }) {
        const webhook = readWebhookExecutorConfig(config);
        if (!webhook) {
          // Installed but not configured: say so, and let the plugin start without it.
          logger.warn(
            'greenlight.rollouts.webhook is not configured; the webhook rollback executor is not registered',
          );
          return;
        }
        executors.addRollbackExecutor(new WebhookRollbackExecutor(webhook));
      },
    });
  },
});
