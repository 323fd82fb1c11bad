import { canonicalInputs } from './determinism';
import { DSSE_ENVELOPE_MEDIA_TYPE, parseDsseEnvelope } from './dsse';
import { isRecord, parseStatement } from './intoto';
import { parseSlsaProvenance } from './slsa';

/**
 * The build inputs (SLSA externalParameters and resolvedDependencies) of an attestation
 * that has already verified, in canonical form. Only called after verification, so the
 * payload read here is the one the signature covers.
 */
export function signedBuildInputs(
  mediaType: string,
  content: string,
): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return undefined;
  }
  // A Sigstore bundle carries its DSSE envelope inside.
  let envelopeJson: unknown = json;
  if (mediaType !== DSSE_ENVELOPE_MEDIA_TYPE)
    envelopeJson = isRecord(json) ? json.dsseEnvelope : undefined;
  const envelope = parseDsseEnvelope(envelopeJson);
  if (!envelope.ok) return undefined;
  const statement = parseStatement(envelope.envelope.payload);
  if (!statement.ok) return undefined;
  const provenance = parseSlsaProvenance(
    statement.statement.predicateType,
    statement.statement.predicate,
  );
  if (!provenance.ok) return undefined;
  return canonicalInputs({
    externalParameters: provenance.provenance.externalParameters,
    resolvedDependencies: provenance.provenance.resolvedDependencies,
  });
}
