import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { greenlightIngestionSourcesExtensionPoint } from '@greenlight/backstage-plugin-greenlight-node';
import { createPagerDutySource } from './pagerDutySource';
import { readPagerDutySettings } from './settings';

/**
 * Records PagerDuty incidents in the Greenlight ledger from V3 webhook subscriptions.
 * Without `greenlight.sources.pagerduty` it registers nothing.
 *
 * @public
 */
export const greenlightModulePagerDuty = createBackendModule({
  pluginId: 'greenlight',
  moduleId: 'pagerduty',
  register(env) {
    env.registerInit({
      deps: {
        sources: greenlightIngestionSourcesExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ sources, config, logger }) {
        const settings = readPagerDutySettings(config);
        if (!settings) {
          logger.info(
            'PagerDuty source disabled: greenlight.sources.pagerduty is not configured',
          );
          return;
        }
        sources.addIngestionSource(createPagerDutySource(settings));
      },
    });
  },
});
