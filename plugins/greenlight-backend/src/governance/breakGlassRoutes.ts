import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  BreakGlassEntityResponse,
  BreakGlassGroupResponse,
  BreakGlassView,
  canonicalRefOf,
  safeString,
  greenlightBreakGlassReconcilePermission,
  greenlightBreakGlassRecordPermission,
} from '@greenlight/backstage-plugin-greenlight-common';
import Router from 'express-promise-router';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  actorOf,
  assertCanReadEntity,
  authorizeEntityWrite,
  normaliseEntityRef,
  reader,
} from '../router/access';
import { parseInput } from '../router/validation';
import { componentsOwnedBy, groupWithDescendants, ownerOf } from './catalogScope';
import { GovernanceRouteDeps, normaliseGroupRef } from './routeDeps';
import { BreakGlassRecord } from './store/GovernanceStore';

const CLOCK_SKEW_MS = 5 * 60 * 1000;
const isoTime = z.iso.datetime({ offset: true }).transform(v => Date.parse(v));
const httpUrl = z
  .url()
  .refine(v => /^https?:\/\//i.test(v), 'must be an http(s) URL');

const recordSchema = z.object({
  entityRef: z.string().min(1),
  environment: safeString().trim().min(1).max(100).optional(),
  what: z.string().trim().min(1).max(4000),
  why: z.string().trim().min(1).max(4000),
  performedBy: safeString().trim().min(1).max(255).optional(),
  performedAt: isoTime.optional(),
  reconcileBy: isoTime.optional(),
});

const reconcileSchema = z.object({
  link: httpUrl,
  note: z.string().trim().min(1).max(4000).optional(),
});

const listQuery = z
  .object({ entityRef: z.string().min(1).optional(), groupRef: z.string().min(1).optional() })
  .refine(q => Boolean(q.entityRef) !== Boolean(q.groupRef), {
    message: 'give exactly one of entityRef and groupRef',
    path: ['entityRef'],
  });

const iso = (ms: number) => new Date(ms).toISOString();

function statusOf(e: BreakGlassRecord, now: number): BreakGlassView['status'] {
  if (e.reconciliation) return 'reconciled';
  return now > e.reconcileBy ? 'overdue' : 'open';
}

export function breakGlassView(e: BreakGlassRecord, now: number): BreakGlassView {
  return {
    id: e.id,
    entityRef: e.entityRef,
    environment: e.environment,
    performedBy: e.performedBy,
    recordedBy: e.recordedBy,
    what: e.what,
    why: e.why,
    performedAt: iso(e.performedAt),
    recordedAt: iso(e.recordedAt),
    reconcileBy: iso(e.reconcileBy),
    status: statusOf(e, now),
    reconciledLate: Boolean(e.reconciliation && e.reconciliation.at > e.reconcileBy),
    reconciliation: e.reconciliation
      ? { at: iso(e.reconciliation.at), by: e.reconciliation.by, link: e.reconciliation.link, note: e.reconciliation.note }
      : null,
  };
}

export function breakGlassRoutes(deps: GovernanceRouteDeps) {
  const router = Router();

  router.post('/v1/break-glass', async (req, res) => {
    const credentials = await reader(deps, req);
    const body = parseInput(recordSchema, req.body, 'body');
    const entity = await assertCanReadEntity(deps, credentials, normaliseEntityRef(body.entityRef));
    await authorizeEntityWrite(
      deps,
      credentials,
      greenlightBreakGlassRecordPermission,
      stringifyEntityRef(entity),
    );
    const actor = actorOf(credentials);
    const now = deps.now();
    const performedAt = body.performedAt ?? now;
    if (performedAt > now + CLOCK_SKEW_MS) throw new InputError('performedAt: must not be in the future');
    const reconcileBy = body.reconcileBy ?? performedAt + deps.config.breakGlassReconcileWithinHours * 3600_000;
    if (reconcileBy <= performedAt) throw new InputError('reconcileBy: must be after performedAt');
    // The organisation's deadline is the longest a record may stay open (it opens closed
    // windows until then): a team may promise sooner, never later.
    const latest = performedAt + deps.config.breakGlassReconcileWithinHours * 3600_000;
    if (reconcileBy > latest) {
      throw new InputError(
        `reconcileBy: at most ${deps.config.breakGlassReconcileWithinHours} hours after performedAt (greenlight.breakGlass.reconcileWithinHours)`,
      );
    }
    // A pipeline records on someone's behalf and must say whose; a person is who they are.
    if (credentials.principal.type === 'service' && !body.performedBy) {
      throw new InputError('performedBy: required when a service records a break-glass change');
    }
    const entry: BreakGlassRecord = {
      id: randomUUID(),
      entityRef: canonicalRefOf(entity),
      environment: body.environment ?? null,
      performedBy: body.performedBy ?? actor,
      recordedBy: actor,
      what: body.what,
      why: body.why,
      performedAt,
      recordedAt: now,
      reconcileBy,
      reconciliation: null,
    };
    await deps.breakGlass.record(entry, [
      {
        actor,
        action: 'break-glass.recorded',
        subjectType: 'break-glass',
        subjectId: entry.id,
        entityRef: entry.entityRef,
        details: {
          performedBy: entry.performedBy,
          environment: entry.environment,
          what: entry.what,
          why: entry.why,
          performedAt: iso(performedAt),
          reconcileBy: iso(reconcileBy),
        },
      },
    ]);
    res.status(201).json(breakGlassView(entry, now));
  });

  router.post('/v1/break-glass/:id/reconcile', async (req, res) => {
    const credentials = await reader(deps, req);
    const body = parseInput(reconcileSchema, req.body, 'body');
    const entry = await deps.breakGlass.get(req.params.id);
    if (!entry) throw new NotFoundError(`No break-glass change ${req.params.id}`);
    await assertCanReadEntity(deps, credentials, entry.entityRef);
    await authorizeEntityWrite(deps, credentials, greenlightBreakGlassReconcilePermission, entry.entityRef);
    const actor = actorOf(credentials);
    // Reconciling is the review of a break-glass change: nobody reviews their own.
    const same = (a: string) => a.toLocaleLowerCase('en-US') === actor.toLocaleLowerCase('en-US');
    if (same(entry.performedBy) || same(entry.recordedBy)) {
      throw new NotAllowedError(`${actor} performed or recorded this change and may not reconcile it`);
    }
    const now = deps.now();
    const reconciliation = { at: now, by: actor, link: body.link, note: body.note ?? null };
    const done = await deps.breakGlass.reconcile(entry.id, reconciliation, [
      {
        actor,
        action: 'break-glass.reconciled',
        subjectType: 'break-glass',
        subjectId: entry.id,
        entityRef: entry.entityRef,
        details: { link: body.link, note: body.note ?? null, late: now > entry.reconcileBy },
      },
    ]);
    if (!done) throw new ConflictError(`Break-glass change ${entry.id} is already reconciled`);
    res.json(breakGlassView({ ...entry, reconciliation }, now));
  });

  router.get('/v1/break-glass', async (req, res) => {
    const credentials = await reader(deps, req);
    const q = parseInput(listQuery, req.query, 'query');
    const now = deps.now();

    if (q.entityRef) {
      const entity = await assertCanReadEntity(deps, credentials, normaliseEntityRef(q.entityRef));
      const entityRef = canonicalRefOf(entity);
      const items = (await deps.breakGlass.listForEntities([entityRef], 200)).map(e => breakGlassView(e, now));
      const body: BreakGlassEntityResponse = {
        entityRef,
        open: items.filter(i => i.status !== 'reconciled').length,
        overdue: items.filter(i => i.status === 'overdue').length,
        items,
      };
      res.json(body);
      return;
    }

    const groupRef = normaliseGroupRef(q.groupRef!);
    const groups = await groupWithDescendants(deps.catalog, groupRef, credentials);
    const entities = await componentsOwnedBy(deps.catalog, groups, credentials);
    const ownerByRef = new Map(entities.map(e => [canonicalRefOf(e), ownerOf(e)]));
    const items = (await deps.breakGlass.listForEntities([...ownerByRef.keys()], 5000)).map(e =>
      breakGlassView(e, now),
    );

    const teams = new Map(
      groups.map(g => [g, { groupRef: g, open: 0, overdue: 0, reconciled: 0, reconciledLate: 0 }]),
    );
    const perEntity = new Map(
      [...ownerByRef].map(([entityRef, owner]) => [entityRef, { entityRef, owner, open: 0, overdue: 0 }]),
    );
    for (const item of items) {
      const owner = ownerByRef.get(item.entityRef);
      const team = teams.get(owner && teams.has(owner) ? owner : groups[0])!;
      const row = perEntity.get(item.entityRef)!;
      if (item.status === 'reconciled') {
        team.reconciled++;
        if (item.reconciledLate) team.reconciledLate++;
      } else {
        team.open++;
        row.open++;
        if (item.status === 'overdue') {
          team.overdue++;
          row.overdue++;
        }
      }
    }
    const body: BreakGlassGroupResponse = {
      groupRef,
      groups,
      teams: [...teams.values()],
      entities: [...perEntity.values()].sort((a, b) => b.overdue - a.overdue || a.entityRef.localeCompare(b.entityRef)),
      overdue: items.filter(i => i.status === 'overdue'),
    };
    res.json(body);
  });

  return router;
}
