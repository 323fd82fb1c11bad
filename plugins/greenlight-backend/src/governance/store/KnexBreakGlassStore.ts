import { Knex } from 'knex';
import { insertAudit } from './audit';
import { AuditEntry, BreakGlassRecord, BreakGlassStore } from './GovernanceStore';

const CHUNK = 400;

function toRow(e: BreakGlassRecord) {
  return {
    id: e.id,
    entity_ref: e.entityRef,
    environment: e.environment,
    performed_by: e.performedBy,
    recorded_by: e.recordedBy,
    what: e.what,
    why: e.why,
    performed_at: e.performedAt,
    recorded_at: e.recordedAt,
    reconcile_by: e.reconcileBy,
    reconciled_at: e.reconciliation?.at ?? null,
    reconciled_by: e.reconciliation?.by ?? null,
    reconcile_link: e.reconciliation?.link ?? null,
    reconcile_note: e.reconciliation?.note ?? null,
  };
}

function fromRow(r: any): BreakGlassRecord {
  return {
    id: r.id,
    entityRef: r.entity_ref,
    environment: r.environment,
    performedBy: r.performed_by,
    recordedBy: r.recorded_by,
    what: r.what,
    why: r.why,
    performedAt: Number(r.performed_at),
    recordedAt: Number(r.recorded_at),
    reconcileBy: Number(r.reconcile_by),
    reconciliation:
      r.reconciled_at === null || r.reconciled_at === undefined
        ? null
        : {
            at: Number(r.reconciled_at),
            by: r.reconciled_by,
            link: r.reconcile_link,
            note: r.reconcile_note,
          },
  };
}

export class KnexBreakGlassStore implements BreakGlassStore {
  constructor(private readonly knex: Knex) {}

  async record(entry: BreakGlassRecord, audit: AuditEntry[]) {
    await this.knex.transaction(async tx => {
      await tx('break_glass').insert(toRow(entry));
      await insertAudit(tx, audit, entry.recordedAt);
    });
  }

  async get(id: string) {
    const row = await this.knex('break_glass').where('id', id).first();
    return row ? fromRow(row) : undefined;
  }

  async reconcile(
    id: string,
    reconciliation: NonNullable<BreakGlassRecord['reconciliation']>,
    audit: AuditEntry[],
  ) {
    return this.knex.transaction(async tx => {
      const updated = await tx('break_glass').where('id', id).whereNull('reconciled_at').update({
        reconciled_at: reconciliation.at,
        reconciled_by: reconciliation.by,
        reconcile_link: reconciliation.link,
        reconcile_note: reconciliation.note,
      });
      if (updated === 0) return false;
      await insertAudit(tx, audit, reconciliation.at);
      return true;
    });
  }

  async listForEntities(entityRefs: string[], limit: number) {
    const rows = [];
    for (let i = 0; i < entityRefs.length; i += CHUNK) {
      rows.push(
        ...(await this.knex('break_glass')
          .whereIn('entity_ref', entityRefs.slice(i, i + CHUNK))
          .orderBy([
            { column: 'performed_at', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .limit(limit)),
      );
    }
    return rows
      .map(fromRow)
      .sort((a, b) => b.performedAt - a.performedAt || (a.id < b.id ? 1 : -1))
      .slice(0, limit);
  }

  async flagOverdue(now: number) {
    return this.knex.transaction(async tx => {
      const rows = await tx('break_glass')
        .whereNull('reconciled_at')
        .whereNull('overdue_flagged_at')
        .where('reconcile_by', '<', now)
        .orderBy('reconcile_by')
        .limit(500);
      if (rows.length === 0) return [];
      const ids = rows.map(r => r.id);
      await tx('break_glass').whereIn('id', ids).update({ overdue_flagged_at: now });
      const entries = rows.map(fromRow);
      await insertAudit(
        tx,
        entries.map(e => ({
          actor: 'greenlight',
          action: 'break-glass.overdue',
          subjectType: 'break-glass',
          subjectId: e.id,
          entityRef: e.entityRef,
          details: { reconcileBy: new Date(e.reconcileBy).toISOString(), performedBy: e.performedBy },
        })),
        now,
      );
      return entries;
    });
  }
}
