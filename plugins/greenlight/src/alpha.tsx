import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint, EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { greenlightApiRef, GreenlightClient } from './api';

const greenlightApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: greenlightApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new GreenlightClient({ discoveryApi, fetchApi }),
    }),
});

/** The Delivery tab on component and resource pages. */
const deliveryContent = EntityContentBlueprint.make({
  name: 'delivery',
  params: {
    path: '/delivery',
    title: 'Delivery',
    filter: 'kind:component,resource',
    loader: () => import('./components/DeliveryContent').then(m => <m.DeliveryContent />),
  },
});

const runningWhereCard = EntityCardBlueprint.make({
  name: 'running-where',
  params: {
    filter: 'kind:component,resource',
    loader: () => import('./components/EnvironmentsStrip').then(m => <m.EnvironmentsStrip />),
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
  extensions: [greenlightApi, deliveryContent, runningWhereCard],
});
