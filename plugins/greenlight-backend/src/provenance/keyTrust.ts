import type { Config } from '@backstage/config';

/** The key ids of `greenlight.provenance.trustedKeys`, as configured now. */
export function trustedKeyIdsOf(config: Config): ReadonlySet<string> {
  return new Set(
    (
      config.getOptionalConfigArray('greenlight.provenance.trustedKeys') ?? []
    ).map(key => key.getString('keyId')),
  );
}

type KeyedVerdict = {
  status: string;
  reason?: string | null;
  keyId?: string | null;
  keyIds?: string[] | null;
};

/**
 * A verified verdict whose signature rests on a key the trust policy no longer lists counts
 * as unverifiable at once, not when re-verification reaches it: removing a compromised key must
 * stop its signatures counting now. (Other policy changes, a key added among them, leave stored
 * verdicts as they are until they are verified again; see docs/security.md.) Verdicts of
 * keyless signers and of extension verifiers name no key and are left as they are.
 */
export function withoutDistrustedKeys<T extends KeyedVerdict>(
  verdict: T,
  trustedKeyIds: ReadonlySet<string>,
): T {
  if (verdict.status !== 'verified') return verdict;
  let keys: string[] = [];
  if (verdict.keyIds?.length) keys = verdict.keyIds;
  else if (verdict.keyId) keys = [verdict.keyId];
  const removed = keys.filter(key => !trustedKeyIds.has(key));
  if (removed.length === 0) return verdict;
  return {
    ...verdict,
    status: 'unverifiable',
    reason: `signed with ${removed.join(
      ', ',
    )}, which the trust policy no longer lists`,
  } as T;
}
