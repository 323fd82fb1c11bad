import type { FulcioSource } from './fulcio-extensions';
import { sameRepository } from './source-repository';

/** Where the provenance says the build came from. */
export interface ClaimedSource {
  sourceRepository?: string;
  sourceRef?: string;
  sourceCommit?: string;
}

/**
 * Binds a keyless signer to the source it built. The provenance is written by
 * whoever holds the signing certificate, so what it claims proves nothing on
 * its own: the source repository, ref and commit it names must be the ones
 * Fulcio wrote into the certificate from the CI provider's OIDC token.
 * Otherwise any repository a wildcard identity admits could sign a statement
 * naming another one.
 *
 * Returns why the claim and the certificate disagree, or undefined.
 */
export function certificateSourceMismatch(
  certificate: FulcioSource,
  claimed: ClaimedSource,
  expectedRepository: string | undefined,
): string | undefined {
  const repository = certificate.sourceRepository;
  if (!repository) {
    // Nothing in the certificate can confirm the claim, so it cannot meet an
    // expectation about the source either.
    return expectedRepository
      ? `the signing certificate names no source repository, so the expected source ${expectedRepository} cannot be confirmed`
      : undefined;
  }
  if (!claimed.sourceRepository) {
    return `provenance names no source repository; the signing certificate was issued for ${repository}`;
  }
  if (!sameRepository(claimed.sourceRepository, repository)) {
    return `source repository ${claimed.sourceRepository} claimed by the provenance is not the signing certificate's ${repository}`;
  }
  if (
    certificate.sourceRef &&
    claimed.sourceRef &&
    claimed.sourceRef !== certificate.sourceRef
  ) {
    return `source ref ${claimed.sourceRef} claimed by the provenance is not the signing certificate's ${certificate.sourceRef}`;
  }
  if (
    certificate.sourceDigest &&
    claimed.sourceCommit &&
    claimed.sourceCommit.toLowerCase() !==
      certificate.sourceDigest.toLowerCase()
  ) {
    return `source commit ${claimed.sourceCommit} claimed by the provenance is not the signing certificate's ${certificate.sourceDigest}`;
  }
  return undefined;
}
