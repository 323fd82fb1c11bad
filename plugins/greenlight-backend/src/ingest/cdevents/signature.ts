export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
/**
 * A bare signature as CDEvents carries it: no payload, key or algorithm, so it is kept
 * for the record but cannot be verified on its own.
 */
export const CDEVENTS_SIGNATURE_MEDIA_TYPE =
  'application/vnd.cdevents.artifact.signature+json';

type AttestationInput = { mediaType: string; content: Record<string, unknown> };

/**
 * `artifact.signed` carries its signature as one string. Producers that sign with
 * DSSE or Sigstore often put the whole envelope or bundle there, as JSON or base64
 * JSON; those are passed on in the form the backend verifies.
 */
export function signatureAttestation(
  signature: string,
  artifactId: string,
): AttestationInput {
  const document =
    parseJsonObject(signature) ?? parseJsonObject(fromBase64(signature));
  if (document) {
    const mediaType = document.mediaType;
    if (
      typeof mediaType === 'string' &&
      mediaType.startsWith('application/vnd.dev.sigstore.bundle')
    ) {
      return { mediaType, content: document };
    }
    if (
      typeof document.payloadType === 'string' &&
      typeof document.payload === 'string' &&
      Array.isArray(document.signatures)
    ) {
      return { mediaType: DSSE_MEDIA_TYPE, content: document };
    }
  }
  return {
    mediaType: CDEVENTS_SIGNATURE_MEDIA_TYPE,
    content: { signature, artifactId },
  };
}

function fromBase64(text: string): string | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text.trim())) return undefined;
  return Buffer.from(text.trim(), 'base64').toString('utf8');
}

function parseJsonObject(
  text: string | undefined,
): Record<string, unknown> | undefined {
  if (!text?.trimStart().startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}
