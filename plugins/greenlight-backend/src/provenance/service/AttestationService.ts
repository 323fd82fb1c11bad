import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import type { AttestationVerifier } from '@greenlight/backstage-plugin-greenlight-node';
import type { AuditEntry } from '../../database/LedgerStore';
import { receiveContent } from '../attestationContent';
import type { TrustPolicy } from '../policy';
import { policyFingerprint } from '../policyFingerprint';
import {
  AttestationKey,
  AttestationRecord,
  AttestationStore,
  keyOf,
  VerdictRecord,
} from '../store/AttestationStore';
import { EntityExpectations } from './entityExpectations';
import { judgeAttestation } from './judge';

/** The plugin's own principal, as the audit log names it for background work. */
export const PROVENANCE_ACTOR = 'service:plugin:greenlight';

export type IncomingAttestation = {
  artifactDigest: string;
  mediaType: string;
  content: string | object;
  /** The entity named by the sender; the artifact's entity in the ledger wins. */
  entityRef: string | null;
  sourceEventId: string | null;
  receivedBy: string;
};

export type RecordedAttestation = {
  key: AttestationKey;
  status: 'accepted' | 'duplicate';
};

export type AttestationServiceOptions = {
  store: AttestationStore;
  policy: TrustPolicy;
  verifiers: AttestationVerifier[];
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  audit: (entry: AuditEntry) => Promise<void>;
  now?: () => Date;
};

/** Stores attestations as received, verifies them, and verifies them again over time. */
export class AttestationService {
  readonly fingerprint: string;
  private readonly now: () => Date;

  constructor(private readonly options: AttestationServiceOptions) {
    this.fingerprint = policyFingerprint(
      options.policy,
      options.verifiers.map(v => v.id),
    );
    this.now = options.now ?? (() => new Date());
  }

  /** Stores and verifies attestations not seen before; repeats are reported as duplicates. */
  async record(
    incoming: IncomingAttestation[],
    /** The audit entry of each new attestation, written in the same transaction. */
    auditOf?: (attestation: AttestationRecord) => AuditEntry,
  ): Promise<RecordedAttestation[]> {
    const { store } = this.options;
    const received = incoming.map(item => {
      const content = receiveContent(item.content);
      return {
        item,
        content,
        key: { id: content.id, artifactDigest: item.artifactDigest },
      };
    });
    const existing = await store.existing(received.map(r => r.key));
    const seen = new Set<string>();
    const fresh = received.filter(r => {
      const k = keyOf(r.key);
      if (existing.has(k) || seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const ledgerEntities = await store.artifactEntities(
      fresh.map(r => r.key.artifactDigest),
    );
    const expectations = new EntityExpectations(
      this.options.catalog,
      this.options.auth,
    );
    const receivedAt = this.now().getTime();
    const items: Array<{
      attestation: AttestationRecord;
      verdicts: VerdictRecord[];
    }> = [];
    for (const r of fresh) {
      const entityRef =
        ledgerEntities.get(r.key.artifactDigest) ?? r.item.entityRef;
      const attestation: AttestationRecord = {
        ...r.key,
        mediaType: r.item.mediaType,
        content: r.content.text,
        entityRef: r.item.entityRef,
        sourceEventId: r.item.sourceEventId,
        receivedBy: r.item.receivedBy,
        receivedAt,
      };
      items.push({
        attestation,
        verdicts: await this.judge(attestation, entityRef, expectations),
      });
    }
    await store.insert(
      items,
      this.fingerprint,
      auditOf ? items.map(i => auditOf(i.attestation)) : [],
    );
    return received.map(r => ({
      key: r.key,
      status: fresh.includes(r) ? 'accepted' : 'duplicate',
    }));
  }

  /**
   * Verifies a batch again under the current policy and the entities' current annotations:
   * first whatever was judged under another policy, then the longest unchecked. A verdict
   * that changes is logged and written to the audit log.
   */
  async reverify(
    limit: number,
  ): Promise<{ reverified: number; stale: number; changed: number }> {
    const { store } = this.options;
    const picked = await store.pickForReverification(this.fingerprint, limit);
    if (picked.length === 0) return { reverified: 0, stale: 0, changed: 0 };
    const before = new Map<string, VerdictRecord>();
    for (const v of await store.verdictsFor(
      picked.map(p => p.artifactDigest),
    )) {
      before.set(
        `${keyOf({ id: v.attestationId, artifactDigest: v.artifactDigest })}\n${
          v.verifier
        }`,
        v,
      );
    }
    const expectations = new EntityExpectations(
      this.options.catalog,
      this.options.auth,
    );
    const items: Array<{ key: AttestationKey; verdicts: VerdictRecord[] }> = [];
    const changes: Array<{
      attestation: AttestationRecord;
      entityRef: string | null;
      from: string;
      to: VerdictRecord;
    }> = [];
    for (const attestation of picked) {
      const verdicts = await this.judge(
        attestation,
        attestation.effectiveEntityRef,
        expectations,
      );
      items.push({ key: attestation, verdicts });
      for (const verdict of verdicts) {
        const old = before.get(`${keyOf(attestation)}\n${verdict.verifier}`);
        if (old && old.status !== verdict.status) {
          changes.push({
            attestation,
            entityRef: attestation.effectiveEntityRef,
            from: old.status,
            to: verdict,
          });
        }
      }
    }
    await store.replaceVerdicts(items, this.fingerprint);
    for (const change of changes) {
      const { attestation, to } = change;
      this.options.logger.info(
        `Provenance of ${attestation.artifactDigest} (attestation ${
          attestation.id
        }) changed from ${change.from} to ${to.status}${
          to.reason ? `: ${to.reason}` : ''
        }`,
      );
      await this.options.audit({
        actor: PROVENANCE_ACTOR,
        action: 'provenance.verdict-changed',
        subjectType: 'artifact',
        subjectId: attestation.artifactDigest,
        entityRef: change.entityRef,
        details: {
          attestationId: attestation.id,
          verifier: to.verifier,
          from: change.from,
          to: to.status,
          reason: to.reason ?? null,
        },
      });
    }
    return {
      reverified: picked.length,
      stale: picked.filter(p => p.stale).length,
      changed: changes.length,
    };
  }

  private async judge(
    attestation: AttestationRecord,
    entityRef: string | null,
    expectations: EntityExpectations,
  ): Promise<VerdictRecord[]> {
    return judgeAttestation({
      mediaType: attestation.mediaType,
      content: attestation.content,
      artifactDigest: attestation.artifactDigest,
      entityRef,
      expectations: await expectations.get(entityRef),
      policy: this.options.policy,
      verifiers: this.options.verifiers,
      now: this.now(),
    });
  }
}
