import { useApi } from '@backstage/core-plugin-api';
import type { DoraResponse } from '@greenlight/backstage-plugin-greenlight-common';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { DoraQuery, greenlightApiRef } from '../api';

/** The scheduled task rolls up stale entities every 30 s. */
const REFRESH_AGAIN_MS = 30_000;

/** Whether some of the scope's newest events are not in the figures yet (`rollups-refreshing`). */
export function leavesOutNewestEvents(
  value: DoraResponse | undefined,
): boolean {
  return (value?.dataQuality ?? []).some(
    f => f.id === 'rollups-refreshing' && f.count > 0,
  );
}

/** Calls `retry` every `ms` for as long as `condition` holds (figures still being updated). */
export function useAskAgainWhile(
  condition: boolean,
  retry: () => void,
  ms = REFRESH_AGAIN_MS,
) {
  useEffect(() => {
    if (!condition) return undefined;
    const timer = setTimeout(retry, ms);
    return () => clearTimeout(timer);
  }, [condition, retry, ms]);
}

/**
 * DORA figures for `query` (memoise it), asked for again while they leave out the newest
 * events, until the rollups count them. A second ask keeps `value` until its answer replaces
 * it, so figures on screen do not give way to a spinner.
 */
export function useDora(query: DoraQuery, refreshAgainMs = REFRESH_AGAIN_MS) {
  const api = useApi(greenlightApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getDora(query),
    [api, query],
  );
  const refreshing = leavesOutNewestEvents(value);
  useAskAgainWhile(refreshing, retry, refreshAgainMs);
  return { value, loading: loading && !value, error, refreshing };
}
