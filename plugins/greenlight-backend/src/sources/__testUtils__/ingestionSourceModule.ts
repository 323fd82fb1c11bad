import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  greenlightIngestionSourcesExtensionPoint,
  IngestionSource,
} from '@greenlight/backstage-plugin-greenlight-node';

/** A backend module that adds one ingestion source, as a connector module does. */
export function ingestionSourceModule(source: IngestionSource) {
  return createBackendModule({
    pluginId: 'greenlight',
    moduleId: `${source.id}-source`,
    register(env) {
      env.registerInit({
        deps: { sources: greenlightIngestionSourcesExtensionPoint },
        async init({ sources }) {
          sources.addIngestionSource(source);
        },
      });
    },
  });
}
