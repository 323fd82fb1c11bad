import { sha256 } from './attestationContent';
import { canonicalJson } from './canonical-json';
import type { TrustPolicy } from './policy';

/**
 * Identifies a trust policy by everything that can change a verdict. A verdict stored
 * under another fingerprint was reached with keys, identities or defaults that no longer
 * hold, so it is re-verified before any other.
 */
export function policyFingerprint(
  policy: TrustPolicy,
  verifierIds: string[] = [],
): string {
  return sha256(
    canonicalJson({
      trustedKeys: policy.trustedKeys
        .map(key => ({
          ...key,
          publicKeyPem: key.publicKeyPem.replace(/\s+/g, ''),
        }))
        .sort((a, b) => (a.keyId < b.keyId ? -1 : 1)),
      trustedIdentities: policy.trustedIdentities,
      trustedRoot: policy.trustedRoot ?? null,
      threshold: policy.threshold,
      requireTransparencyLog: policy.requireTransparencyLog,
      defaults: policy.defaults,
      // Adding or removing an extension verifier changes who judges what.
      verifiers: [...verifierIds].sort(),
    }),
  );
}
