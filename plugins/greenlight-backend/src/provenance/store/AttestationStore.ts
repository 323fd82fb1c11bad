import { AuditEntry } from '../../database/LedgerStore';
import type { StatementSubject } from '../intoto';

export type VerdictStatus = 'verified' | 'invalid' | 'unverifiable';

/** One verifier's verdict on one attestation of one artifact. */
export type VerdictRecord = {
  /** `greenlight` for the built-in verifier, else an extension verifier's id. */
  verifier: string;
  status: VerdictStatus;
  reason?: string;
  keyId?: string;
  keyIds?: string[];
  identity?: { issuer: string; subject: string };
  builderId?: string;
  slsaLevel?: number;
  buildType?: string;
  predicateType?: string;
  sourceRepository?: string;
  sourceCommit?: string;
  invocationId?: string;
  subjects?: StatementSubject[];
  /** Canonical SLSA externalParameters and resolvedDependencies of a verified statement. */
  buildInputs?: string;
  details?: Record<string, unknown>;
  verifiedAt: number;
  /** Reached without everything it needs (the catalog did not answer): re-verify first. */
  provisional?: boolean;
};

export type StoredVerdict = VerdictRecord & {
  attestationId: string;
  artifactDigest: string;
  policyFingerprint: string;
};

/** An attestation as received. */
export type AttestationRecord = {
  id: string;
  artifactDigest: string;
  mediaType: string;
  content: string;
  entityRef: string | null;
  sourceEventId: string | null;
  receivedBy: string;
  receivedAt: number;
};

/** An attestation about to be re-verified, with the entity whose expectations apply. */
export type AttestationToVerify = AttestationRecord & {
  /** The artifact's entity in the ledger, else the one named when it was posted. */
  effectiveEntityRef: string | null;
  /** Judged under another policy (or provisionally): due before anything else. */
  stale: boolean;
};

export type AttestationKey = { id: string; artifactDigest: string };

export type EventCursor = { receivedAt: number; eventId: string };

/** An artifact event as stored in the ledger. */
export type ArtifactEventRow = {
  id: string;
  receivedAt: number;
  actor: string;
  entityRef: string | null;
  payload: string;
};

/** Where attestations and their verdicts are kept. */
export interface AttestationStore {
  /** Which of these attestations are already stored. */
  existing(keys: AttestationKey[]): Promise<Set<string>>;
  /**
   * Stores new attestations with their verdicts, each attestation with its verdicts atomically,
   * and `audit` (entries about those attestations) in the same transaction.
   */
  insert(
    items: Array<{ attestation: AttestationRecord; verdicts: VerdictRecord[] }>,
    policyFingerprint: string,
    audit?: AuditEntry[],
  ): Promise<void>;
  /** Replaces the verdicts of attestations that were verified again. */
  replaceVerdicts(
    items: Array<{ key: AttestationKey; verdicts: VerdictRecord[] }>,
    policyFingerprint: string,
  ): Promise<void>;
  /** Verdicts for a set of artifacts, in one query per chunk. */
  verdictsFor(digests: string[]): Promise<StoredVerdict[]>;
  attestationsFor(digest: string): Promise<AttestationRecord[]>;
  /**
   * Attestations to re-verify: those judged under another policy fingerprint first,
   * then those verified longest ago.
   */
  pickForReverification(
    policyFingerprint: string,
    limit: number,
  ): Promise<AttestationToVerify[]>;
  /** The artifact's entity as the ledger knows it. */
  artifactEntities(digests: string[]): Promise<Map<string, string>>;
  readCursor(name: string): Promise<EventCursor | undefined>;
  writeCursor(name: string, cursor: EventCursor): Promise<void>;
  /** Artifact events after the cursor, in receipt order. */
  artifactEventsAfter(
    cursor: EventCursor | undefined,
    limit: number,
  ): Promise<ArtifactEventRow[]>;
}

export const keyOf = (k: AttestationKey) => `${k.id}\n${k.artifactDigest}`;
