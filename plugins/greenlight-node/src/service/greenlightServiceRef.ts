import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DefaultGreenlightService } from './DefaultGreenlightService';
import type { GreenlightService } from './GreenlightService';

/**
 * The Greenlight API for other backend plugins and modules, e.g. the scaffolder's
 * `greenlight:service:register` action. Calls go through the discovery service with
 * service-to-service tokens; no URL or token is built by hand.
 *
 * @public
 */
export const greenlightServiceRef = createServiceRef<GreenlightService>({
  id: 'greenlight.service',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
      },
      factory: ({ discovery, auth, logger }) =>
        DefaultGreenlightService.create({ discovery, auth, logger }),
    }),
});
