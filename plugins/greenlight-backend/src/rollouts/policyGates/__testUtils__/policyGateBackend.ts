import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import request from 'supertest';
import { DEFAULT_ENVIRONMENTS } from '../../../config';
import { RuntimeFreezeStore } from '../../../governance/freezes/RuntimeFreezeStore';
import {
  catalogFor,
  component,
  startRolloutBackend,
} from '../../__testUtils__/rolloutBackend';
import { trustedKeyIdsOf } from '../../../provenance/keyTrust';
import { PolicyGateChecks } from '../PolicyGateChecks';

/** A pipeline's credentials, as the policy-gate tests report events and attestations. */
export const pipeline = mockCredentials.service.header();

export type PolicyGateSetup = {
  knex: Knex;
  backend: Awaited<ReturnType<typeof startRolloutBackend>>;
  checks: PolicyGateChecks;
  /** Posts native events with the pipeline's credentials; expects 200. */
  postEvents(events: object[]): Promise<void>;
};

/**
 * Policy-gate tests share this setup: the real plugin with a catalog of payments on the test
 * database `databaseId`, and the PolicyGateChecks that judge its rollouts; started before the
 * tests and stopped after them, so read its fields inside a hook or a test.
 */
export function setUpPolicyGates(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
  config?: JsonObject,
): PolicyGateSetup {
  const setup = {
    async postEvents(events: object[]) {
      await request(setup.backend.server)
        .post('/api/greenlight/v1/events')
        .set('Authorization', pipeline)
        .send({ events })
        .expect(200);
    },
  } as PolicyGateSetup;
  beforeAll(async () => {
    setup.knex = await databases.init(databaseId);
    setup.backend = await startRolloutBackend({
      knex: setup.knex,
      entities: [component('payments')],
      config,
      scheduler: mockServices.scheduler.mock().factory,
    });
    setup.checks = new PolicyGateChecks({
      knex: setup.knex,
      environments: DEFAULT_ENVIRONMENTS,
      catalog: catalogFor([component('payments')]),
      auth: mockServices.auth(),
      freezes: new RuntimeFreezeStore(setup.knex),
      // The same trust policy the plugin under test reads.
      trustedKeyIds: trustedKeyIdsOf(
        new ConfigReader({ greenlight: config ?? {} }),
      ),
      logger: mockServices.logger.mock(),
    });
  });
  afterAll(async () => {
    await setup.backend.stop();
    await setup.knex.destroy();
  });
  return setup;
}
