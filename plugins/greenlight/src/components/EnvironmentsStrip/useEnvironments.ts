import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { greenlightApiRef } from '../../api';

export function useEnvironments(entityRef: string) {
  const api = useApi(greenlightApiRef);
  return useAsyncRetry(() => api.getEnvironments(entityRef), [api, entityRef]);
}
