/** @public */
export interface AttestationVerificationRequest {
  attestation: {
    mediaType: string;
    /** The serialised attestation (JSON text or bytes), or its parsed JSON. */
    content: string | Uint8Array | object;
  };
  /** The artifact the attestation must be about, `sha256:<hex>`. */
  artifactDigest: string;
  entityRef?: string;
  /** The verification time; a parameter so that verification stays reproducible. */
  now: Date;
  signal?: AbortSignal;
}

/**
 * `verified` is the only status that may be trusted; `invalid` means the attestation is
 * provably wrong; `unverifiable` means nothing could be proven with the configured trust.
 *
 * @public
 */
export interface AttestationVerificationResult {
  status: 'verified' | 'invalid' | 'unverifiable';
  reason?: string;
  details?: Record<string, unknown>;
}

/**
 * Verifies attestations of the media types it lists, e.g. DSSE envelopes or Sigstore
 * bundles. Failures are returned, not thrown.
 *
 * @public
 */
export interface AttestationVerifier {
  readonly id: string;
  readonly mediaTypes: readonly string[];
  verify(
    request: AttestationVerificationRequest,
  ): Promise<AttestationVerificationResult>;
}
