import { registerMswTestHooks } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GreenlightClient } from './GreenlightClient';

const BASE = 'http://backend.test/api/greenlight';
const server = setupServer();
registerMswTestHooks(server);

function client(token = 'user-token') {
  return new GreenlightClient({
    discoveryApi: { getBaseUrl: async (id: string) => `http://backend.test/api/${id}` },
    // Stands in for Backstage's fetchApi, which adds the signed-in user's token.
    fetchApi: {
      fetch: (input: any, init?: RequestInit) =>
        fetch(input, { ...init, headers: { ...(init?.headers as any), Authorization: `Bearer ${token}` } }),
    },
  });
}

describe('GreenlightClient', () => {
  it('lists releases with only the filters given, under the greenlight base URL', async () => {
    let seen: URL | undefined;
    let auth: string | null = null;
    server.use(
      http.get(`${BASE}/v1/releases`, ({ request }) => {
        seen = new URL(request.url);
        auth = request.headers.get('authorization');
        return HttpResponse.json({ items: [], nextCursor: 'c2' });
      }),
    );
    const page = await client().listReleases({
      entityRef: 'component:default/payments',
      environment: 'production',
      status: undefined,
      from: '',
      limit: 25,
      cursor: 'c1',
    });
    expect(page.nextCursor).toBe('c2');
    expect(Object.fromEntries(seen!.searchParams)).toEqual({
      entityRef: 'component:default/payments',
      environment: 'production',
      limit: '25',
      cursor: 'c1',
    });
    expect(auth).toBe('Bearer user-token');
  });

  it('asks for DORA by group and returns the CSV text as sent', async () => {
    const queries: Array<Record<string, string>> = [];
    server.use(
      http.get(`${BASE}/v1/dora`, ({ request }) => {
        queries.push(Object.fromEntries(new URL(request.url).searchParams));
        return HttpResponse.json({ scope: { kind: 'group' } });
      }),
      http.get(`${BASE}/v1/dora.csv`, ({ request }) => {
        queries.push(Object.fromEntries(new URL(request.url).searchParams));
        return new HttpResponse('entityRef,deployments\ncomponent:default/a,3\n', {
          headers: { 'Content-Type': 'text/csv' },
        });
      }),
    );
    const query = {
      groupRef: 'group:default/team-a',
      from: '2026-08-01T00:00:00.000Z',
      to: '2026-11-01T00:00:00.000Z',
      bucket: 'month' as const,
    };
    await client().getDora(query);
    const csv = await client().getDoraCsv(query);
    expect(csv).toBe('entityRef,deployments\ncomponent:default/a,3\n');
    expect(queries).toEqual([
      { groupRef: 'group:default/team-a', from: query.from, to: query.to, bucket: 'month' },
      { groupRef: 'group:default/team-a', from: query.from, to: query.to, bucket: 'month' },
    ]);
  });

  it('unwraps list answers and encodes ids in paths', async () => {
    const paths: string[] = [];
    server.use(
      http.get(`${BASE}/v1/rollouts`, ({ request }) => {
        const url = new URL(request.url);
        paths.push(`${url.pathname}?${url.searchParams}`);
        return HttpResponse.json({ items: [{ id: 'ro-1' }] });
      }),
      http.get(`${BASE}/v1/environments`, () =>
        HttpResponse.json({ entityRef: 'x', environments: [{ name: 'production' }] }),
      ),
      http.get(`${BASE}/v1/artifacts/:digest`, ({ params }) => {
        paths.push(`artifact ${params.digest}`);
        return HttpResponse.json({ digest: params.digest, summary: { status: 'verified' } });
      }),
      http.get(`${BASE}/v1/changes`, ({ request }) => {
        paths.push(`changes ${new URL(request.url).searchParams.get('entityRefs')}`);
        return HttpResponse.json({ items: [] });
      }),
    );
    const api = client();
    expect(await api.listRollouts({ entityRef: 'component:default/payments', state: 'analysing' })).toEqual([
      { id: 'ro-1' },
    ]);
    expect(await api.getEnvironments('component:default/payments')).toEqual([{ name: 'production' }]);
    const artifact = await api.getArtifact('sha256:abc');
    expect(artifact.summary?.status).toBe('verified');
    await api.listChanges({ entityRefs: ['component:default/a', 'component:default/b'], from: 'f', to: 't' });
    expect(paths).toEqual([
      '/api/greenlight/v1/rollouts?entityRef=component%3Adefault%2Fpayments&state=analysing',
      'artifact sha256:abc',
      'changes component:default/a,component:default/b',
    ]);
  });

  it('posts a rollout action as JSON', async () => {
    let body: unknown;
    let contentType: string | null = null;
    server.use(
      http.post(`${BASE}/v1/rollouts/ro%2F1/actions`, async ({ request }) => {
        body = await request.json();
        contentType = request.headers.get('content-type');
        return HttpResponse.json({ id: 'ro/1', state: 'paused' });
      }),
    );
    const view = await client().performRolloutAction('ro/1', { action: 'rollback', reason: 'errors up' });
    expect(body).toEqual({ action: 'rollback', reason: 'errors up' });
    expect(contentType).toBe('application/json');
    expect(view.state).toBe('paused');
  });

  it('turns an error answer into a ResponseError carrying the status and the backend message', async () => {
    server.use(
      http.post(`${BASE}/v1/rollouts/ro-1/actions`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'greenlight.rollout.action is not allowed' },
            request: { method: 'POST', url: '/v1/rollouts/ro-1/actions' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
      http.get(`${BASE}/v1/checklist`, () => new HttpResponse('boom', { status: 500 })),
    );
    const denied = await client()
      .performRolloutAction('ro-1', { action: 'pause', reason: '' })
      .catch(e => e);
    expect(ResponseError.is(denied)).toBe(true);
    expect(denied.statusCode).toBe(403);
    expect(denied.cause.name).toBe('NotAllowedError');
    expect(denied.cause.message).toBe('greenlight.rollout.action is not allowed');

    const failed = await client().getChecklist('component:default/payments').catch(e => e);
    expect(ResponseError.is(failed)).toBe(true);
    expect(failed.statusCode).toBe(500);
  });

  it('fails with a clear error when an answer does not have the shape the components need', async () => {
    server.use(
      // A backend of another version: releases under another key.
      http.get(`${BASE}/v1/releases`, () => HttpResponse.json({ releases: [] })),
      http.get(`${BASE}/v1/environments`, () =>
        HttpResponse.json({ environments: [{ tier: 'production' }] }),
      ),
      // A proxy's login page instead of the API.
      http.get(`${BASE}/v1/checklist`, () => new HttpResponse('<html>sign in</html>', { status: 200 })),
    );
    await expect(client().listReleases({ entityRef: 'component:default/payments' })).rejects.toThrow(
      /^Greenlight answered \/v1\/releases with an unexpected body \(items: .+\); are the Greenlight frontend and backend plugins of matching versions\?$/,
    );
    await expect(client().getEnvironments('component:default/payments')).rejects.toThrow(
      /\(environments\.0\.name: /,
    );
    await expect(client().getChecklist('component:default/payments')).rejects.toThrow(
      'Greenlight answered /v1/checklist with a body that is not JSON',
    );
  });

  it('lets fields it does not know through, so a newer backend still works', async () => {
    server.use(
      http.get(`${BASE}/v1/rollouts/:id`, () =>
        HttpResponse.json({ id: 'ro-1', state: 'watching', addedLater: { x: 1 } }),
      ),
    );
    await expect(client().getRollout('ro-1')).resolves.toEqual({
      id: 'ro-1',
      state: 'watching',
      addedLater: { x: 1 },
    });
  });
});
