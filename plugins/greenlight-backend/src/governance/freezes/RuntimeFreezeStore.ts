import type { Freeze } from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { AuditEntry } from '../store/GovernanceStore';
import { insertAudit } from '../store/audit';
import { ORGANISATION } from '../emergencyStop';
import { isUniqueViolation } from '../../database/uniqueViolation';

/** A freeze declared through the API. */
export type RuntimeFreeze = {
  id: string;
  name: string;
  /** `organisation`, or the environment's name. */
  scope: string;
  from: number;
  until: number;
  reason: string;
  declaredBy: string;
  declaredAt: number;
  lifted: { by: string; at: number; reason: string | null } | null;
};

const TABLE = 'runtime_freezes';

/** The same freeze: its scope and its name, compared without case. */
function activeKey(scope: string, name: string) {
  return `${scope}\n${name.toLocaleLowerCase('en-US')}`;
}

function fromRow(r: any): RuntimeFreeze {
  return {
    id: r.id,
    name: r.name,
    scope: r.scope,
    from: Number(r.starts_at),
    until: Number(r.ends_at),
    reason: r.reason,
    declaredBy: r.declared_by,
    declaredAt: Number(r.declared_at),
    lifted: r.lifted_at
      ? {
          by: r.lifted_by,
          at: Number(r.lifted_at),
          reason: r.lift_reason ?? null,
        }
      : null,
  };
}

/** As the window evaluation reads freezes: an environment's own, or every environment's. */
export function asWindowFreeze(f: RuntimeFreeze): Freeze {
  return {
    name: f.name,
    from: f.from,
    until: f.until,
    reason: f.reason,
    ...(f.scope === ORGANISATION ? {} : { environments: [f.scope] }),
  };
}

/**
 * Freezes declared at runtime, in the plugin's database so that every instance (readiness, the
 * rollout watcher) sees the same. Declaring and lifting are conditional writes: of two
 * concurrent requests for the same freeze, one writes and the other is told it lost.
 */
export class RuntimeFreezeStore {
  constructor(private readonly knex: Knex) {}

  async get(id: string): Promise<RuntimeFreeze | undefined> {
    const row = await this.knex(TABLE).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  /** Freezes not lifted that have not ended: in force now, or scheduled. */
  async current(now: number): Promise<RuntimeFreeze[]> {
    const rows = await this.knex(TABLE)
      .whereNull('lifted_at')
      .where('ends_at', '>', now)
      .orderBy([
        { column: 'starts_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(fromRow);
  }

  /** The newest freezes, lifted and ended ones included. */
  async recent(limit: number): Promise<RuntimeFreeze[]> {
    const rows = await this.knex(TABLE)
      .orderBy([
        { column: 'declared_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(fromRow);
  }

  /**
   * Declares a freeze with its audit entries; false when a freeze of the same name is already
   * in force or scheduled for the scope (nothing is written then).
   */
  async declare(freeze: RuntimeFreeze, audit: AuditEntry[]): Promise<boolean> {
    const key = activeKey(freeze.scope, freeze.name);
    try {
      await this.knex.transaction(async tx => {
        // A freeze that is over frees its name for a new one.
        await tx(TABLE)
          .where({ active_key: key })
          .where('ends_at', '<=', freeze.declaredAt)
          .update({ active_key: null });
        await tx(TABLE).insert({
          id: freeze.id,
          name: freeze.name,
          scope: freeze.scope,
          starts_at: freeze.from,
          ends_at: freeze.until,
          reason: freeze.reason,
          declared_by: freeze.declaredBy,
          declared_at: freeze.declaredAt,
          active_key: key,
        });
        await insertAudit(tx, audit, freeze.declaredAt);
      });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  /**
   * Lifts a freeze once. `lifted` is the freeze as it is now; `already` says that someone else
   * lifted it first (nothing was written by this call); undefined when there is no such freeze.
   */
  async lift(
    id: string,
    lift: { by: string; at: number; reason: string | null },
    audit: (freeze: RuntimeFreeze) => AuditEntry[],
  ): Promise<{ freeze: RuntimeFreeze; already: boolean } | undefined> {
    return this.knex.transaction(async tx => {
      const row = await tx(TABLE).where({ id }).first();
      if (!row) return undefined;
      const updated = await tx(TABLE)
        .where({ id })
        .whereNull('lifted_at')
        .update({
          lifted_by: lift.by,
          lifted_at: lift.at,
          lift_reason: lift.reason,
          active_key: null,
        });
      if (updated !== 1) {
        const current = await tx(TABLE).where({ id }).first();
        return { freeze: fromRow(current), already: true };
      }
      const freeze = { ...fromRow(row), lifted: lift };
      await insertAudit(tx, audit(freeze), lift.at);
      return { freeze, already: false };
    });
  }
}
