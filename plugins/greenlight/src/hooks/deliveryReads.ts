import { GreenlightApi, ReleaseQuery } from '../api';
import {
  peekPrefetched,
  prefetch,
  prefetchKey,
  takePrefetched,
} from '../lib/prefetch';

/**
 * The Delivery tab's first reads, shared by the tab and by what starts them early
 * (`DeliveryPrefetch`), so that a prefetched answer is found under the same key.
 */

/** Releases on a page of the release history unless the URL asks for another size. */
export const DEFAULT_RELEASE_PAGE_SIZE = 25;

type CountQuery = Omit<ReleaseQuery, 'limit' | 'cursor'>;

export function readReleases(api: GreenlightApi, query: ReleaseQuery) {
  return takePrefetched(api, prefetchKey('releases', query), () =>
    api.listReleases(query),
  );
}

/** The prefetched first page of `query`, if it has already arrived (see `peekPrefetched`). */
export function peekReleases(api: GreenlightApi, query: ReleaseQuery) {
  return peekPrefetched<Awaited<ReturnType<GreenlightApi['listReleases']>>>(
    api,
    prefetchKey('releases', query),
  );
}

export function readReleaseCount(api: GreenlightApi, query: CountQuery) {
  return takePrefetched(api, prefetchKey('releases/count', query), () =>
    api.countReleases(query),
  );
}

export function readEnvironments(api: GreenlightApi, entityRef: string) {
  return takePrefetched(api, prefetchKey('environments', { entityRef }), () =>
    api.getEnvironments(entityRef),
  );
}

/** The prefetched environments of `entityRef`, if they have already arrived. */
export function peekEnvironments(api: GreenlightApi, entityRef: string) {
  return peekPrefetched<Awaited<ReturnType<GreenlightApi['getEnvironments']>>>(
    api,
    prefetchKey('environments', { entityRef }),
  );
}

/** Starts the reads of the Delivery tab's default view (first page, no filter) of an entity. */
export function prefetchDelivery(api: GreenlightApi, entityRef: string) {
  const page: ReleaseQuery = { entityRef, limit: DEFAULT_RELEASE_PAGE_SIZE };
  prefetch(api, prefetchKey('releases', page), () => api.listReleases(page));
  prefetch(api, prefetchKey('environments', { entityRef }), () =>
    api.getEnvironments(entityRef),
  );
  if (typeof api.countReleases === 'function') {
    prefetch(api, prefetchKey('releases/count', { entityRef }), () =>
      api.countReleases({ entityRef }),
    );
  }
}
