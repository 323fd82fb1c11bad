import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { greenlightApiRef } from '../../api';
import { readEnvironments } from '../../hooks/deliveryReads';
import { useDeliveryRefresh } from '../../hooks/useDeliveryRefresh';

/** What runs where; reloads on the Delivery tab's refresh, keeping the last answer meanwhile. */
export function useEnvironments(entityRef: string) {
  const api = useApi(greenlightApiRef);
  const tick = useDeliveryRefresh();
  return useAsyncRetry(
    // The first load takes the answer started before the tab's code had loaded, if any.
    () =>
      tick ? api.getEnvironments(entityRef) : readEnvironments(api, entityRef),
    [api, entityRef, tick],
  );
}
