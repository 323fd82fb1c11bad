import { InputError } from '@backstage/errors';
import {
  DoraReviewSignOff,
  DoraReviewSignOffsResponse,
  greenlightDoraReviewSignOffPermission,
  greenlightReadPermission,
} from '@greenlight/backstage-plugin-greenlight-common';
import express from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  AccessDeps,
  actorOf,
  assertCanReadEntity,
  authorizeEntityWrite,
  reader,
  requirePermission,
} from '../router/access';
import { parseInput, timeParam } from '../router/validation';
import { insertAudit } from '../governance/store/audit';
import { normaliseScopeRef } from './scopes';

/** The audit action the governance checklist counts as a team's DORA review. */
export const DORA_REVIEW_SIGNED = 'dora.review.signed';

const signOffSchema = z
  .object({
    groupRef: z.string().min(1),
    notes: z
      .string()
      .trim()
      .min(1, 'notes are required: say what the team concluded')
      .max(4000),
    window: z.object({ from: timeParam, to: timeParam }),
  })
  .refine(b => b.window.to > b.window.from, {
    path: ['window', 'to'],
    message: 'must be after from',
  });

const listQuery = z.object({
  groupRef: z.string().min(1),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

const iso = (ms: number) => new Date(ms).toISOString();

type SignOffRow = {
  id: string;
  group_ref: string;
  signed_by: string;
  signed_at: number | string;
  notes: string;
  window_from: number | string;
  window_to: number | string;
};

function view(row: SignOffRow): DoraReviewSignOff {
  return {
    id: row.id,
    groupRef: row.group_ref,
    signedBy: row.signed_by,
    signedAt: iso(Number(row.signed_at)),
    notes: row.notes,
    window: {
      from: iso(Number(row.window_from)),
      to: iso(Number(row.window_to)),
    },
  };
}

/** Sign-offs and their audit entries, written together or not at all. */
export class DoraSignOffStore {
  constructor(private readonly knex: Knex) {}

  async signOff(
    row: SignOffRow,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx('dora_signoffs').insert(row);
      await insertAudit(
        tx,
        [
          {
            actor: row.signed_by,
            action: DORA_REVIEW_SIGNED,
            subjectType: 'group',
            subjectId: row.group_ref,
            details,
          },
        ],
        Number(row.signed_at),
      );
    });
  }

  async list(groupRef: string, limit: number): Promise<DoraReviewSignOff[]> {
    const rows = await this.knex('dora_signoffs')
      .where('group_ref', groupRef)
      .orderBy([
        { column: 'signed_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(view);
  }
}

/**
 * `POST /v1/dora/reviews` signs off a team's DORA review; `GET /v1/dora/reviews?groupRef=` lists
 * the sign-offs. Opening the review is not a sign-off: a person says so, with notes.
 */
export function signOffRoutes(
  deps: AccessDeps & { knex: Knex; now?: () => number },
): express.Router {
  const router = Router();
  const store = new DoraSignOffStore(deps.knex);
  const now = deps.now ?? Date.now;

  router.post('/v1/dora/reviews', async (req, res) => {
    // A team answers for its review through a person; a pipeline cannot review for it.
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    await requirePermission(deps, credentials, greenlightReadPermission);
    const body = parseInput(signOffSchema, req.body, 'body');
    const groupRef = normaliseScopeRef(
      body.groupRef,
      'groupRef',
      'group',
    ).toLocaleLowerCase('en-US');
    await assertCanReadEntity(deps, credentials, groupRef);
    await authorizeEntityWrite(
      deps,
      credentials,
      greenlightDoraReviewSignOffPermission,
      groupRef,
    );
    const signedAt = now();
    if (body.window.from > signedAt)
      throw new InputError('window.from: must not be in the future');
    const row: SignOffRow = {
      id: randomUUID(),
      group_ref: groupRef,
      signed_by: actorOf(credentials),
      signed_at: signedAt,
      notes: body.notes,
      window_from: body.window.from,
      window_to: body.window.to,
    };
    await store.signOff(row, {
      notes: body.notes,
      window: { from: iso(body.window.from), to: iso(body.window.to) },
    });
    res.status(201).json(view(row));
  });

  router.get('/v1/dora/reviews', async (req, res) => {
    const credentials = await reader(deps, req);
    const q = parseInput(listQuery, req.query, 'query');
    const groupRef = normaliseScopeRef(
      q.groupRef,
      'groupRef',
      'group',
    ).toLocaleLowerCase('en-US');
    await assertCanReadEntity(deps, credentials, groupRef);
    const body: DoraReviewSignOffsResponse = {
      groupRef,
      items: await store.list(groupRef, q.limit),
    };
    res.json(body);
  });

  return router;
}
