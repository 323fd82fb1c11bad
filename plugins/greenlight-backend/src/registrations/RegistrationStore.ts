import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { RegistrationBody } from './schema';
import { canonicalJson } from '../provenance/canonical-json';
import { isUniqueViolation } from '../database/uniqueViolation';

/** A registered service, as `GET /v1/services/...` returns it. */
export type ServiceRegistration = RegistrationBody & {
  entityRef: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
};

export type PutResult = {
  registration: ServiceRegistration;
  created: boolean;
  changed: boolean;
};

const TABLE = 'service_registrations';

/** The same environments in another order are the same promotion path. */
function canonicalBody(body: RegistrationBody): RegistrationBody {
  return {
    ...body,
    environments: [...body.environments].sort((a, b) => a.order - b.order),
  };
}

function fromRow(row: any): ServiceRegistration {
  return {
    entityRef: row.entity_ref,
    owner: row.owner,
    environments: JSON.parse(row.environments),
    gates: JSON.parse(row.gates),
    provenance: JSON.parse(row.provenance),
    ...(row.rollout ? { rollout: JSON.parse(row.rollout) } : {}),
    createdAt: new Date(Number(row.created_at)).toISOString(),
    createdBy: row.created_by,
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
    updatedBy: row.updated_by,
  };
}

/**
 * Service registrations: what a new service declared about its environments, gates and
 * expected provenance. Keyed by lower-cased entity ref.
 */
export class RegistrationStore {
  constructor(private readonly knex: Knex) {}

  async get(entityRef: string): Promise<ServiceRegistration | undefined> {
    const row = await this.knex(TABLE).where({ entity_ref: entityRef.toLowerCase() }).first();
    return row ? fromRow(row) : undefined;
  }

  /**
   * Creates or replaces the registration; an identical one writes nothing. `mayChange` runs
   * inside the transaction with the stored registration and throws to refuse the change.
   */
  async put(options: {
    entityRef: string;
    body: RegistrationBody;
    actor: string;
    mayChange?: (existing: ServiceRegistration) => void;
  }): Promise<PutResult> {
    try {
      return await this.putOnce(options);
    } catch (error) {
      // Two first registrations raced; the loser now finds the winner's row and compares.
      if (isUniqueViolation(error)) return await this.putOnce(options);
      throw error;
    }
  }

  private async putOnce(options: {
    entityRef: string;
    body: RegistrationBody;
    actor: string;
    mayChange?: (existing: ServiceRegistration) => void;
  }): Promise<PutResult> {
    const entityRef = options.entityRef.toLowerCase();
    const body = canonicalBody(options.body);
    const hash = createHash('sha256').update(canonicalJson(body)).digest('hex');
    const now = Date.now();
    const columns = {
      owner: body.owner,
      environments: JSON.stringify(body.environments),
      gates: JSON.stringify(body.gates),
      provenance: JSON.stringify(body.provenance),
      rollout: body.rollout ? JSON.stringify(body.rollout) : null,
      content_hash: hash,
      updated_at: now,
      updated_by: options.actor,
    };

    return this.knex.transaction(async tx => {
      let query = tx(TABLE).where({ entity_ref: entityRef });
      if (tx.client.config.client === 'pg') query = query.forUpdate();
      const row = await query.first();

      if (!row) {
        await tx(TABLE).insert({
          entity_ref: entityRef,
          ...columns,
          created_at: now,
          created_by: options.actor,
        });
        await this.audit(tx, options.actor, 'registration.created', entityRef, {
          owner: body.owner,
          environments: body.environments.map(e => e.name),
        });
        const created = await tx(TABLE).where({ entity_ref: entityRef }).first();
        return { registration: fromRow(created), created: true, changed: true };
      }

      const existing = fromRow(row);
      if (row.content_hash === hash) {
        return { registration: existing, created: false, changed: false };
      }
      options.mayChange?.(existing);
      await tx(TABLE).where({ entity_ref: entityRef }).update(columns);
      await this.audit(tx, options.actor, 'registration.updated', entityRef, {
        owner: body.owner,
        environments: body.environments.map(e => e.name),
        previousOwner: existing.owner,
        previousEnvironments: existing.environments.map(e => e.name),
      });
      const updated = await tx(TABLE).where({ entity_ref: entityRef }).first();
      return { registration: fromRow(updated), created: false, changed: true };
    });
  }

  private async audit(
    tx: Knex.Transaction,
    actor: string,
    action: string,
    entityRef: string,
    details: unknown,
  ) {
    await tx('audit_log').insert({
      at: Date.now(),
      actor,
      action,
      subject_type: 'service',
      subject_id: entityRef,
      entity_ref: entityRef,
      details: JSON.stringify(details),
    });
  }
}
