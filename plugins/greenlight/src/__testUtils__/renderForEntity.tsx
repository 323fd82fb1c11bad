import type { Entity } from '@backstage/catalog-model';
import { alertApiRef, ApiRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { catalogApiRef, entityRouteRef, EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { mockApis, renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ReactElement } from 'react';
import { SWRConfig } from 'swr';
import { GreenlightApi, greenlightApiRef } from '../api';
import { componentEntity } from './fixtures';

export function fakeAlertApi() {
  return { post: jest.fn(), alert$: jest.fn() };
}

/**
 * Renders an entity-page element with a fake Greenlight API (only the methods a test
 * gives exist) inside a test app where entity links resolve.
 */
export function renderForEntity(
  element: ReactElement,
  options: {
    api: Partial<GreenlightApi>;
    entity?: Entity;
    routeEntries?: string[];
    alertApi?: ReturnType<typeof fakeAlertApi>;
    mountedRoutes?: Record<string, any>;
    /**
     * Which permissions the signed-in user holds: all or none, or by name; all when not given.
     */
    allowed?: boolean | ((permission: string) => boolean);
    /** Entities the catalog holds, for components that list them. */
    catalogEntities?: Entity[];
    /** More APIs the element uses, e.g. signals. */
    apis?: Array<[ApiRef<any>, any]>;
  },
) {
  const given = options.allowed ?? true;
  const allowed = typeof given === 'function' ? given : () => given;
  const permissionApi = mockApis.permission.mock({
    authorize: async request => ({ result: allowed(request.permission.name) ? 'ALLOW' : 'DENY' }) as any,
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [greenlightApiRef, options.api],
        [alertApiRef, options.alertApi ?? fakeAlertApi()],
        [permissionApiRef, permissionApi],
        [catalogApiRef, catalogApiMock({ entities: options.catalogEntities ?? [] })],
        ...(options.apis ?? []),
      ]}
    >
      {/* usePermission caches answers by permission in SWR; each render gets a fresh cache. */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <EntityProvider entity={options.entity ?? componentEntity}>{element}</EntityProvider>
      </SWRConfig>
    </TestApiProvider>,
    {
      routeEntries: options.routeEntries,
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef, ...options.mountedRoutes },
    },
  );
}

/** The error the client throws when the backend answers with `status`. */
export async function responseError(status: number, message: string): Promise<ResponseError> {
  const names: Record<number, string> = { 403: 'NotAllowedError', 404: 'NotFoundError', 500: 'Error' };
  const body = JSON.stringify({ error: { name: names[status] ?? 'Error', message }, response: { statusCode: status } });
  return ResponseError.fromResponse({
    ok: false,
    status,
    statusText: String(status),
    headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? 'application/json' : null) },
    text: async () => body,
    json: async () => JSON.parse(body),
  } as unknown as Response);
}
