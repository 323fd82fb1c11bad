import { InputError } from '@backstage/errors';
import {
  ChecklistSummaryResponse,
  ViolationsResponse,
  canonicalRefOf,
} from '@greenlight/backstage-plugin-greenlight-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import { assertCanReadEntity, normaliseEntityRef, reader } from '../router/access';
import { parseInput, timeParam } from '../router/validation';
import { componentsOwnedBy, groupWithDescendants } from './catalogScope';
import { requireTestsPolicy } from './changeRules';
import { CHECK_TITLES, TESTS_WINDOW_DAYS } from './checklistService';
import { untestedDeploymentViolation } from './violations';
import { DAY_MS, GovernanceRouteDeps, normaliseGroupRef, productionEnvironments } from './routeDeps';

const MAX_SUMMARY_ENTITIES = 1000;

const violationsQuery = z.object({
  entityRef: z.string().min(1),
  from: timeParam.optional(),
  to: timeParam.optional(),
});

export function checklistRoutes(deps: GovernanceRouteDeps) {
  const router = Router();

  router.get('/v1/checklist', async (req, res) => {
    const credentials = await reader(deps, req);
    const q = parseInput(z.object({ entityRef: z.string().min(1) }), req.query, 'query');
    const entity = await assertCanReadEntity(deps, credentials, normaliseEntityRef(q.entityRef));
    res.json(await deps.checklist.checklist(entity));
  });

  router.get('/v1/checklist/summary', async (req, res) => {
    const credentials = await reader(deps, req);
    const q = parseInput(z.object({ groupRef: z.string().min(1) }), req.query, 'query');
    const groupRef = normaliseGroupRef(q.groupRef);
    const groups = await groupWithDescendants(deps.catalog, groupRef, credentials);
    const entities = await componentsOwnedBy(deps.catalog, groups, credentials);
    if (entities.length > MAX_SUMMARY_ENTITIES) {
      throw new InputError(
        `groupRef: ${groupRef} owns ${entities.length} components; summaries cover at most ${MAX_SUMMARY_ENTITIES}, ask for a smaller group`,
      );
    }
    const checks = new Map<string, ChecklistSummaryResponse['checks'][number]>();
    for (const id of Object.keys(CHECK_TITLES) as Array<keyof typeof CHECK_TITLES>) {
      checks.set(id, { id, title: CHECK_TITLES[id], passing: 0, failing: 0, failingEntities: [] });
    }
    const ordered = entities.map(e => ({ entity: e, ref: canonicalRefOf(e) })).sort((a, b) => a.ref.localeCompare(b.ref));
    for (const { entity, ref } of ordered) {
      const { checks: results } = await deps.checklist.checklist(entity);
      for (const result of results) {
        const summary = checks.get(result.id)!;
        if (result.status === 'pass') summary.passing++;
        else {
          summary.failing++;
          summary.failingEntities.push({ entityRef: ref, reason: result.reason });
        }
      }
    }
    const body: ChecklistSummaryResponse = {
      groupRef,
      groups,
      entityCount: entities.length,
      checks: [...checks.values()],
    };
    res.json(body);
  });

  router.get('/v1/violations', async (req, res) => {
    const credentials = await reader(deps, req);
    const q = parseInput(violationsQuery, req.query, 'query');
    const to = q.to ?? deps.now() + 1;
    const from = q.from ?? to - TESTS_WINDOW_DAYS * DAY_MS;
    if (to <= from) throw new InputError('to: must be after from');
    const entity = await assertCanReadEntity(deps, credentials, normaliseEntityRef(q.entityRef));
    const entityRef = canonicalRefOf(entity);
    const policy = requireTestsPolicy(entity, deps.config);
    const untested = await deps.ledger.untestedDeployments(
      entityRef,
      productionEnvironments(deps.environments),
      from,
      to,
    );
    const items = untested.map(d => untestedDeploymentViolation(d, entityRef, policy.requireTests));
    const body: ViolationsResponse = {
      entityRef,
      policy,
      window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      items,
    };
    res.json(body);
  });

  return router;
}
