import {
  greenlightIncidentAttributePermission,
  incidentAttributionRequestSchema,
  UnattributedIncidentsResponse,
} from '@greenlight/backstage-plugin-greenlight-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import { RollupRefresher } from '../dora/RollupRefresher';
import {
  AccessDeps,
  actorOf,
  assertCanReadEntity,
  authorizeEntityWrites,
  normaliseEntityRef,
  reader,
} from '../router/access';
import { parseInput } from '../router/validation';
import {
  AttributionChange,
  IncidentAttributions,
} from './IncidentAttributions';

const undoBodySchema = z
  .strictObject({ note: z.string().max(1000).optional() })
  .optional();

/**
 * Attribution people can finish: `GET /v1/incidents/unattributed?entityRef=` lists an
 * entity's incidents that no evidence ties to a deployment, with ranked candidates;
 * `POST /v1/incidents/:id/attribution` records a decision and `DELETE` undoes it. DORA's
 * rollups of the entity are rebuilt before the answer, so its figures change at once.
 */
export function incidentRoutes(
  deps: AccessDeps & {
    attributions: IncidentAttributions;
    refresher: RollupRefresher;
    windowMs: number;
  },
) {
  const router = Router();

  /**
   * A decision touches every entity of the incident, so it needs the permission on each. A
   * refusal names none of them: the caller may not be able to see whose incident it is.
   */
  async function authorize(
    req: Parameters<typeof reader>[1],
    incidentId: string,
  ) {
    const credentials = await reader(deps, req);
    const entityRefs = await deps.attributions.entitiesOf(incidentId);
    await authorizeEntityWrites(
      deps,
      credentials,
      greenlightIncidentAttributePermission,
      entityRefs.length > 0
        ? entityRefs.map(entityRef => ({
            label: `incident ${incidentId}`,
            entityRef,
            unnamed: true,
          }))
        : [{ label: `incident ${incidentId}`, entityRef: null, unnamed: true }],
    );
    return credentials;
  }

  async function applied(change: AttributionChange) {
    await deps.refresher.onIncidentsChanged(
      [change.current],
      [change.previous],
    );
  }

  router.get('/v1/incidents/unattributed', async (req, res) => {
    const credentials = await reader(deps, req);
    const q = parseInput(
      z.object({ entityRef: z.string().min(1) }),
      req.query,
      'query',
    );
    const entityRef = normaliseEntityRef(q.entityRef);
    await assertCanReadEntity(deps, credentials, entityRef);
    const body: UnattributedIncidentsResponse = {
      entityRef,
      windowHours: deps.windowMs / 3_600_000,
      items: await deps.attributions.unattributed(entityRef),
      decided: await deps.attributions.decided(entityRef),
    };
    res.json(body);
  });

  router.post('/v1/incidents/:incidentId/attribution', async (req, res) => {
    const { incidentId } = req.params;
    const credentials = await authorize(req, incidentId);
    const body = parseInput(incidentAttributionRequestSchema, req.body, 'body');
    const change = await deps.attributions.attribute(
      incidentId,
      body,
      actorOf(credentials),
    );
    await applied(change);
    res.json(change.attribution);
  });

  router.delete('/v1/incidents/:incidentId/attribution', async (req, res) => {
    const { incidentId } = req.params;
    const credentials = await authorize(req, incidentId);
    const body = parseInput(
      undoBodySchema,
      req.body && Object.keys(req.body).length > 0 ? req.body : undefined,
      'body',
    );
    const change = await deps.attributions.undo(
      incidentId,
      actorOf(credentials),
      body?.note,
    );
    await applied(change);
    res.status(204).end();
  });

  return router;
}
