import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { greenlightApiRef } from '../../api';
import { useDeliveryRefresh } from '../../hooks/useDeliveryRefresh';

/** What runs where; reloads on the Delivery tab's refresh, keeping the last answer meanwhile. */
export function useEnvironments(entityRef: string) {
  const api = useApi(greenlightApiRef);
  const tick = useDeliveryRefresh();
  return useAsyncRetry(
    () => api.getEnvironments(entityRef),
    [api, entityRef, tick],
  );
}
