import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import webhookExecutorModule from '@greenlight/backstage-plugin-greenlight-backend-module-webhook-executor';
import { greenlightPlugin } from '../../plugin';

export const service = mockCredentials.service.header();
export const user = mockCredentials.user.header();
export const digest = (c: string) => `sha256:${c.repeat(64)}`;

export function component(
  name: string,
  options: { annotations?: Record<string, string>; owner?: string } = {},
): Entity {
  const owner = options.owner ?? 'group:default/team-a';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'greenlight.dev/service-id': name, ...options.annotations },
    },
    spec: { type: 'service', owner, lifecycle: 'production' },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

export function group(name: string, children: string[] = []): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children },
    relations: children.map(c => ({ type: 'parentOf', targetRef: `group:default/${c}` })),
  };
}

/** Only `greenlight.gate.override` is denied: everything else a signed-in user may do. */
const denyOverrides = mockServices.permissions.mock({
  authorize: async requests =>
    requests.map(r => ({
      result:
        'permission' in r && r.permission.name === 'greenlight.gate.override'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })) as any,
});

export type GovernanceApi = {
  post(path: string, body: object, auth?: string, query?: object): request.Test;
  get(path: string, query?: object, auth?: string): request.Test;
  del(path: string, query?: object, auth?: string): request.Test;
  /** Posts native events with service credentials; throws unless they are accepted. */
  events(events: object[]): Promise<unknown>;
};

export async function startGovernanceBackend(
  options: {
    entities?: Entity[];
    config?: object;
    permissions?: 'allow' | 'deny' | 'deny-overrides';
  } = {},
): Promise<GovernanceApi> {
  const permissionFeature = {
    allow: mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    deny: mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    'deny-overrides': denyOverrides.factory,
  }[options.permissions ?? 'allow'];
  const { server } = await startTestBackend({
    features: [
      greenlightPlugin,
      catalogServiceMock.factory({ entities: options.entities ?? [component('payments')] }),
      mockServices.rootConfig.factory({ data: { greenlight: options.config ?? {} } }),
      permissionFeature,
      // Registers the executor `webhook` when a test configures greenlight.rollouts.webhook.
      webhookExecutorModule,
    ],
  });
  const api = request(server);
  return {
    post: (path: string, body: object, auth = service, query = {}) =>
      api.post(`/api/greenlight${path}`).query(query).set('Authorization', auth).send(body),
    get: (path: string, query: object = {}, auth = user) =>
      api.get(`/api/greenlight${path}`).query(query).set('Authorization', auth),
    del: (path: string, query: object = {}, auth = user) =>
      api.delete(`/api/greenlight${path}`).query(query).set('Authorization', auth),
    events: async (events: object[]) => {
      const res = await api.post('/api/greenlight/v1/events').set('Authorization', service).send({ events });
      if (res.status !== 200) throw new Error(`events rejected: ${JSON.stringify(res.body)}`);
      return res.body;
    },
  };
}
