import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { DefaultGreenlightService } from '@greenlight/backstage-plugin-greenlight-node';
import { createServiceRegisterAction } from './serviceRegister';

type Received = { method?: string; url?: string; caller?: string; body: any };

/** The registration endpoint of the Greenlight backend, as far as the action relies on it. */
function fakeGreenlight() {
  // Accepts only tokens addressed to the greenlight plugin, like the real backend.
  const auth = mockServices.auth({ pluginId: 'greenlight' });
  const stored = new Map<string, string>();
  const received: Received[] = [];
  const failures: Array<{ status: number; message: string }> = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', chunk => (text += chunk));
    req.on('end', async () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      let caller: string | undefined;
      try {
        const credentials = await auth.authenticate(String(req.headers.authorization).replace(/^Bearer /, ''));
        caller = auth.isPrincipal(credentials, 'user') ? credentials.principal.userEntityRef : undefined;
      } catch {
        caller = undefined;
      }
      received.push({ method: req.method, url: req.url, caller, body: JSON.parse(text) });
      if (!caller) return send(401, { error: { name: 'AuthenticationError', message: 'no user' } });
      const failure = failures.shift();
      if (failure) return send(failure.status, { error: { name: 'Error', message: failure.message } });
      const before = stored.get(req.url!);
      stored.set(req.url!, text);
      return send(before ? 200 : 201, { created: !before, changed: before !== text, registration: {} });
    });
  });
  return {
    received,
    failures,
    async start() {
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/greenlight`;
    },
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}

const input = {
  entityRef: 'component:default/payments',
  owner: 'group:default/team-payments',
  environments: [
    { name: 'dev', tier: 'development' },
    { name: 'staging', tier: 'staging' },
    { name: 'production', tier: 'production' },
  ],
  sloFile: './slo.yaml',
  gateSettings: { interval: '30s', evaluations: '20' },
  expectedSource: 'github.com/acme/payments',
  allowedBuilders: ['https://github.com/actions/runner/github-hosted'],
  rollout: { strategy: 'canary', canarySteps: [10, 50] },
};

describe('greenlight:service:register', () => {
  const greenlight = fakeGreenlight();
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await greenlight.start();
  });
  afterAll(() => greenlight.stop());
  beforeEach(() => {
    greenlight.received.length = 0;
    greenlight.failures.length = 0;
  });

  const action = () =>
    createServiceRegisterAction({
      greenlight: DefaultGreenlightService.create({
        auth: mockServices.auth(),
        discovery: { getBaseUrl: async () => baseUrl, getExternalBaseUrl: async () => baseUrl },
        logger: mockServices.logger.mock(),
        retry: { minDelayMs: 1 },
      }),
    });

  function context(overrides: Record<string, unknown> = {}, credentials?: BackstageCredentials) {
    const ctx = createMockActionContext({ input: { ...input, ...overrides } as any });
    return {
      ...ctx,
      getInitiatorCredentials: async () => credentials ?? mockCredentials.user('user:default/ada'),
    };
  }

  it("puts the registration as the task's user, and a second run changes nothing", async () => {
    const first = context();
    await action().handler(first);
    expect(greenlight.received).toEqual([
      {
        method: 'PUT',
        url: '/api/greenlight/v1/services/default/component/payments',
        caller: 'user:default/ada',
        body: {
          environments: [
            { name: 'dev', tier: 'development', order: 0 },
            { name: 'staging', tier: 'staging', order: 1 },
            { name: 'production', tier: 'production', order: 2 },
          ],
          gates: { sloFile: './slo.yaml', settings: { interval: '30s', evaluations: '20' } },
          provenance: {
            expectedSource: 'github.com/acme/payments',
            allowedBuilders: ['https://github.com/actions/runner/github-hosted'],
          },
          owner: 'group:default/team-payments',
          rollout: { strategy: 'canary', canarySteps: [10, 50] },
        },
      },
    ]);
    expect(first.output).toHaveBeenCalledWith('created', true);
    expect(first.output).toHaveBeenCalledWith('entityRef', 'component:default/payments');

    const second = context();
    await action().handler(second);
    expect(greenlight.received[1]).toEqual(greenlight.received[0]);
    expect(second.output).toHaveBeenCalledWith('created', false);
    expect(second.output).toHaveBeenCalledWith('changed', false);
  });

  it('retries transient failures, and fails at once on a rejection with the reason', async () => {
    greenlight.failures.push({ status: 503, message: 'starting up' });
    const ctx = context({ entityRef: 'component:default/retried' });
    await action().handler(ctx);
    expect(greenlight.received).toHaveLength(2);
    expect(ctx.output).toHaveBeenCalledWith('created', true);

    greenlight.received.length = 0;
    greenlight.failures.push({ status: 400, message: 'Invalid body: provenance.expectedSource: must be a repository' });
    await expect(action().handler(context({ entityRef: 'component:default/rejected' }))).rejects.toThrow(
      'Greenlight did not register component:default/rejected; caused by Error: HTTP 400: Invalid body: provenance.expectedSource',
    );
    expect(greenlight.received).toHaveLength(1);

    greenlight.received.length = 0;
    greenlight.failures.push(...[1, 2, 3].map(() => ({ status: 502, message: 'bad gateway' })));
    await expect(action().handler(context({ entityRef: 'component:default/down' }))).rejects.toThrow(
      'Greenlight did not register component:default/down; caused by Error: no answer after 3 attempts: HTTP 502: bad gateway',
    );
    expect(greenlight.received).toHaveLength(3);
  });

  it('only logs in a dry run', async () => {
    const ctx = { ...context(), isDryRun: true };
    await action().handler(ctx);
    expect(greenlight.received).toHaveLength(0);
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('sends no canary steps for blue-green, and rejects a malformed entity ref', async () => {
    await action().handler(context({ entityRef: 'bluegreen', rollout: { strategy: 'blue-green', canarySteps: [10] } }));
    expect(greenlight.received[0].url).toBe('/api/greenlight/v1/services/default/component/bluegreen');
    expect(greenlight.received[0].body.rollout).toEqual({ strategy: 'blue-green' });

    await expect(action().handler(context({ entityRef: 'a:b:c' }))).rejects.toThrow(/^entityRef: /);
  });
});
