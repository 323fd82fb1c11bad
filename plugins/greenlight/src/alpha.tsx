import {
  ApiBlueprint,
  AppRootElementBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { Content } from '@backstage/core-components';
import TrafficIcon from '@material-ui/icons/Traffic';
import { EntityCardBlueprint, EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { z } from 'zod';
import { greenlightApiRef, GreenlightClient } from './api';
import { DeliveryPrefetch } from './components/DeliveryContent/DeliveryPrefetch';
import { preloadable } from './lib/preloadable';

const DELIVERED_KINDS = 'kind:component,resource';

const greenlightApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: greenlightApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new GreenlightClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The Delivery tab's code, one chunk, loaded by the tab and ahead of it by the prefetch; when the
 * prefetch has loaded it, the tab renders in the render that mounts it.
 */
const deliveryCode = preloadable(() => import('./components/DeliveryContent'));

/**
 * Starts the Delivery tab's code and first reads as soon as the URL is the tab's, rather than
 * after the catalog has loaded the entity and the tab's code has arrived.
 */
const deliveryPrefetch = AppRootElementBlueprint.make({
  name: 'delivery-prefetch',
  params: { element: <DeliveryPrefetch loadCode={deliveryCode.load} /> },
});

const deliveryContent = EntityContentBlueprint.makeWithOverrides({
  name: 'delivery',
  configSchema: {
    /** Milliseconds between reloads when the app has no signals. */
    pollIntervalMs: z.number().int().positive().optional(),
    /** Milliseconds between reloads while signals push changes, as a safety net. */
    signalsPollIntervalMs: z.number().int().positive().optional(),
  },
  factory(originalFactory, { config }) {
    return originalFactory({
      path: '/delivery',
      title: 'Delivery',
      filter: DELIVERED_KINDS,
      loader: () =>
        deliveryCode.then(m => (
          <m.DeliveryContent
            rolloutPollIntervalMs={config.pollIntervalMs}
            signalsPollIntervalMs={config.signalsPollIntervalMs}
          />
        )),
    });
  },
});

const doraReviewContent = EntityContentBlueprint.make({
  name: 'dora-review',
  params: {
    path: '/dora-review',
    title: 'DORA review',
    filter: 'kind:group',
    loader: () => import('./components/DoraReview').then(m => <m.DoraReview />),
  },
});

const governanceContent = EntityContentBlueprint.make({
  name: 'governance',
  params: {
    path: '/governance',
    title: 'Governance',
    filter: DELIVERED_KINDS,
    loader: () => import('./components/Governance').then(m => <m.GovernanceContent />),
  },
});

const teamGovernanceContent = EntityContentBlueprint.make({
  name: 'team-governance',
  params: {
    path: '/governance',
    title: 'Governance',
    filter: 'kind:group',
    loader: () => import('./components/Governance').then(m => <m.TeamGovernanceContent />),
  },
});

const rootRouteRef = createRouteRef();

/** The Greenlight page; its title and icon make the sidebar entry. */
const greenlightPage = PageBlueprint.make({
  params: {
    path: '/greenlight',
    title: 'Greenlight',
    icon: <TrafficIcon />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/GreenlightPage').then(m => (
        <Content>
          <m.GreenlightOverview />
        </Content>
      )),
  },
});

const runningWhereCard = EntityCardBlueprint.make({
  name: 'running-where',
  params: {
    filter: DELIVERED_KINDS,
    loader: () => import('./components/EnvironmentsStrip').then(m => <m.RunningWhereCard />),
  },
});

const doraCard = EntityCardBlueprint.make({
  name: 'dora',
  params: {
    // on a system the card covers every entity of the system
    filter: `${DELIVERED_KINDS},system`,
    loader: () => import('./components/Dora').then(m => <m.DoraCard />),
  },
});

const readinessCard = EntityCardBlueprint.make({
  name: 'readiness',
  params: {
    filter: DELIVERED_KINDS,
    loader: () => import('./components/ReadinessCard').then(m => <m.ReadinessCard />),
  },
});

/**
 * Greenlight for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'greenlight',
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [
    greenlightApi,
    deliveryPrefetch,
    greenlightPage,
    deliveryContent,
    doraReviewContent,
    governanceContent,
    teamGovernanceContent,
    // Greenlight's cards reach an Overview in this order when app.extensions does not place them
    // (see the README): what runs where, whether the entity may ship, then its 90-day DORA
    // figures, the tallest card and the one read least often.
    runningWhereCard,
    readinessCard,
    doraCard,
  ],
});
