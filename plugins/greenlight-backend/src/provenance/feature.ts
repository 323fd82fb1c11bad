import { GreenlightFeature } from '../context';

/** Artifact provenance: attestation storage, verification, promotion and determinism verdicts, traceability. */
export const provenanceFeature: GreenlightFeature = async () => undefined;
