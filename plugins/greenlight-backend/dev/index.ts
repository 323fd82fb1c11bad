import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

// A standalone backend for working on the plugin: mocked auth, a one-entity catalog.
//   curl localhost:7007/api/greenlight/health
//   curl localhost:7007/api/greenlight/v1/events -H 'Authorization: Bearer mock-service-token' \
//     -H 'Content-Type: application/json' -d @event.json
const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(
  catalogServiceMock.factory({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'sample', annotations: { 'greenlight.dev/service-id': 'sample' } },
        spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
      },
    ],
  }),
);
backend.add(import('../src'));
backend.start();
