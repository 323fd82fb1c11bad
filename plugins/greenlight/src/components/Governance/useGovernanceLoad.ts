import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { GreenlightApi, greenlightApiRef } from '../../api';

/** One governance read of the entity, reloadable after an action changes it. */
export function useGovernanceLoad<T>(
  load: (api: GreenlightApi) => Promise<T>,
  deps: unknown[],
) {
  const api = useApi(greenlightApiRef);
  return useAsyncRetry(() => load(api), [api, ...deps]);
}
