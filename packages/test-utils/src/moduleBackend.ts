import { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';

/**
 * A test backend running the given features (the plugin and the module under test) against an
 * in-memory catalog of `entities`, on `knex` when given (else the test backend's own
 * database), with `config` as the root configuration when given.
 */
export function startModuleBackend(options: {
  features: BackendFeature[];
  entities: Entity[];
  knex?: Knex;
  config?: JsonObject;
}) {
  return startTestBackend({
    features: [
      ...options.features,
      catalogServiceMock.factory({ entities: options.entities }),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      ...(options.config
        ? [mockServices.rootConfig.factory({ data: options.config })]
        : []),
    ],
  });
}
