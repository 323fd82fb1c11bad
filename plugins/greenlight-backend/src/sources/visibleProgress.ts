import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { canonicalEntityRef } from '@greenlight/backstage-plugin-greenlight-common';
import { AccessDeps, visibleEntityRefs } from '../router/access';

export type ProgressEntry = { key: string; value: unknown; updatedAt: Date };

/**
 * The entity a progress key names, or `null` for a key that names none. A key with a colon is
 * taken for an entity reference; one that does not parse stays hidden (`undefined`), because
 * nobody can tell whose it is.
 */
function entityOfKey(key: string): string | null | undefined {
  if (!key.includes(':')) return null;
  try {
    return canonicalEntityRef(key);
  } catch {
    return undefined;
  }
}

/**
 * The progress entries the caller may see. Sources key per-entity progress by entity
 * reference (a GitHub backfill keeps one entry per repository's entity), and the key and its
 * value tell that the entity exists and what it is built from; such entries are kept only
 * when the catalog shows the entity to the caller, asked once with the caller's credentials.
 * Keys without a colon (an Argo CD instance, say) are source-wide and kept.
 */
export async function visibleProgress(
  deps: Pick<AccessDeps, 'catalog'>,
  credentials: BackstageCredentials,
  entries: ProgressEntry[],
): Promise<ProgressEntry[]> {
  const entityOf = new Map(entries.map(e => [e.key, entityOfKey(e.key)]));
  const named = [...entityOf.values()].filter(
    (ref): ref is string => typeof ref === 'string',
  );
  const visible = await visibleEntityRefs(deps, credentials, named);
  return entries.filter(e => {
    const ref = entityOf.get(e.key);
    return ref === null || (ref !== undefined && visible.has(ref));
  });
}
