import { Knex } from 'knex';
import { AuditEntry } from '../../database/LedgerStore';

/**
 * Writes audit entries inside the caller's transaction, so a governance record and its audit
 * trail are written together or not at all. Same rows as the ledger store's appendAudit.
 */
export async function insertAudit(tx: Knex | Knex.Transaction, entries: AuditEntry[], at = Date.now()) {
  if (entries.length === 0) return;
  await tx('audit_log').insert(
    entries.map(entry => ({
      at,
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      entity_ref: entry.entityRef ?? null,
      details: entry.details === undefined ? null : JSON.stringify(entry.details),
    })),
  );
}
