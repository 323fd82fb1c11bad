import { Knex } from 'knex';
import { chunks } from '../../database/projectionWriter';
import { AuditEntry } from '../../database/LedgerStore';
import { insertAudit } from '../../governance/store/audit';
import {
  ArtifactEventRow,
  AttestationKey,
  AttestationRecord,
  AttestationStore,
  AttestationToVerify,
  EventCursor,
  keyOf,
  StoredVerdict,
  VerdictRecord,
} from './AttestationStore';
import {
  attestationRecord,
  attestationRow,
  storedVerdict,
  verdictRow,
} from './rows';

/** Keeps attestations and verdicts in the plugin's database (SQLite or PostgreSQL). */
export class KnexAttestationStore implements AttestationStore {
  constructor(private readonly knex: Knex) {}

  async existing(keys: AttestationKey[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks(keys, 200)) {
      const rows = await this.knex('attestations')
        .select('id', 'artifact_digest')
        .whereIn(
          'id',
          part.map(k => k.id),
        )
        .whereIn(
          'artifact_digest',
          part.map(k => k.artifactDigest),
        );
      for (const r of rows)
        found.add(keyOf({ id: r.id, artifactDigest: r.artifact_digest }));
    }
    return found;
  }

  async insert(
    items: Array<{ attestation: AttestationRecord; verdicts: VerdictRecord[] }>,
    policyFingerprint: string,
    audit: AuditEntry[] = [],
  ): Promise<void> {
    if (items.length === 0) return;
    await this.knex.transaction(async tx => {
      for (const part of chunks(items, 50)) {
        await tx('attestations')
          .insert(part.map(i => attestationRow(i.attestation)))
          .onConflict(['id', 'artifact_digest'])
          .ignore();
        const verdicts = part.flatMap(i =>
          i.verdicts.map(v => verdictRow(i.attestation, v, policyFingerprint)),
        );
        if (verdicts.length > 0) {
          await tx('attestation_verdicts')
            .insert(verdicts)
            .onConflict(['attestation_id', 'artifact_digest', 'verifier'])
            .merge();
        }
      }
      await insertAudit(tx, audit);
    });
  }

  async replaceVerdicts(
    items: Array<{ key: AttestationKey; verdicts: VerdictRecord[] }>,
    policyFingerprint: string,
  ): Promise<void> {
    if (items.length === 0) return;
    await this.knex.transaction(async tx => {
      for (const item of items) {
        await tx('attestation_verdicts')
          .where({
            attestation_id: item.key.id,
            artifact_digest: item.key.artifactDigest,
          })
          .delete();
      }
      const rows = items.flatMap(i =>
        i.verdicts.map(v => verdictRow(i.key, v, policyFingerprint)),
      );
      for (const part of chunks(rows, 50)) {
        await tx('attestation_verdicts').insert(part);
      }
    });
  }

  async verdictsFor(digests: string[]): Promise<StoredVerdict[]> {
    const out: StoredVerdict[] = [];
    for (const part of chunks([...new Set(digests)], 500)) {
      const rows = await this.knex('attestation_verdicts')
        .whereIn('artifact_digest', part)
        .orderBy(['artifact_digest', 'attestation_id', 'verifier']);
      out.push(...rows.map(storedVerdict));
    }
    return out;
  }

  async attestationsFor(digest: string): Promise<AttestationRecord[]> {
    const rows = await this.knex('attestations')
      .where('artifact_digest', digest)
      .orderBy([{ column: 'received_at' }, { column: 'id' }]);
    return rows.map(attestationRecord);
  }

  async pickForReverification(
    policyFingerprint: string,
    limit: number,
  ): Promise<AttestationToVerify[]> {
    // Per attestation: its oldest verdict, and whether any verdict predates the policy.
    const picked = await this.knex('attestation_verdicts')
      .select('attestation_id', 'artifact_digest')
      .min('verified_at as oldest')
      .select(
        this.knex.raw(
          'max(case when policy_fingerprint = ? then 0 else 1 end) as stale',
          [policyFingerprint],
        ),
      )
      .groupBy('attestation_id', 'artifact_digest')
      .orderByRaw(
        'max(case when policy_fingerprint = ? then 0 else 1 end) desc, min(verified_at) asc, attestation_id asc',
        [policyFingerprint],
      )
      .limit(limit);
    const stale = new Set(
      picked
        .filter(r => Number(r.stale) === 1)
        .map(r =>
          keyOf({ id: r.attestation_id, artifactDigest: r.artifact_digest }),
        ),
    );
    const loaded = await this.loadToVerify(
      picked.map(r => ({
        id: r.attestation_id,
        artifactDigest: r.artifact_digest,
      })),
    );
    return loaded.map(a => ({ ...a, stale: stale.has(keyOf(a)) }));
  }

  async artifactEntities(digests: string[]): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    for (const part of chunks([...new Set(digests)], 500)) {
      const rows = await this.knex('artifacts')
        .select('digest', 'entity_ref')
        .whereIn('digest', part)
        .whereNotNull('entity_ref');
      for (const r of rows) map.set(r.digest, r.entity_ref);
    }
    return map;
  }

  async readCursor(name: string): Promise<EventCursor | undefined> {
    const row = await this.knex('provenance_cursors')
      .where('name', name)
      .first();
    return row
      ? { receivedAt: Number(row.received_at), eventId: row.event_id }
      : undefined;
  }

  async writeCursor(name: string, cursor: EventCursor): Promise<void> {
    await this.knex('provenance_cursors')
      .insert({
        name,
        received_at: cursor.receivedAt,
        event_id: cursor.eventId,
      })
      .onConflict('name')
      .merge();
  }

  async artifactEventsAfter(
    cursor: EventCursor | undefined,
    limit: number,
  ): Promise<ArtifactEventRow[]> {
    const q = this.knex('events')
      .select('id', 'received_at', 'actor', 'entity_ref', 'payload')
      .where('type', 'artifact')
      .orderBy([{ column: 'received_at' }, { column: 'id' }])
      .limit(limit);
    if (cursor) {
      q.where(w =>
        w
          .where('received_at', '>', cursor.receivedAt)
          .orWhere(w2 =>
            w2
              .where('received_at', cursor.receivedAt)
              .where('id', '>', cursor.eventId),
          ),
      );
    }
    const rows = await q;
    return rows.map(r => ({
      id: r.id,
      receivedAt: Number(r.received_at),
      actor: r.actor,
      entityRef: r.entity_ref ?? null,
      payload: r.payload,
    }));
  }

  private async loadToVerify(
    keys: AttestationKey[],
  ): Promise<Array<Omit<AttestationToVerify, 'stale'>>> {
    if (keys.length === 0) return [];
    const wanted = new Set(keys.map(keyOf));
    const out: Array<Omit<AttestationToVerify, 'stale'>> = [];
    for (const part of chunks(keys, 200)) {
      const rows = await this.knex('attestations as t')
        .leftJoin('artifacts as a', 'a.digest', 't.artifact_digest')
        .select('t.*', 'a.entity_ref as artifact_entity_ref')
        .whereIn(
          't.id',
          part.map(k => k.id),
        )
        .whereIn(
          't.artifact_digest',
          part.map(k => k.artifactDigest),
        );
      for (const r of rows) {
        const record = attestationRecord(r);
        if (!wanted.has(keyOf(record))) continue;
        out.push({
          ...record,
          effectiveEntityRef: r.artifact_entity_ref ?? record.entityRef,
        });
      }
    }
    const order = new Map(keys.map((k, i) => [keyOf(k), i]));
    return out.sort((a, b) => order.get(keyOf(a))! - order.get(keyOf(b))!);
  }
}
