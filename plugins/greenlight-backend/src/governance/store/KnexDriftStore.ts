import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { insertAudit } from './audit';
import { DriftApplyResult, DriftItem, DriftReport, DriftStore } from './GovernanceStore';

const CHUNK = 400;
const keyOf = (entityRef: string | null, address: string) => `${entityRef ?? ''}\u0000${address}`;

function fromRow(r: any): DriftItem {
  return {
    id: String(r.id),
    source: r.source,
    entityRef: r.entity_ref,
    address: r.address,
    kind: r.kind,
    status: r.status,
    details: r.details ? JSON.parse(r.details) : null,
    openedAt: Number(r.opened_at),
    lastSeenAt: Number(r.last_seen_at),
    closedAt: r.closed_at === null || r.closed_at === undefined ? null : Number(r.closed_at),
  };
}

export class KnexDriftStore implements DriftStore {
  constructor(private readonly knex: Knex) {}

  /**
   * A report is the full picture of its scope (one entity, or the whole source): resources it
   * shows drifted are opened or kept open, and every other open item of that scope is closed.
   * Which report is latest is decided per entity, so a delayed upload cannot reopen or close what
   * a newer one decided, and a report about one entity never holds back another's drift:
   * - an entity's report is stale (kept, changes nothing) when a report of that entity or of the
   *   whole source observed later was already applied;
   * - a whole-source report is stale only when a whole-source report observed later was already
   *   applied; otherwise it leaves alone the entities that have their own report observed later.
   */
  async applyReport(report: DriftReport): Promise<DriftApplyResult> {
    return this.knex.transaction(async tx => {
      const id = randomUUID();
      const whole = report.scope === '*';
      const newer = () =>
        tx('drift_reports')
          .where({ source: report.source, stale: false })
          .where('observed_at', '>', report.observedAt);
      const stale = Boolean(await newer().whereIn('scope', whole ? ['*'] : ['*', report.scope]).first('id'));
      // entities reported on their own after this whole-source report was observed keep that decision
      const heldBack = new Set<string>(
        whole && !stale ? (await newer().whereNot('scope', '*').distinct('scope')).map(r => r.scope) : [],
      );
      const decides = (entityRef: string | null) => entityRef === null || !heldBack.has(entityRef);

      const drifted = new Map<string, DriftReport['resources'][number]>();
      for (const r of report.resources) if (r.drifted) drifted.set(keyOf(r.entityRef, r.address), r);
      const unattributed = [...drifted.values()].filter(r => !r.entityRef).length;

      await tx('drift_reports').insert({
        id,
        source: report.source,
        scope: report.scope,
        format: report.format,
        observed_at: report.observedAt,
        received_at: Date.now(),
        actor: report.actor,
        resource_count: report.resources.length,
        drifted_count: drifted.size,
        stale,
      });
      const result = { reportId: id, stale, drifted: drifted.size, opened: 0, closed: 0, unattributed };
      if (stale) return result;

      const openQuery = tx('drift_items').where({ source: report.source, status: 'open' });
      if (report.scope !== '*') openQuery.where('entity_ref', report.scope);
      const open = (await openQuery.select('id', 'entity_ref', 'address')).filter(r => decides(r.entity_ref));
      const openByKey = new Map(open.map(r => [keyOf(r.entity_ref, r.address), r.id]));

      const toClose = open.filter(r => !drifted.has(keyOf(r.entity_ref, r.address))).map(r => r.id);
      for (let i = 0; i < toClose.length; i += CHUNK) {
        await tx('drift_items')
          .whereIn('id', toClose.slice(i, i + CHUNK))
          .update({ status: 'closed', closed_at: report.observedAt, closed_report_id: id });
      }
      result.closed = toClose.length;

      const fresh = [];
      for (const [key, r] of drifted) {
        if (!decides(r.entityRef)) continue;
        const existing = openByKey.get(key);
        const details = JSON.stringify(r.details ?? null);
        if (existing !== undefined) {
          await tx('drift_items')
            .where('id', existing)
            .update({ last_seen_at: report.observedAt, kind: r.kind, details });
        } else {
          fresh.push({
            source: report.source,
            entity_ref: r.entityRef,
            address: r.address,
            kind: r.kind,
            status: 'open',
            details,
            opened_at: report.observedAt,
            last_seen_at: report.observedAt,
            opened_report_id: id,
          });
        }
      }
      for (let i = 0; i < fresh.length; i += 100) await tx('drift_items').insert(fresh.slice(i, i + 100));
      result.opened = fresh.length;

      await insertAudit(tx, [
        {
          actor: report.actor,
          action: 'drift.report',
          subjectType: 'drift-report',
          subjectId: id,
          entityRef: report.scope === '*' ? null : report.scope,
          details: { source: report.source, drifted: drifted.size, opened: result.opened, closed: result.closed },
        },
      ]);
      return result;
    });
  }

  async listForEntity(entityRef: string, closedLimit: number) {
    const open = await this.knex('drift_items')
      .where({ entity_ref: entityRef, status: 'open' })
      .orderBy([
        { column: 'opened_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    const closed = await this.knex('drift_items')
      .where({ entity_ref: entityRef, status: 'closed' })
      .orderBy([
        { column: 'closed_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(closedLimit);
    return { open: open.map(fromRow), closed: closed.map(fromRow) };
  }
}
