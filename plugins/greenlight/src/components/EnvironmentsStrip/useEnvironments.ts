import { useApi } from '@backstage/core-plugin-api';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { greenlightApiRef } from '../../api';
import { peekEnvironments, readEnvironments } from '../../hooks/deliveryReads';
import { useDeliveryRefresh } from '../../hooks/useDeliveryRefresh';

/** What runs where; reloads on the Delivery tab's refresh, keeping the last answer meanwhile. */
export function useEnvironments(entityRef: string) {
  const api = useApi(greenlightApiRef);
  const tick = useDeliveryRefresh();
  // Prefetched and already answered: shown on the first render (see `ReleaseHistory`).
  const [arrived] = useState(() => ({
    entityRef,
    value: tick ? undefined : peekEnvironments(api, entityRef),
  }));
  const state = useAsyncRetry(
    // The first load takes the answer started before the tab's code had loaded, if any.
    () =>
      tick ? api.getEnvironments(entityRef) : readEnvironments(api, entityRef),
    [api, entityRef, tick],
  );
  if (state.value !== undefined || !state.loading) return state;
  if (!arrived.value || arrived.entityRef !== entityRef) return state;
  return { ...state, loading: false, value: arrived.value };
}
