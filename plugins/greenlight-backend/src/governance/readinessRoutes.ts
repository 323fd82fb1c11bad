import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  digestSchema,
  greenlightOverridePermission,
  canonicalRefOf,
  ChangeWindowsResponse,
  ReadinessListResponse,
  safeString,
  greenlightReadinessDecidePermission,
} from '@greenlight/backstage-plugin-greenlight-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  actorOf,
  assertCanReadEntity,
  assertCanReadOwner,
  authorizeEntityWrite,
  normaliseEntityRef,
  reader,
} from '../router/access';
import { parseInput } from '../router/validation';
import { CHANGE_WINDOW_POLICY, decisionView } from './readinessService';
import { requireTestsPolicy } from './changeRules';
import { GovernanceRouteDeps, productionEnvironments } from './routeDeps';
import { untestedDeploymentViolation } from './violations';
import { AuditEntry, StoredDecision } from './store/GovernanceStore';
import { evaluateWindowsFor } from './changeWindows';

const evidenceValue = z.union([z.string().max(4000), z.number(), z.boolean()]);

export const readinessBodySchema = z.object({
  entityRef: z.string().min(1),
  environment: safeString().trim().min(1).max(100),
  change: z.object({
    changedFiles: z.array(z.string().min(1).max(1000)).max(50_000).optional(),
    commitRange: z.string().min(1).max(300).optional(),
    labels: z.array(safeString().min(1).max(200)).max(200).optional(),
    commitSha: z.string().regex(/^[a-f0-9]{7,64}$/, 'must be a hex commit SHA').optional(),
    artifactDigest: digestSchema.optional(),
    deploymentId: safeString().min(1).max(255).optional(),
    breakGlassId: z.string().uuid().optional(),
  }),
  evidence: z
    .record(z.string().min(1).max(200), evidenceValue)
    .refine(e => Object.keys(e).length <= 200, 'at most 200 keys')
    .optional(),
});

const listQuery = z.object({
  entityRef: z.string().min(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const overrideBodySchema = z.object({
  reason: z.string().trim().min(1, 'a reason is required').max(2000),
});

export function readinessRoutes(deps: GovernanceRouteDeps) {
  const router = Router();

  router.post('/v1/readiness', async (req, res) => {
    const credentials = await reader(deps, req);
    const body = parseInput(readinessBodySchema, req.body, 'body');
    const entityRef = normaliseEntityRef(body.entityRef);
    const entity = await assertCanReadEntity(deps, credentials, entityRef);
    // A decision is recorded and shows on the release, so asking is a write of its own.
    await authorizeEntityWrite(deps, credentials, greenlightReadinessDecidePermission, entityRef);
    res.json(await deps.readiness.decide(entity, body, actorOf(credentials)));
  });

  router.get('/v1/readiness', async (req, res) => {
    const credentials = await reader(deps, req);
    const q = parseInput(listQuery, req.query, 'query');
    const entity = await assertCanReadEntity(deps, credentials, normaliseEntityRef(q.entityRef));
    const entityRef = canonicalRefOf(entity);
    const decisions = await deps.decisions.listForEntity(entityRef, q.limit);
    const sources = new Map<string, StoredDecision | undefined>();
    for (const d of decisions) {
      if (d.overrideOf && !sources.has(d.overrideOf)) sources.set(d.overrideOf, await deps.decisions.get(d.overrideOf));
    }
    const body: ReadinessListResponse = {
      entityRef,
      items: decisions.map(d => decisionView(d, d.overrideOf ? sources.get(d.overrideOf) : undefined)),
    };
    res.json(body);
  });

  // Whether a plain code change of the entity may ship now, per environment, and when next.
  router.get('/v1/change-windows', async (req, res) => {
    const credentials = await reader(deps, req);
    const q = parseInput(z.object({ entityRef: z.string().min(1) }), req.query, 'query');
    const entity = await assertCanReadEntity(deps, credentials, normaliseEntityRef(q.entityRef));
    const now = deps.now();
    // What readiness decides by: the configured windows and freezes, and those declared now.
    const windows = (await deps.readiness.windowsAt(now)) ?? deps.windows;
    const body: ChangeWindowsResponse = {
      entityRef: canonicalRefOf(entity),
      configured: windows.rules.length > 0 || windows.freezes.length > 0,
      environments: deps.environments.map(env => ({
        environment: env.name,
        ...evaluateWindowsFor(entity, windows, ['code'], env.name, now).window,
      })),
    };
    res.json(body);
  });

  router.get('/v1/readiness/:decisionId', async (req, res) => {
    const credentials = await reader(deps, req);
    const decision = await deps.decisions.get(req.params.decisionId);
    const missing = new NotFoundError(`No readiness decision ${req.params.decisionId}`);
    if (!decision) throw missing;
    await assertCanReadOwner(deps, credentials, decision.entityRef, missing);
    const source = decision.overrideOf ? await deps.decisions.get(decision.overrideOf) : undefined;
    res.json(decisionView(decision, source));
  });

  router.post('/v1/readiness/:decisionId/override', async (req, res) => {
    // A person answers for an override; pipelines cannot override their own gate.
    const credentials = await deps.httpAuth.credentials(req, { allow: ['user'] });
    const { reason } = parseInput(overrideBodySchema, req.body, 'body');
    const decision = await deps.decisions.get(req.params.decisionId);
    const missing = new NotFoundError(`No readiness decision ${req.params.decisionId}`);
    if (!decision) throw missing;
    const entity = await assertCanReadOwner(deps, credentials, decision.entityRef, missing);
    await authorizeEntityWrite(deps, credentials, greenlightOverridePermission, decision.entityRef);
    if (decision.assessed === 'allow') {
      throw new ConflictError(`Decision ${decision.id} allowed the change; there is nothing to override`);
    }
    // An override answers for missing controls. A stop is lifted, and a closed window or a freeze
    // is passed through a break-glass change: neither is overridden (docs/governance.md).
    if (decision.missingControls.includes('emergency-stop')) {
      throw new ConflictError(
        `Decision ${decision.id} is blocked by an emergency stop: it is lifted, not overridden`,
      );
    }
    if (decision.missingControls.includes(CHANGE_WINDOW_POLICY)) {
      throw new ConflictError(
        `Decision ${decision.id} is outside a change window or in a freeze: ask again with a break-glass change (change.breakGlassId) instead of an override`,
      );
    }
    const actor = actorOf(credentials);
    const at = deps.now();
    const details = {
      decisionId: decision.id,
      reason,
      environment: decision.environment,
      missingControls: decision.missingControls,
    };
    const audit: AuditEntry[] = [
      {
        actor,
        action: 'readiness.override',
        subjectType: 'readiness-decision',
        subjectId: decision.id,
        entityRef: canonicalRefOf(entity),
        details,
      },
    ];
    if (decision.deploymentId) {
      audit.push({ ...audit[0], subjectType: 'deployment', subjectId: decision.deploymentId });
    }
    const done = await deps.decisions.override(decision.id, { by: actor, reason, at }, audit);
    if (!done) throw new ConflictError(`Decision ${decision.id} is already overridden`);
    res.json(decisionView((await deps.decisions.get(decision.id))!));
  });

  router.get('/v1/releases/:id/readiness', async (req, res) => {
    const credentials = await reader(deps, req);
    const deployment = await deps.ledger.deployment(req.params.id);
    const missing = new NotFoundError(`No release ${req.params.id}`);
    if (!deployment?.entityRef) throw missing;
    const entity = await assertCanReadOwner(deps, credentials, deployment.entityRef, missing);
    const decisions = await deps.decisions.listForRelease(
      deployment.entityRef,
      {
        deploymentId: deployment.id,
        artifactDigest: deployment.artifactDigest,
        commitSha: deployment.commitSha,
      },
      50,
    );
    const production = productionEnvironments(deps.environments).includes(deployment.environment);
    const untested = production
      ? (
          await deps.ledger.untestedDeployments(
            deployment.entityRef,
            [deployment.environment],
            deployment.sortTime,
            deployment.sortTime + 1,
          )
        ).filter(d => d.id === deployment.id)
      : [];
    const { requireTests } = requireTestsPolicy(entity, deps.config);
    const sources = new Map();
    for (const d of decisions) {
      if (d.overrideOf && !sources.has(d.overrideOf)) sources.set(d.overrideOf, await deps.decisions.get(d.overrideOf));
    }
    res.json({
      releaseId: deployment.id,
      decisions: decisions.map(d => decisionView(d, d.overrideOf ? sources.get(d.overrideOf) : undefined)),
      violations: untested.map(d => untestedDeploymentViolation(d, deployment.entityRef!, requireTests)),
    });
  });

  return router;
}
