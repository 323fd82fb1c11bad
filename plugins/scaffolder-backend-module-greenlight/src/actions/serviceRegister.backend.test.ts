import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight-backend';
import {
  GreenlightService,
  greenlightServiceRef,
} from '@greenlight/backstage-plugin-greenlight-node';
import request from 'supertest';
import { createServiceRegisterAction } from './serviceRegister';

jest.setTimeout(60_000);

describe('greenlight:service:register against the Greenlight backend plugin', () => {
  it('is accepted by the registration endpoint, once, as the user who ran the template', async () => {
    let greenlight: GreenlightService | undefined;
    // The Greenlight service as the scaffolder module gets it: the default factory, built
    // on the scaffolder's own discovery and auth services.
    const probe = createBackendModule({
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
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        probe,
        greenlightPlugin,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    const action = createServiceRegisterAction({ greenlight: greenlight! });
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
});
