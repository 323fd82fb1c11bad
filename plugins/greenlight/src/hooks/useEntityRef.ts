import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';

/** The current entity and its canonical reference, as the API expects it. */
export function useEntityRef() {
  const { entity } = useEntity();
  return { entity, entityRef: stringifyEntityRef(entity) };
}
