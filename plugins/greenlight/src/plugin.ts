import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { greenlightApiRef, GreenlightClient } from './api';

export const deliveryRouteRef = createRouteRef({ id: 'greenlight:delivery' });

/** The Greenlight frontend plugin for the legacy frontend system. @public */
export const greenlightPlugin = createPlugin({
  id: 'greenlight',
  apis: [
    createApiFactory({
      api: greenlightApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new GreenlightClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { delivery: deliveryRouteRef },
});

/** The Delivery tab for entity pages. @public */
export const EntityGreenlightContent = greenlightPlugin.provide(
  createRoutableExtension({
    name: 'EntityGreenlightContent',
    component: () => import('./components/DeliveryContent').then(m => m.DeliveryContent),
    mountPoint: deliveryRouteRef,
  }),
);

/** The "Running where" card for entity overview pages. @public */
export const EntityRunningWhereCard = greenlightPlugin.provide(
  createComponentExtension({
    name: 'EntityRunningWhereCard',
    component: {
      lazy: () => import('./components/EnvironmentsStrip').then(m => m.EnvironmentsStrip),
    },
  }),
);
