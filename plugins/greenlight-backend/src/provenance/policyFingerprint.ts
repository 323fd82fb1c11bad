import { sha256 } from './attestationContent';
import { canonicalJson } from './canonical-json';
import type { TrustPolicy } from './policy';

/**
 * Raised whenever the verifier starts judging the same input differently, so
 * that verdicts reached under the older rules are re-verified first.
 * 2: keyless signers are bound to the certificate's source repository, ref and
 * commit, and the threshold counts keyless signers too.
 */
export const VERIFICATION_RULES_VERSION = 2;

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
      rules: VERIFICATION_RULES_VERSION,
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
