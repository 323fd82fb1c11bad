import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { parseErrorResponseBody } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { deploymentStatusEvent } from '../ingest/github/__testUtils__/payloads';
import { greenlightPlugin } from '../plugin';
import { createTestDatabases, rowCounts } from '@greenlight/test-utils';

jest.setTimeout(180_000);

/**
 * Malformed input against every write endpoint, on SQLite and PostgreSQL, with valid
 * credentials so that validation, not authentication, answers. Every answer must be a 4xx
 * in Backstage's error shape, and no table may gain or lose a row.
 *
 * A new endpoint is one entry of WRITE_ENDPOINTS: a valid body and the paths of the fields
 * the mutations aim at.
 */

const SECRET = 'corpus-webhook-secret';
const MAX_BODY = '64kb';
const service = mockCredentials.service.header();
const user = mockCredentials.user.header();
const digest = `sha256:${'a'.repeat(64)}`;
const cdevent = JSON.parse(
  fs.readFileSync(
    path.resolve(
      __dirname,
      '../ingest/cdevents/__fixtures__/v0.5.1/service_deployed.json',
    ),
    'utf8',
  ),
);

type FieldPath = Array<string | number>;

type WriteEndpoint = {
  method: 'post' | 'put';
  path: string;
  auth: 'service' | 'user' | 'github';
  body: unknown;
  /** A stored text field, which the character mutations spoil. */
  text: FieldPath;
  /** A time field, if the endpoint has one. */
  time?: FieldPath;
  /** An entity reference field, if the endpoint has one. */
  ref?: FieldPath;
  /** An identifier (no tabs or line breaks, unlike free text), if the endpoint has one. */
  id?: FieldPath;
};

const WRITE_ENDPOINTS: WriteEndpoint[] = [
  {
    method: 'post',
    path: '/v1/events',
    auth: 'service',
    body: {
      events: [
        {
          id: 'e1',
          type: 'deployment.finished',
          entityRef: 'component:default/payments',
          deployment: {
            id: 'd1',
            environment: 'production',
            status: 'succeeded',
            finishedAt: '2026-11-01T10:00:00Z',
          },
        },
      ],
    },
    text: ['events', 0, 'deployment', 'environment'],
    id: ['events', 0, 'deployment', 'id'],
    time: ['events', 0, 'deployment', 'finishedAt'],
    ref: ['events', 0, 'entityRef'],
  },
  {
    method: 'post',
    path: '/v1/cdevents',
    auth: 'service',
    body: [cdevent],
    text: [0, 'context', 'id'],
    id: [0, 'context', 'id'],
    time: [0, 'context', 'timestamp'],
  },
  {
    method: 'post',
    path: '/v1/webhooks/github',
    auth: 'github',
    body: deploymentStatusEvent('success', {
      greenlight: { entityRef: 'component:default/payments' },
    }),
    // A vendor's payload is checked where Greenlight reads it: the status names the
    // environment the deployment finished in (`deployment.environment` is not read here, and
    // a character there no longer refuses the delivery).
    text: ['deployment_status', 'environment'],
    id: ['deployment_status', 'environment'],
    time: ['deployment_status', 'created_at'],
    ref: ['deployment', 'payload', 'greenlight', 'entityRef'],
  },
  {
    method: 'post',
    path: '/v1/rollouts',
    auth: 'service',
    body: {
      entityRef: 'component:default/payments',
      environment: 'production',
      deploymentId: 'd1',
      strategy: 'canary',
    },
    text: ['deploymentId'],
    id: ['deploymentId'],
    ref: ['entityRef'],
  },
  {
    method: 'post',
    path: '/v1/rollouts/no-such-rollout/actions',
    auth: 'user',
    body: { action: 'rollback', reason: 'error rate doubled' },
    text: ['reason'],
  },
  {
    method: 'post',
    path: '/v1/gates/replay',
    auth: 'user',
    body: {
      entityRef: 'component:default/payments',
      environment: 'production',
      from: '2026-11-01T10:00:00Z',
      to: '2026-11-01T11:00:00Z',
    },
    text: ['environment'],
    id: ['environment'],
    time: ['from'],
    ref: ['entityRef'],
  },
  {
    method: 'post',
    path: '/v1/readiness',
    auth: 'service',
    body: {
      entityRef: 'component:default/payments',
      environment: 'production',
      change: { labels: ['feature'] },
    },
    text: ['environment'],
    id: ['environment'],
    ref: ['entityRef'],
  },
  {
    method: 'post',
    path: '/v1/readiness/no-such-decision/override',
    auth: 'user',
    body: { reason: 'accepted by the release manager' },
    text: ['reason'],
  },
  {
    method: 'post',
    path: '/v1/break-glass',
    auth: 'user',
    body: {
      entityRef: 'component:default/payments',
      what: 'restarted the pods',
      why: 'outage',
      performedAt: '2026-11-01T10:00:00Z',
    },
    text: ['what'],
    time: ['performedAt'],
    ref: ['entityRef'],
  },
  {
    method: 'post',
    path: '/v1/break-glass/no-such-entry/reconcile',
    auth: 'user',
    body: { link: 'https://tickets.example.com/1', note: 'reviewed' },
    text: ['note'],
  },
  {
    method: 'post',
    path: '/v1/drift',
    auth: 'service',
    body: {
      source: 'driftctl',
      entityRef: 'component:default/payments',
      observedAt: '2026-11-01T10:00:00Z',
      resources: [{ address: 'k8s/deployment/payments', drifted: true }],
    },
    text: ['resources', 0, 'address'],
    id: ['source'],
    time: ['observedAt'],
    ref: ['entityRef'],
  },
  {
    method: 'put',
    path: '/v1/services/default/component/payments',
    auth: 'user',
    body: {
      environments: [{ name: 'production', tier: 'production', order: 0 }],
      gates: {},
      provenance: {
        expectedSource: 'github.com/acme/payments',
        allowedBuilders: ['https://github.com/actions/runner'],
      },
      owner: 'group:default/team-a',
    },
    text: ['provenance', 'expectedSource'],
    ref: ['owner'],
  },
  {
    method: 'post',
    path: '/v1/attestations',
    auth: 'service',
    body: {
      artifactDigest: digest,
      mediaType: 'application/vnd.in-toto+json',
      content: { payloadType: 'x' },
      entityRef: 'component:default/payments',
    },
    text: ['mediaType'],
    id: ['mediaType'],
    ref: ['entityRef'],
  },
];

type Mutation = {
  name: string;
  /** The raw request body, or undefined when the endpoint has no field of that kind. */
  apply(endpoint: WriteEndpoint): string | undefined;
  /** What the error message must name. */
  names?(endpoint: WriteEndpoint): string;
  status?: number;
};

const clone = (value: unknown) => JSON.parse(JSON.stringify(value));
function withField(body: unknown, at: FieldPath, value: unknown): unknown {
  const copy = clone(body);
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key];
  node[at[at.length - 1]] = value;
  return copy;
}
const last = (at: FieldPath) => String(at[at.length - 1]);
const spoilText = (name: string, suffix: string): Mutation => ({
  name,
  apply: e =>
    JSON.stringify(
      withField(e.body, e.text, `${String(valueAt(e.body, e.text))}${suffix}`),
    ),
  names: e => last(e.text),
});
function valueAt(body: unknown, at: FieldPath): unknown {
  return at.reduce((node: any, key) => node?.[key], body);
}
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { inner: value };
  return value;
}

const MUTATIONS: Mutation[] = [
  { name: 'invalid JSON', apply: e => JSON.stringify(e.body).slice(0, -1) },
  { name: 'a body that is not an object', apply: () => '"just text"' },
  {
    name: 'a number for a text field',
    apply: e => JSON.stringify(withField(e.body, e.text, 12345)),
    names: e => last(e.text),
  },
  {
    name: 'a body over the size limit',
    apply: e =>
      JSON.stringify(withField(e.body, e.text, 'x'.repeat(70 * 1024))),
    status: 413,
  },
  {
    name: 'JSON nested 200 levels deep',
    apply: e => JSON.stringify(withField(e.body, e.text, nested(200))),
  },
  spoilText('a NUL character', '\u0000'),
  spoilText('a bell control character', '\u0007'),
  spoilText('a C1 control character', '\u0085'),
  spoilText('a right-to-left override', '\u202E'),
  spoilText('a left-to-right isolate', '\u2066'),
  spoilText('an unpaired high surrogate', '\uD800'),
  spoilText('an unpaired low surrogate', '\uDC00'),
  {
    name: 'a tab in an identifier',
    apply: e =>
      e.id
        ? JSON.stringify(
            withField(e.body, e.id, `${String(valueAt(e.body, e.id))}\tx`),
          )
        : undefined,
    names: e => last(e.id!),
  },
  {
    name: 'a line break in an identifier',
    apply: e =>
      e.id
        ? JSON.stringify(
            withField(e.body, e.id, `${String(valueAt(e.body, e.id))}\nx`),
          )
        : undefined,
    names: e => last(e.id!),
  },
  {
    name: 'an invalid calendar date',
    apply: e =>
      e.time
        ? JSON.stringify(withField(e.body, e.time, '2026-13-45T25:61:00Z'))
        : undefined,
    names: e => last(e.time!),
  },
  {
    name: 'an entity reference that does not parse',
    apply: e =>
      e.ref ? JSON.stringify(withField(e.body, e.ref, '::::')) : undefined,
    names: e => last(e.ref!),
  },
  {
    name: 'an entity reference with a bidi override',
    apply: e =>
      e.ref
        ? JSON.stringify(
            withField(e.body, e.ref, 'component:default/pay\u202Ements'),
          )
        : undefined,
    names: e => last(e.ref!),
  },
];

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: { 'github.com/project-slug': 'acme/payments' },
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-a',
      lifecycle: 'production',
    },
  },
];

const cases = WRITE_ENDPOINTS.flatMap(endpoint =>
  MUTATIONS.flatMap(mutation => {
    const raw = mutation.apply(endpoint);
    return raw === undefined ? [] : [{ endpoint, mutation, raw }];
  }),
);

describe('malformed input against every write endpoint', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let api: ReturnType<typeof request>;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          greenlightPlugin,
          catalogServiceMock.factory({ entities }),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              greenlight: {
                ingest: { maxBodySize: MAX_BODY },
                webhooks: { github: { secret: SECRET } },
              },
            },
          }),
        ],
      });
      api = request(server);
    });

    function send(endpoint: WriteEndpoint, raw: string) {
      const req = api[endpoint.method](`/api/greenlight${endpoint.path}`).set(
        'Content-Type',
        'application/json',
      );
      if (endpoint.auth === 'github') {
        req
          .set('X-GitHub-Event', 'deployment_status')
          .set('X-GitHub-Delivery', 'corpus')
          .set(
            'X-Hub-Signature-256',
            `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`,
          );
      } else {
        req.set('Authorization', endpoint.auth === 'service' ? service : user);
      }
      return req.send(raw);
    }

    it.each(
      cases.map(
        c =>
          [
            `${c.endpoint.method.toUpperCase()} ${c.endpoint.path}`,
            c.mutation.name,
            c,
          ] as const,
      ),
    )(
      '%s with %s: 4xx, Backstage error shape, nothing written',
      async (_endpoint, _mutation, { endpoint, mutation, raw }) => {
        const before = await rowCounts(knex);
        const res = await send(endpoint, raw);
        expect({ status: res.status, body: res.body }).toEqual({
          status: mutation.status ?? 400,
          body: expect.anything(),
        });
        const parsed = await parseErrorResponseBody({
          status: res.status,
          statusText: '',
          headers: new Headers({
            'content-type': String(res.headers['content-type']),
          }),
          text: async () => res.text,
        } as any);
        expect(parsed.response.statusCode).toBe(res.status);
        expect(parsed.error.message).not.toMatch(/^Request failed with status/);
        // the field the mutation spoiled, when it spoiled one
        expect(parsed.error.message).toContain(
          mutation.names?.(endpoint) ?? '',
        );
        expect(await rowCounts(knex)).toEqual(before);
      },
    );

    it('refuses a control character in a path segment', async () => {
      const before = await rowCounts(knex);
      const res = await api
        .put('/api/greenlight/v1/services/default/component/pay%00ments')
        .set('Authorization', user)
        .send(WRITE_ENDPOINTS.find(e => e.method === 'put')!.body as object);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('path');
      expect(await rowCounts(knex)).toEqual(before);
    });
  });
});
