import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { greenlightFreezeManagePermission } from '@greenlight/backstage-plugin-greenlight-common';
import { Request } from 'express';
import Router from 'express-promise-router';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  AccessDeps,
  actorOf,
  reader,
  requirePermission,
} from '../../router/access';
import { parseInput, timeParam } from '../../router/validation';
import { EnvironmentConfig } from '../../config';
import { ChangeWindowConfig } from '../changeWindows';
import { assertConfiguredEnvironment } from '../configuredEnvironment';
import { ORGANISATION } from '../emergencyStop';
import { RuntimeFreeze, RuntimeFreezeStore } from './RuntimeFreezeStore';

/** A freeze longer than this is a policy, and belongs in configuration. */
const MAX_FREEZE_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

const declareSchema = z.object({
  name: z.string().trim().min(1, 'a name is required').max(200),
  environment: z.string().trim().min(1).max(100).optional(),
  from: timeParam.optional(),
  until: timeParam,
  reason: z.string().trim().min(1, 'a reason is required').max(2000),
});

const liftSchema = z.object({
  reason: z.string().trim().max(2000).optional(),
});

const listSchema = z.object({
  history: z.enum(['true', 'false']).optional(),
});

const iso = (ms: number) => new Date(ms).toISOString();

function timeState(f: { from: number; until: number }, now: number) {
  if (f.until <= now) return 'ended';
  return f.from <= now ? 'in-force' : 'scheduled';
}

function stateOf(f: RuntimeFreeze, now: number) {
  return f.lifted ? 'lifted' : timeState(f, now);
}

export const freezeView = (f: RuntimeFreeze, now: number) => ({
  id: f.id,
  source: 'api' as const,
  name: f.name,
  scope: f.scope === ORGANISATION ? 'organisation' : 'environment',
  environment: f.scope === ORGANISATION ? null : f.scope,
  from: iso(f.from),
  until: iso(f.until),
  reason: f.reason,
  state: stateOf(f, now),
  declaredBy: f.declaredBy,
  declaredAt: iso(f.declaredAt),
  lifted: f.lifted
    ? { by: f.lifted.by, at: iso(f.lifted.at), reason: f.lifted.reason }
    : null,
});

/**
 * Runtime freezes: `GET /v1/freezes` lists them (with the configured ones), `POST /v1/freezes`
 * declares one, `POST /v1/freezes/:id/lift` lifts it. Declaring and lifting need a signed-in
 * user with `greenlight.freeze.manage` and are audited; readiness honours a declared freeze
 * exactly like a configured one.
 */
export function freezeRoutes(
  deps: AccessDeps & {
    freezes: RuntimeFreezeStore;
    windows: ChangeWindowConfig;
    environments: EnvironmentConfig[];
    now: () => number;
  },
) {
  const router = Router();
  // A person answers for a freeze: pipelines can neither declare nor lift one.
  const releaseManager = async (req: Request) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    await requirePermission(
      deps,
      credentials,
      greenlightFreezeManagePermission,
    );
    return credentials;
  };

  router.get('/v1/freezes', async (req, res) => {
    await reader(deps, req);
    const query = parseInput(listSchema, req.query, 'query');
    const now = deps.now();
    const runtime =
      query.history === 'true'
        ? await deps.freezes.recent(200)
        : await deps.freezes.current(now);
    const configured = deps.windows.freezes
      .filter(f => query.history === 'true' || f.until > now)
      .map(f => ({
        source: 'config' as const,
        name: f.name,
        environments: f.environments ?? null,
        classes: f.classes ?? null,
        from: iso(f.from),
        until: iso(f.until),
        reason: f.reason ?? null,
        state: timeState(f, now),
      }));
    res.json({
      freezes: runtime.map(f => freezeView(f, now)),
      configured,
    });
  });

  router.post('/v1/freezes', async (req, res) => {
    const credentials = await releaseManager(req);
    const body = parseInput(declareSchema, req.body, 'body');
    if (body.environment) {
      assertConfiguredEnvironment(
        deps.environments,
        body.environment,
        'body.environment',
      );
    }
    const now = deps.now();
    const from = body.from ?? now;
    if (body.until <= from)
      throw new InputError('Invalid body: until: must be after from');
    if (body.until <= now)
      throw new InputError('Invalid body: until: must be in the future');
    if (body.until - from > MAX_FREEZE_DAYS * DAY_MS) {
      throw new InputError(
        `Invalid body: until: a declared freeze lasts ${MAX_FREEZE_DAYS} days at most; configure longer ones in greenlight.governance.freezes`,
      );
    }
    const freeze: RuntimeFreeze = {
      id: randomUUID(),
      name: body.name,
      scope: body.environment ?? ORGANISATION,
      from,
      until: body.until,
      reason: body.reason,
      declaredBy: actorOf(credentials),
      declaredAt: now,
      lifted: null,
    };
    const declared = await deps.freezes.declare(freeze, [
      {
        actor: freeze.declaredBy,
        action: 'freeze.declared',
        subjectType: 'freeze',
        subjectId: freeze.id,
        details: {
          name: freeze.name,
          scope: freeze.scope,
          from: iso(freeze.from),
          until: iso(freeze.until),
          reason: freeze.reason,
        },
      },
    ]);
    if (!declared) {
      throw new ConflictError(
        `A freeze named '${freeze.name}' is already in force or scheduled for ${freeze.scope}`,
      );
    }
    res.status(201).json(freezeView(freeze, now));
  });

  router.post('/v1/freezes/:id/lift', async (req, res) => {
    const credentials = await releaseManager(req);
    const body = parseInput(liftSchema, req.body ?? {}, 'body');
    const by = actorOf(credentials);
    const now = deps.now();
    const result = await deps.freezes.lift(
      req.params.id,
      { by, at: now, reason: body.reason || null },
      freeze => [
        {
          actor: by,
          action: 'freeze.lifted',
          subjectType: 'freeze',
          subjectId: freeze.id,
          details: {
            name: freeze.name,
            scope: freeze.scope,
            reason: body.reason || null,
            declaredBy: freeze.declaredBy,
          },
        },
      ],
    );
    if (!result) throw new NotFoundError(`No freeze ${req.params.id}`);
    if (result.already) {
      throw new ConflictError(
        `Freeze ${req.params.id} was already lifted by ${result.freeze.lifted?.by}`,
      );
    }
    res.json(freezeView(result.freeze, now));
  });

  return router;
}
