import { createApiRef } from '@backstage/core-plugin-api';
import { EnvironmentState, ReleasePage, ReleaseQuery } from './types';

/** @public */
export interface GreenlightApi {
  getEnvironments(entityRef: string): Promise<EnvironmentState[]>;
  listReleases(query: ReleaseQuery): Promise<ReleasePage>;
}

/** @public */
export const greenlightApiRef = createApiRef<GreenlightApi>({
  id: 'plugin.greenlight.service',
});
