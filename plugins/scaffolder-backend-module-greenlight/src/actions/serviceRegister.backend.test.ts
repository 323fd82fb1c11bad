import {
  coreServices,
  createBackendModule,
  DatabaseService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight-backend';
import {
  GreenlightService,
  greenlightServiceRef,
} from '@greenlight/backstage-plugin-greenlight-node';
import { tableContents } from '@greenlight/test-utils';
import request from 'supertest';
import { createServiceRegisterAction } from './serviceRegister';

jest.setTimeout(60_000);

/**
 * The Greenlight service as the scaffolder module gets it: the default factory, built on the
 * scaffolder's own discovery and auth services.
 */
function scaffolderProbe() {
  let greenlight: GreenlightService | undefined;
  const module = createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'probe',
    register(env) {
      env.registerInit({
        deps: { greenlight: greenlightServiceRef },
        async init(deps) {
          greenlight = deps.greenlight;
        },
      });
    },
  });
  return { module, greenlight: () => greenlight! };
}

describe('greenlight:service:register against the Greenlight backend plugin', () => {
  it('is accepted by the registration endpoint, once, as the user who ran the template', async () => {
    const probe = scaffolderProbe();
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        probe.module,
        greenlightPlugin,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    const action = createServiceRegisterAction({ greenlight: probe.greenlight() });
    const run = async () => {
      const ctx = createMockActionContext({
        input: {
          entityRef: 'component:default/payments-api',
          owner: 'group:default/payments-team',
          environments: [
            { name: 'dev', tier: 'development' },
            { name: 'production', tier: 'production' },
          ],
          sloFile: './slo.yaml',
          gateSettings: { interval: '30s', evaluations: '20', failureRule: '2-of-3' },
          expectedSource: 'https://github.com/acme/payments-api',
          allowedBuilders: ['https://github.com/actions/runner/github-hosted'],
          rollout: { strategy: 'canary', canarySteps: [10, 50] },
        } as any,
      });
      await action.handler({ ...ctx, getInitiatorCredentials: async () => mockCredentials.user('user:default/ada') });
      return ctx.output as jest.Mock;
    };

    const first = await run();
    expect(first).toHaveBeenCalledWith('created', true);
    const second = await run();
    expect(second).toHaveBeenCalledWith('created', false);
    expect(second).toHaveBeenCalledWith('changed', false);

    const stored = await request(server)
      .get('/api/greenlight/v1/services/default/component/payments-api')
      .set('Authorization', mockCredentials.user.header('user:default/ada'));
    expect(stored.status).toBe(200);
    expect(stored.body.registration).toMatchObject({
      owner: 'group:default/payments-team',
      createdBy: 'user:default/ada',
      environments: [
        { name: 'dev', tier: 'development', order: 0 },
        { name: 'production', tier: 'production', order: 1 },
      ],
      gates: { sloFile: './slo.yaml', settings: { interval: '30s', evaluations: '20', failureRule: '2-of-3' } },
    });
  });

  it('is refused for a user without greenlight.service.register, and writes nothing', async () => {
    const MALLORY = 'user:default/mallory';
    const probe = scaffolderProbe();
    let knex: Awaited<ReturnType<DatabaseService['getClient']>> | undefined;
    // The Greenlight plugin's own database, to see that the refusal left every table as it was.
    const ledgerProbe = createBackendModule({
      pluginId: 'greenlight',
      moduleId: 'ledger-probe',
      register(env) {
        env.registerInit({
          deps: { database: coreServices.database },
          async init(deps) {
            knex = await deps.database.getClient();
          },
        });
      },
    });
    await startTestBackend({
      features: [
        scaffolderPlugin,
        probe.module,
        greenlightPlugin,
        ledgerProbe,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({ data: {} }),
        // A policy that lets Mallory run templates but not register services with Greenlight.
        mockServices.permissions.mock({
          authorize: async (requests, options) =>
            requests.map(r => ({
              result:
                r.permission.name === 'greenlight.service.register' &&
                (options.credentials.principal as { userEntityRef?: string })
                  .userEntityRef === MALLORY
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })),
        }).factory,
      ],
    });
    const action = createServiceRegisterAction({ greenlight: probe.greenlight() });
    const ctx = createMockActionContext({
      input: {
        entityRef: 'component:default/payments-api',
        owner: 'group:default/payments-team',
        environments: [{ name: 'production', tier: 'production' }],
        sloFile: './slo.yaml',
        expectedSource: 'https://github.com/acme/payments-api',
        allowedBuilders: ['https://github.com/actions/runner/github-hosted'],
      } as any,
    });
    const before = await tableContents(knex!);
    expect(before).toHaveProperty('service_registrations', expect.stringMatching(/^0 rows/));

    await expect(
      action.handler({
        ...ctx,
        getInitiatorCredentials: async () => mockCredentials.user(MALLORY),
      }),
    ).rejects.toThrow(/Greenlight did not register component:default\/payments-api/);
    expect(await tableContents(knex!)).toEqual(before);
    expect(ctx.output).not.toHaveBeenCalled();
  });
});
