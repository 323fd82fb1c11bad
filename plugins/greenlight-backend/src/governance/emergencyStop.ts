import { ConflictError, NotFoundError } from '@backstage/errors';
import { greenlightEmergencyStopPermission } from '@greenlight/backstage-plugin-greenlight-common';
import { Request } from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';
import { z } from 'zod';
import {
  actorOf,
  AccessDeps,
  reader,
  requirePermission,
} from '../router/access';
import { parseInput } from '../router/validation';
import { EnvironmentConfig } from '../config';
import { assertConfiguredEnvironment } from './configuredEnvironment';
import { AuditEntry } from './store/GovernanceStore';
import { insertAudit } from './store/audit';

/** The scope of a stop that covers every environment. */
export const ORGANISATION = 'organisation';

export type EmergencyStop = {
  scope: string;
  reason: string;
  pulledBy: string;
  pulledAt: number;
};

/** Emergency stops in force, in the plugin's database so that every instance sees the same. */
export class EmergencyStopStore {
  constructor(private readonly knex: Knex) {}

  async list(): Promise<EmergencyStop[]> {
    const rows = await this.knex('emergency_stops').select().orderBy('scope');
    return rows.map(r => ({
      scope: r.scope,
      reason: r.reason,
      pulledBy: r.pulled_by,
      pulledAt: Number(r.pulled_at),
    }));
  }

  /** The stop in force for an environment: its own, else the organisation's. */
  async activeFor(environment: string): Promise<EmergencyStop | undefined> {
    const stops = await this.list();
    return (
      stops.find(s => s.scope === environment) ??
      stops.find(s => s.scope === ORGANISATION)
    );
  }

  /** Pulls a stop once; false when one is already in force for the scope. */
  async pull(stop: EmergencyStop, audit: AuditEntry[]): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const existing = await tx('emergency_stops')
        .where({ scope: stop.scope })
        .first();
      if (existing) return false;
      await tx('emergency_stops').insert({
        scope: stop.scope,
        reason: stop.reason,
        pulled_by: stop.pulledBy,
        pulled_at: stop.pulledAt,
      });
      await insertAudit(tx, audit, stop.pulledAt);
      return true;
    });
  }

  /** Lifts a stop; the stop that was lifted, or undefined when none was in force. */
  async lift(
    scope: string,
    audit: (stop: EmergencyStop) => AuditEntry[],
    at: number,
  ) {
    return this.knex.transaction(async tx => {
      const row = await tx('emergency_stops').where({ scope }).first();
      if (!row) return undefined;
      await tx('emergency_stops').where({ scope }).delete();
      const stop = {
        scope,
        reason: row.reason,
        pulledBy: row.pulled_by,
        pulledAt: Number(row.pulled_at),
      };
      await insertAudit(tx, audit(stop), at);
      return stop;
    });
  }
}

const scopeSchema = z.object({
  environment: z.string().trim().min(1).max(100).optional(),
});
const pullSchema = scopeSchema.extend({
  reason: z.string().trim().min(1, 'a reason is required').max(2000),
});

export const stopView = (s: EmergencyStop) => ({
  scope: s.scope === ORGANISATION ? 'organisation' : 'environment',
  environment: s.scope === ORGANISATION ? null : s.scope,
  reason: s.reason,
  pulledBy: s.pulledBy,
  pulledAt: new Date(s.pulledAt).toISOString(),
});

/**
 * `POST /v1/emergency-stop` pulls, `DELETE /v1/emergency-stop` lifts (for `environment`, or the
 * whole organisation when none is given), `GET` lists (with `greenlight.release.read`). Pulling and lifting need a signed-in user
 * with `greenlight.emergencystop.manage`, and are audited.
 */
export function emergencyStopRoutes(
  deps: AccessDeps & {
    stops: EmergencyStopStore;
    environments: EnvironmentConfig[];
    now: () => number;
  },
) {
  const router = Router();
  // A person answers for a stop: pipelines can neither pull nor lift one.
  const releaseManager = async (req: Request) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    await requirePermission(
      deps,
      credentials,
      greenlightEmergencyStopPermission,
    );
    return credentials;
  };

  // Read like the rest of Greenlight's data: a signed-in user or a service with
  // greenlight.release.read. Pipelines read it to wait out a stop.
  router.get('/v1/emergency-stop', async (req, res) => {
    await reader(deps, req);
    res.json({ stops: (await deps.stops.list()).map(stopView) });
  });

  router.post('/v1/emergency-stop', async (req, res) => {
    const credentials = await releaseManager(req);
    const body = parseInput(pullSchema, req.body, 'body');
    if (body.environment) {
      assertConfiguredEnvironment(
        deps.environments,
        body.environment,
        'body.environment',
      );
    }
    const stop: EmergencyStop = {
      scope: body.environment ?? ORGANISATION,
      reason: body.reason,
      pulledBy: actorOf(credentials),
      pulledAt: deps.now(),
    };
    const audit: AuditEntry[] = [
      {
        actor: stop.pulledBy,
        action: 'emergency-stop.pulled',
        subjectType: 'emergency-stop',
        subjectId: stop.scope,
        details: { reason: stop.reason },
      },
    ];
    if (!(await deps.stops.pull(stop, audit))) {
      throw new ConflictError(
        `An emergency stop is already in force for ${stop.scope}`,
      );
    }
    res.status(201).json(stopView(stop));
  });

  router.delete('/v1/emergency-stop', async (req, res) => {
    const credentials = await releaseManager(req);
    const query = parseInput(scopeSchema, req.query, 'query');
    const scope = query.environment ?? ORGANISATION;
    const actor = actorOf(credentials);
    const lifted = await deps.stops.lift(
      scope,
      stop => [
        {
          actor,
          action: 'emergency-stop.lifted',
          subjectType: 'emergency-stop',
          subjectId: scope,
          details: {
            reason: stop.reason,
            pulledBy: stop.pulledBy,
            pulledAt: new Date(stop.pulledAt).toISOString(),
          },
        },
      ],
      deps.now(),
    );
    if (!lifted)
      throw new NotFoundError(`No emergency stop is in force for ${scope}`);
    res.json({ lifted: stopView(lifted) });
  });

  return router;
}
