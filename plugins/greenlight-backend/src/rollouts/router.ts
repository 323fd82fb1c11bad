import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  greenlightGateReplayPermission,
  greenlightInlineGatesPermission,
  greenlightOverridePermission,
  greenlightRolloutActionPermission,
  greenlightRolloutCreatePermission,
  planGateQueries,
  type GateDefinition,
} from '@greenlight/backstage-plugin-greenlight-common';
import type { MetricProvider } from '@greenlight/backstage-plugin-greenlight-node';
import express from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';
import {
  AccessDeps,
  actorOf,
  afterChecks,
  assertCanReadEntity,
  assertCanReadOwner,
  authorizeEntityWrite,
  entityDecisions,
  normaliseEntityRef,
  reader,
  readerWhile,
  serviceWriter,
} from '../router/access';
import { assertDeploymentInFlight } from './deploymentCheck';
import { parseInput } from '../router/validation';
import { GateLoader, GateSourceError, LoadedGates } from './gateSources';
import {
  MAX_REPLAY_GATES,
  MAX_REPLAY_STEPS,
  MAX_REPLAY_WINDOW_DAYS,
  MAX_REPLAY_WINDOW_MS,
  replayEvents,
  replayGates,
  replayStep,
} from './replay';
import { RolloutRecord, RolloutStore } from './RolloutStore';
import { RolloutService } from './RolloutService';
import {
  actionSchema,
  listRolloutsSchema,
  replaySchema,
  startRolloutSchema,
} from './schemas';
import { ManualAction } from './stateMachine';
import { toRolloutView } from './views';

/** Evaluations a single rollout answers with, newest kept; a list answers with fewer per rollout. */
const EVALUATIONS_PER_ROLLOUT = 1000;
const EVALUATIONS_PER_LISTED_ROLLOUT = 50;

export type RolloutRouterDeps = AccessDeps & {
  store: RolloutStore;
  service: RolloutService;
  gates: GateLoader;
  providers: ReadonlyMap<string, MetricProvider>;
  ledger: Knex;
};

export function rolloutsRouter(deps: RolloutRouterDeps): express.Router {
  const router = Router();

  async function permittedActions(
    credentials: BackstageCredentials,
    entityRef: string,
  ) {
    const [action, override] = await Promise.all([
      entityDecisions(deps, credentials, greenlightRolloutActionPermission, [
        entityRef,
      ]),
      entityDecisions(deps, credentials, greenlightOverridePermission, [
        entityRef,
      ]),
    ]);
    return {
      rolloutAction: Boolean(action.get(entityRef)),
      override: Boolean(override.get(entityRef)),
    };
  }

  /** The versions the ledger records for the rollouts' deployments, in one read. */
  async function versionsOf(
    deploymentIds: string[],
  ): Promise<Map<string, string | null>> {
    if (deploymentIds.length === 0) return new Map();
    const rows = await deps
      .ledger('deployments')
      .select('id', 'version')
      .whereIn('id', deploymentIds);
    return new Map(rows.map(r => [r.id as string, r.version ?? null]));
  }

  async function view(
    rollout: RolloutRecord,
    credentials: BackstageCredentials,
    evaluations: number,
  ) {
    const versions = await versionsOf([rollout.deploymentId]);
    return toRolloutView(
      rollout,
      await deps.store.listEvaluations(rollout.id, evaluations),
      await permittedActions(credentials, rollout.entityRef),
      versions.get(rollout.deploymentId) ?? null,
    );
  }

  /** A rollout the caller may see: unknown ids and invisible entities both answer 404. */
  async function visibleRollout(id: string, credentials: BackstageCredentials) {
    const rollout = await deps.store.get(id);
    const missing = new NotFoundError(`No rollout ${id}`);
    if (!rollout) throw missing;
    await assertCanReadOwner(deps, credentials, rollout.entityRef, missing);
    return rollout;
  }

  function parseGates(input: unknown, environment: string): LoadedGates {
    const result = deps.gates.parse(input, environment);
    if (!result.ok) throw new InputError(`gates: ${result.errors.join('; ')}`);
    return { gates: result.gates, source: 'request' };
  }

  async function entityGates(
    entityRef: string,
    environment: string,
    credentials: BackstageCredentials,
  ) {
    try {
      return await deps.gates.forEntity(entityRef, environment, credentials);
    } catch (e) {
      if (e instanceof GateSourceError)
        throw new InputError(`gates: ${e.message}`);
      throw e;
    }
  }

  function checkProviders(gates: GateDefinition[]) {
    const unknown = [
      ...new Set(
        gates
          .flatMap(g => planGateQueries(g).map(q => q.provider))
          .filter(p => !deps.providers.has(p)),
      ),
    ];
    if (unknown.length) {
      throw new InputError(
        `gates: no metric provider ${unknown
          .map(p => `'${p}'`)
          .join(', ')} is registered`,
      );
    }
  }

  router.post('/v1/rollouts', async (req, res) => {
    const { credentials, actor } = await serviceWriter(deps, req);
    const body = parseInput(startRolloutSchema, req.body, 'rollout');
    const entityRef = normaliseEntityRef(body.entityRef);
    await assertCanReadEntity(deps, credentials, entityRef);
    await authorizeEntityWrite(
      deps,
      credentials,
      greenlightRolloutCreatePermission,
      entityRef,
    );
    if (body.gates !== undefined) {
      await authorizeEntityWrite(
        deps,
        credentials,
        greenlightInlineGatesPermission,
        entityRef,
      );
    }
    const existing = await deps.store.getByDeployment(body.deploymentId);
    if (existing) {
      if (existing.entityRef !== entityRef) {
        // Not which entity: the caller may not be allowed to read it.
        throw new ConflictError(
          `deploymentId: deployment ${body.deploymentId} is already watched for another entity`,
        );
      }
      res
        .status(200)
        .json(await view(existing, credentials, EVALUATIONS_PER_ROLLOUT));
      return;
    }
    await assertDeploymentInFlight(deps.ledger, {
      deploymentId: body.deploymentId,
      entityRef,
      environment: body.environment,
    });
    if (body.artifactDigest !== undefined) {
      // What the policy gates judge is what the ledger says runs, not what the caller names.
      const recorded = await deps
        .ledger('deployments')
        .where('id', body.deploymentId)
        .first('artifact_digest');
      const digest: string | null = recorded?.artifact_digest ?? null;
      if (digest !== null && digest !== body.artifactDigest) {
        throw new ConflictError(
          `artifactDigest: deployment ${body.deploymentId} deploys ${digest} according to the ledger, not ${body.artifactDigest}`,
        );
      }
    }
    const loaded =
      body.gates !== undefined
        ? parseGates(body.gates, body.environment)
        : await entityGates(entityRef, body.environment, credentials);
    checkProviders(loaded.gates);
    const { rollout, created } = await deps.service.start({
      entityRef,
      environment: body.environment,
      deploymentId: body.deploymentId,
      artifactDigest: body.artifactDigest ?? null,
      strategy: body.strategy,
      gates: loaded.gates,
      gateSource: loaded.source,
      actor,
    });
    res
      .status(created ? 201 : 200)
      .json(await view(rollout, credentials, EVALUATIONS_PER_ROLLOUT));
  });

  router.get('/v1/rollouts', async (req, res) => {
    // As the release pages: the permission, the catalog's check and the read at once.
    const { credentials, input, allowed } = await readerWhile(deps, req, () => {
      const query = parseInput(listRolloutsSchema, req.query, 'query');
      const entityRef = query.entityRef
        ? normaliseEntityRef(query.entityRef)
        : undefined;
      return { ...query, entityRef };
    });
    const { entityRef } = input;
    const rollouts = await afterChecks(
      entityRef
        ? [allowed, assertCanReadEntity(deps, credentials, entityRef)]
        : [allowed],
      () =>
        deps.store.list({
          entityRef,
          deploymentId: input.deploymentId,
          state: input.state,
          active: input.active,
          limit: input.limit,
        }),
    );
    const visible: RolloutRecord[] = [];
    // The entity asked for was checked above; other entities' rollouts are checked each once.
    const seen = new Map<string, boolean>(entityRef ? [[entityRef, true]] : []);
    for (const r of rollouts) {
      if (!seen.has(r.entityRef)) {
        const entity = await deps.catalog.getEntityByRef(r.entityRef, {
          credentials,
        });
        seen.set(r.entityRef, Boolean(entity));
      }
      if (seen.get(r.entityRef)) visible.push(r);
    }
    const permittedByEntity = new Map<
      string,
      Awaited<ReturnType<typeof permittedActions>>
    >();
    const versions = await versionsOf(visible.map(r => r.deploymentId));
    const items = [];
    for (const r of visible) {
      if (!permittedByEntity.has(r.entityRef)) {
        permittedByEntity.set(
          r.entityRef,
          await permittedActions(credentials, r.entityRef),
        );
      }
      const permitted = permittedByEntity.get(r.entityRef)!;
      items.push(
        toRolloutView(
          r,
          await deps.store.listEvaluations(
            r.id,
            EVALUATIONS_PER_LISTED_ROLLOUT,
          ),
          permitted,
          versions.get(r.deploymentId) ?? null,
        ),
      );
    }
    res.json({ items });
  });

  router.get('/v1/rollouts/:id', async (req, res) => {
    const credentials = await reader(deps, req);
    const rollout = await visibleRollout(req.params.id, credentials);
    res.json(await view(rollout, credentials, EVALUATIONS_PER_ROLLOUT));
  });

  router.post('/v1/rollouts/:id/actions', async (req, res) => {
    // Changing a release's fate is a person's decision, made in the portal.
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const body = parseInput(actionSchema, req.body, 'action');
    const action = body.action as ManualAction;
    const rollout = await visibleRollout(req.params.id, credentials);
    await authorizeEntityWrite(
      deps,
      credentials,
      action === 'override'
        ? greenlightOverridePermission
        : greenlightRolloutActionPermission,
      rollout.entityRef,
    );
    const updated = await deps.service.act(
      rollout,
      action,
      body.reason,
      actorOf(credentials),
    );
    res.json(await view(updated, credentials, EVALUATIONS_PER_ROLLOUT));
  });

  router.post('/v1/gates/replay', async (req, res) => {
    const credentials = await reader(deps, req);
    const body = parseInput(replaySchema, req.body, 'replay');
    if (body.to <= body.from) throw new InputError('to: must be after from');
    if (body.to - body.from > MAX_REPLAY_WINDOW_MS)
      throw new InputError(
        `to: the window may span ${MAX_REPLAY_WINDOW_DAYS} days at most`,
      );
    if (body.to > Date.now() + 60_000)
      throw new InputError('to: must not be in the future');
    const entityRef = normaliseEntityRef(body.entityRef);
    await assertCanReadEntity(deps, credentials, entityRef);
    // The answer holds metric values read with the backend's credentials.
    await authorizeEntityWrite(
      deps,
      credentials,
      greenlightGateReplayPermission,
      entityRef,
    );
    let gates: GateDefinition[];
    if (body.gates !== undefined) {
      await authorizeEntityWrite(
        deps,
        credentials,
        greenlightInlineGatesPermission,
        entityRef,
      );
      gates = parseGates(body.gates, body.environment).gates;
    } else {
      gates = (await entityGates(entityRef, body.environment, credentials))
        .gates;
    }
    if (gates.length > MAX_REPLAY_GATES)
      throw new InputError(
        `gates: at most ${MAX_REPLAY_GATES} gates per replay`,
      );
    checkProviders(gates);
    for (const gate of gates) {
      const steps =
        Math.floor(
          (body.to - body.from) / 1000 / replayStep(gate, body.stepSeconds),
        ) + 1;
      if (steps > MAX_REPLAY_STEPS) {
        throw new InputError(
          `stepSeconds: gate ${gate.id} would take ${steps} steps over this window, more than ${MAX_REPLAY_STEPS}; use a larger step or a shorter window`,
        );
      }
    }
    const events = await replayEvents(
      deps.ledger,
      entityRef,
      body.from,
      body.to,
    );
    res.json(
      await replayGates({
        gates,
        providers: deps.providers,
        from: body.from,
        to: body.to,
        stepSeconds: body.stepSeconds,
        events,
        entityRef,
      }),
    );
  });

  return router;
}
