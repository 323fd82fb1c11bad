import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { GreenlightApi } from './GreenlightApi';
import { EnvironmentState, ReleasePage, ReleaseQuery } from './types';

/** Talks to the Greenlight backend with the signed-in user's credentials. @public */
export class GreenlightClient implements GreenlightApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  async getEnvironments(entityRef: string): Promise<EnvironmentState[]> {
    const body = await this.get<{ environments: EnvironmentState[] }>('/v1/environments', {
      entityRef,
    });
    return body.environments;
  }

  listReleases(query: ReleaseQuery): Promise<ReleasePage> {
    return this.get<ReleasePage>('/v1/releases', query);
  }

  private async get<T>(path: string, query: Record<string, string | number | undefined>): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('greenlight');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const response = await this.deps.fetchApi.fetch(`${base}${path}?${params}`);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }
}
