import { parseEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';

/**
 * Paths to another tab of an entity page (`delivery`, `dora-review`, …), so governance findings
 * link to where the evidence is shown.
 */
export function useEntityTabPath() {
  const entityRoute = useRouteRef(entityRouteRef);
  return (entityRef: string, tab: string, search?: Record<string, string>) => {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    const query = search ? `?${new URLSearchParams(search).toString()}` : '';
    return `${entityRoute({
      kind: kind.toLocaleLowerCase('en-US'),
      namespace,
      name,
    })}${tab ? `/${tab}` : ''}${query}`;
  };
}
