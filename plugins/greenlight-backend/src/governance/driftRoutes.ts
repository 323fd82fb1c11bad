import {
  DriftItemView,
  DriftReportResult,
  DriftResponse,
  canonicalRefOf,
  greenlightDriftReportPermission,
} from '@greenlight/backstage-plugin-greenlight-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  assertCanReadEntity,
  authorizeEntityWrites,
  normaliseEntityRef,
  reader,
  serviceWriter,
} from '../router/access';
import { parseInput } from '../router/validation';
import {
  genericDriftSchema,
  rawTerraformQuerySchema,
  resourcesFromGeneric,
  observedTime,
  resourcesFromTerraform,
  terraformPlanSchema,
  wrappedTerraformSchema,
} from './driftInput';
import { GovernanceRouteDeps } from './routeDeps';
import { DriftItem, DriftResource } from './store/GovernanceStore';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function itemView(item: DriftItem): DriftItemView {
  return {
    id: item.id,
    source: item.source,
    entityRef: item.entityRef,
    address: item.address,
    kind: item.kind,
    status: item.status,
    details: item.details,
    openedAt: iso(item.openedAt)!,
    lastSeenAt: iso(item.lastSeenAt)!,
    closedAt: iso(item.closedAt),
  };
}

export function driftRoutes(deps: GovernanceRouteDeps) {
  const router = Router();

  /**
   * Three bodies: the generic `{ source, resources }`; `{ source, terraform: <plan JSON> }`;
   * or the plan JSON itself (as `terraform show -json` prints it) with `source` in the query.
   */
  router.post('/v1/drift', async (req, res) => {
    const { credentials, actor } = await serviceWriter(deps, req);
    const body = req.body && typeof req.body === 'object' ? req.body : {};
    let meta: { source: string; entityRef?: string; observedAt?: string };
    let build: (entityRef: string | null) => DriftResource[];
    let format: 'terraform' | 'generic';
    let planTime: string | undefined;
    if ('format_version' in body) {
      meta = parseInput(rawTerraformQuerySchema, req.query, 'query');
      const plan = parseInput(terraformPlanSchema, body, 'body');
      planTime = plan.timestamp;
      build = ref => resourcesFromTerraform(plan, ref);
      format = 'terraform';
    } else if ('terraform' in body) {
      const parsed = parseInput(wrappedTerraformSchema, body, 'body');
      meta = parsed;
      planTime = parsed.terraform.timestamp;
      build = ref => resourcesFromTerraform(parsed.terraform, ref);
      format = 'terraform';
    } else {
      const parsed = parseInput(genericDriftSchema, body, 'body');
      meta = parsed;
      build = ref => resourcesFromGeneric(parsed, ref);
      format = 'generic';
    }

    let scope = '*';
    if (meta.entityRef) {
      const entity = await assertCanReadEntity(deps, credentials, normaliseEntityRef(meta.entityRef));
      // tags name entities without regard to case, so drift is keyed by lower-case refs
      scope = canonicalRefOf(entity);
    }
    const resources = build(scope === '*' ? null : scope);
    // A report opens items on every entity it attributes resources to and, over the whole
    // source (`*`), closes open items of any entity: that needs an unscoped writer.
    const touched = [...new Set(resources.flatMap(r => (r.entityRef ? [r.entityRef] : [])))];
    await authorizeEntityWrites(deps, credentials, greenlightDriftReportPermission, [
      { label: 'entityRef', entityRef: scope === '*' ? null : scope },
      ...touched.filter(ref => ref !== scope).map(ref => ({ label: `resource of ${ref}`, entityRef: ref })),
    ]);
    const observedAt = observedTime(meta.observedAt, planTime, deps.now());
    const applied = await deps.drift.applyReport({
      source: meta.source,
      scope,
      format,
      observedAt,
      actor,
      resources,
    });
    const result: DriftReportResult = {
      reportId: applied.reportId,
      source: meta.source,
      scope,
      observedAt: iso(observedAt)!,
      stale: applied.stale,
      resources: resources.length,
      drifted: applied.drifted,
      opened: applied.opened,
      closed: applied.closed,
      unattributed: applied.unattributed,
    };
    res.json(result);
  });

  router.get('/v1/drift', async (req, res) => {
    const credentials = await reader(deps, req);
    const q = parseInput(z.object({ entityRef: z.string().min(1) }), req.query, 'query');
    const entity = await assertCanReadEntity(deps, credentials, normaliseEntityRef(q.entityRef));
    const entityRef = canonicalRefOf(entity);
    const { open, closed } = await deps.drift.listForEntity(entityRef, 50);
    const body: DriftResponse = {
      entityRef,
      open: open.map(itemView),
      recentlyClosed: closed.map(itemView),
    };
    res.json(body);
  });

  return router;
}
