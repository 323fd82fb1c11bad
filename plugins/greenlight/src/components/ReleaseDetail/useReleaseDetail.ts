import { useApi } from '@backstage/core-plugin-api';
import { useEffect, useState } from 'react';
import { greenlightApiRef, ReleaseDetail } from '../../api';
import { useDeliveryRefresh } from '../../hooks/useDeliveryRefresh';

type Loaded = { releaseId: string; release?: ReleaseDetail; error?: Error };

/**
 * One release's detail, loaded again on each tick of the Delivery tab's refresh, so an open
 * drawer follows what happens to the release (the watcher rolling it back, say) without
 * closing. A reload replaces the release in place, never through a loading state, so the
 * drawer keeps its scroll position and keyboard focus; a reload that fails keeps the last
 * good answer and reports the error beside it. Outside the tab it loads once.
 */
export function useReleaseDetail(
  releaseId: string,
): Loaded & { loading: boolean } {
  const api = useApi(greenlightApiRef);
  const tick = useDeliveryRefresh();
  const [loaded, setLoaded] = useState<Loaded>({ releaseId });

  useEffect(() => {
    let cancelled = false;
    api.getRelease(releaseId).then(
      release => {
        if (!cancelled) setLoaded({ releaseId, release });
      },
      error => {
        if (cancelled) return;
        setLoaded(previous =>
          previous.releaseId === releaseId
            ? { ...previous, error }
            : { releaseId, error },
        );
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, releaseId, tick]);

  // Another release opened in the drawer: what is held belongs to the previous one.
  const current = loaded.releaseId === releaseId ? loaded : { releaseId };
  return { ...current, loading: !current.release && !current.error };
}
