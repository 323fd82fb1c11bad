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
export const doraReviewRouteRef = createRouteRef({ id: 'greenlight:dora-review' });

/**
 * The Greenlight frontend plugin for the legacy frontend system.
 *
 * @public
 */
export const greenlightPlugin = createPlugin({
  id: 'greenlight',
  apis: [
    createApiFactory({
      api: greenlightApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new GreenlightClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { delivery: deliveryRouteRef, doraReview: doraReviewRouteRef },
});

/** The Delivery tab for component and resource pages. @public */
export const EntityGreenlightContent: (props: {}) => JSX.Element = greenlightPlugin.provide(
  createRoutableExtension({
    name: 'EntityGreenlightContent',
    component: () => import('./components/DeliveryContent').then(m => m.DeliveryContent),
    mountPoint: deliveryRouteRef,
  }),
);

/** The DORA review tab for group pages. @public */
export const EntityDoraReviewContent: (props: {}) => JSX.Element = greenlightPlugin.provide(
  createRoutableExtension({
    name: 'EntityDoraReviewContent',
    component: () => import('./components/DoraReview').then(m => m.DoraReview),
    mountPoint: doraReviewRouteRef,
  }),
);

/** The "Running where" card for entity overview pages. @public */
export const EntityRunningWhereCard: (props: {}) => JSX.Element = greenlightPlugin.provide(
  createComponentExtension({
    name: 'EntityRunningWhereCard',
    component: {
      lazy: () => import('./components/EnvironmentsStrip').then(m => m.RunningWhereCard),
    },
  }),
);

/** The DORA metrics card for entity overview pages. @public */
export const EntityDoraCard: (props: {}) => JSX.Element = greenlightPlugin.provide(
  createComponentExtension({
    name: 'EntityDoraCard',
    component: { lazy: () => import('./components/Dora').then(m => m.DoraCard) },
  }),
);

/** The production-readiness checklist card for entity overview pages. @public */
export const EntityReadinessCard: (props: {}) => JSX.Element = greenlightPlugin.provide(
  createComponentExtension({
    name: 'EntityReadinessCard',
    component: { lazy: () => import('./components/ReadinessCard').then(m => m.ReadinessCard) },
  }),
);
