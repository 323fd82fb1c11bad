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
export const governanceRouteRef = createRouteRef({ id: 'greenlight:governance' });
export const teamGovernanceRouteRef = createRouteRef({ id: 'greenlight:team-governance' });
export const rootRouteRef = createRouteRef({ id: 'greenlight' });

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
  routes: {
    root: rootRouteRef,
    delivery: deliveryRouteRef,
    doraReview: doraReviewRouteRef,
    governance: governanceRouteRef,
    teamGovernance: teamGovernanceRouteRef,
  },
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

/** The DORA metrics card for entity overview pages; on a system or a group it covers their services. @public */
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

/** The Governance tab for component and resource pages. @public */
export const EntityGreenlightGovernanceContent: (props: {}) => JSX.Element = greenlightPlugin.provide(
  createRoutableExtension({
    name: 'EntityGreenlightGovernanceContent',
    component: () => import('./components/Governance').then(m => m.GovernanceContent),
    mountPoint: governanceRouteRef,
  }),
);

/** The Governance tab for group pages: the team's services rolled up, and its DORA review. @public */
export const EntityGreenlightTeamGovernanceContent: (props: {}) => JSX.Element = greenlightPlugin.provide(
  createRoutableExtension({
    name: 'EntityGreenlightTeamGovernanceContent',
    component: () => import('./components/Governance').then(m => m.TeamGovernanceContent),
    mountPoint: teamGovernanceRouteRef,
  }),
);

/** The Greenlight page: rollouts, releases, the emergency stop, readiness and DORA everywhere. @public */
export const GreenlightPage: (props: {}) => JSX.Element = greenlightPlugin.provide(
  createRoutableExtension({
    name: 'GreenlightPage',
    component: () => import('./components/GreenlightPage').then(m => m.GreenlightPage),
    mountPoint: rootRouteRef,
  }),
);
