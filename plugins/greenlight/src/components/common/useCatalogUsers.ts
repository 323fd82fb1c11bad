import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { candidateUserRef } from '../../lib/actor';

const NONE: ReadonlySet<string> = new Set();

/**
 * Which of the bare actor names are users in the catalog, as lower-case user refs. One
 * request for all the names on screen; until it answers (or if it fails) none is, so names
 * show as text rather than as links that may lead nowhere.
 */
export function useCatalogUsers(
  actors: Array<string | null | undefined>,
): ReadonlySet<string> {
  const catalogApi = useApi(catalogApiRef);
  const candidates = useMemo(
    () =>
      [
        ...new Set(
          actors
            .flatMap(a => (a ? [candidateUserRef(a)] : []))
            .filter((r): r is string => !!r),
        ),
      ].sort(),
    [actors],
  );
  const key = candidates.join(',');
  const { value } = useAsync(async () => {
    if (candidates.length === 0) return NONE;
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: candidates,
      fields: ['kind', 'metadata.namespace', 'metadata.name'],
    });
    return new Set(
      items.flatMap(e =>
        e ? [stringifyEntityRef(e).toLocaleLowerCase('en-US')] : [],
      ),
    ) as ReadonlySet<string>;
    // The names, not the array that carries them, decide whether to ask again.
  }, [catalogApi, key]); // eslint-disable-line react-hooks/exhaustive-deps
  return value ?? NONE;
}
