import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { greenlightMetricProvidersExtensionPoint } from '@greenlight/backstage-plugin-greenlight-node';
import { PrometheusMetricProvider } from './PrometheusMetricProvider';

/**
 * The metric provider `prometheus` for SLO gates, configured under
 * `greenlight.metrics.prometheus`.
 *
 * @public
 */
export const greenlightModulePrometheus = createBackendModule({
  pluginId: 'greenlight',
  moduleId: 'prometheus',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        providers: greenlightMetricProvidersExtensionPoint,
      },
      async init({ config, logger, providers }) {
        if (!config.has('greenlight.metrics.prometheus')) {
          // Installed but not configured: say so, and let the plugin start without it.
          logger.warn(
            'greenlight.metrics.prometheus is not configured; the Prometheus metric provider is not registered',
          );
          return;
        }
        providers.addMetricProvider(
          PrometheusMetricProvider.fromConfig(config, { logger }),
        );
      },
    });
  },
});
