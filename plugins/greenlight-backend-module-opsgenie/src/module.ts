import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { greenlightIngestionSourcesExtensionPoint } from '@greenlight/backstage-plugin-greenlight-node';
import { createOpsgenieSource } from './opsgenieSource';
import { readOpsgenieSettings } from './settings';

/**
 * Records Opsgenie alerts in the Greenlight ledger from the outgoing webhook integration.
 * Without `greenlight.sources.opsgenie` it registers nothing.
 *
 * @public
 */
export const greenlightModuleOpsgenie = createBackendModule({
  pluginId: 'greenlight',
  moduleId: 'opsgenie',
  register(env) {
    env.registerInit({
      deps: {
        sources: greenlightIngestionSourcesExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ sources, config, logger }) {
        const settings = readOpsgenieSettings(config);
        if (!settings) {
          logger.info(
            'Opsgenie source disabled: greenlight.sources.opsgenie is not configured',
          );
          return;
        }
        sources.addIngestionSource(createOpsgenieSource(settings));
      },
    });
  },
});
