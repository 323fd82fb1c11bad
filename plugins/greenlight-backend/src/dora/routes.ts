import {
  DoraOptions,
  DoraResponse,
} from '@greenlight/backstage-plugin-greenlight-common';
import express from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';
import { z } from 'zod';
import { KnexLedgerStore } from '../database/KnexLedgerStore';
import { greenlightReadPermission } from '@greenlight/backstage-plugin-greenlight-common';
import { AccessDeps, actorOf, normaliseEntityRef, reader, requirePermission } from '../router/access';
import { parseInput, timeParam } from '../router/validation';
import { doraCsv } from './csv';
import { IncidentFindings } from './dataQuality';
import { DoraSettings } from './doraConfig';
import { doraReport } from './doraReport';
import { ReportCache } from './reportCache';
import { DoraStore } from './DoraStore';
import { RollupRefresher } from './RollupRefresher';
import { DoraReviewAction, recordReview } from './reviews';
import { normaliseScopeRef, ResolvedScope, resolveScope, ScopeRequest } from './scopes';
import { dayWindow } from './windows';

const SCOPE_FIELDS = ['entityRef', 'groupRef', 'systemRef'] as const;

const doraQuery = z
  .object({
    entityRef: z.string().min(1).optional(),
    groupRef: z.string().min(1).optional(),
    systemRef: z.string().min(1).optional(),
    from: timeParam.optional(),
    to: timeParam.optional(),
    bucket: z.enum(['week', 'month']).default('week'),
    reportYear: z
      .enum(['2023', '2024'])
      .transform(v => Number(v) as 2023 | 2024)
      .optional(),
  })
  .superRefine((q, ctx) => {
    const given = SCOPE_FIELDS.filter(f => q[f] !== undefined);
    if (given.length > 1) {
      for (const field of given) {
        ctx.addIssue({ code: 'custom', path: [field], message: `give one scope, not ${given.join(' and ')}` });
      }
    }
  });

type DoraQuery = z.infer<typeof doraQuery>;
type ReaderCredentials = Awaited<ReturnType<typeof reader>>;

function scopeRequest(q: DoraQuery): ScopeRequest {
  if (q.entityRef) return { kind: 'entity', ref: normaliseEntityRef(q.entityRef) };
  if (q.groupRef) return { kind: 'group', ref: normaliseScopeRef(q.groupRef, 'groupRef', 'group') };
  if (q.systemRef) return { kind: 'system', ref: normaliseScopeRef(q.systemRef, 'systemRef', 'system') };
  return { kind: 'organization', ref: null };
}

export type DoraRouteDeps = AccessDeps & {
  knex: Knex;
  store: DoraStore;
  ledger: KnexLedgerStore;
  settings: DoraSettings;
  refresher: RollupRefresher;
  /** For tests: the time "today" is taken from. */
  now?: () => number;
};

export function doraRoutes(deps: DoraRouteDeps): express.Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  const incidents = new IncidentFindings(deps.knex);
  const cache = new ReportCache();

  async function answer(req: express.Request): Promise<{
    credentials: ReaderCredentials;
    scope: ResolvedScope;
    report: DoraResponse;
  }> {
    const credentials = await deps.httpAuth.credentials(req, { allow: ['user', 'service'] });
    const q = parseInput(doraQuery, req.query, 'query');
    const window = dayWindow({ from: q.from, to: q.to }, now());
    const request = scopeRequest(q);
    // The permission and the catalog are asked at once; both must agree before anything is shown.
    const allowed = requirePermission(deps, credentials, greenlightReadPermission);
    const resolved = resolveScope(deps, request, credentials, async () =>
      (await deps.store.loadFacts('all')).map(f => f.entityRef),
    );
    resolved.catch(() => undefined);
    await allowed;
    const scope = await resolved;
    const options: DoraOptions = {
      reportYear: q.reportYear ?? deps.settings.reportYear,
      minimumSamples: deps.settings.minimumSamples,
      sketchRelativeAccuracy: deps.settings.sketchRelativeAccuracy,
    };
    const refreshing = await deps.refresher.refreshForRead(scope.entityRefs, deps.settings.rebuildOnReadMs);
    const report = await doraReport({ store: deps.store, incidents, cache }, scope, window, q.bucket, options);
    if (refreshing.length === 0) return { credentials, scope, report };
    return {
      credentials,
      scope,
      report: {
        ...report,
        dataQuality: [
          ...report.dataQuality,
          { id: 'rollups-refreshing', count: refreshing.length, examples: refreshing.slice(0, 5) },
        ],
      },
    };
  }

  async function audit(
    credentials: ReaderCredentials,
    action: DoraReviewAction,
    scope: ResolvedScope,
    report: DoraResponse,
  ) {
    const actor = actorOf(credentials);
    await recordReview(deps.knex, {
      action,
      actor,
      scopeKind: scope.kind,
      scopeRef: scope.ref,
      subjects: [...(scope.ref ? [scope.ref] : []), ...scope.entityRefs],
    });
    await deps.ledger.appendAudit({
      actor,
      action,
      subjectType: scope.kind,
      subjectId: scope.ref ?? 'organization',
      entityRef: scope.kind === 'entity' ? scope.ref : null,
      details: { window: report.window, entities: scope.entityRefs.length },
    });
  }

  router.get('/v1/dora', async (req, res) => {
    const { credentials, scope, report } = await answer(req);
    // A person opening a team's figures is the team review the governance checklist asks for.
    if (scope.kind === 'group' && credentials.principal.type === 'user') {
      await audit(credentials, 'dora.review.viewed', scope, report);
    }
    res.json(report);
  });

  router.get('/v1/dora.csv', async (req, res) => {
    const { credentials, scope, report } = await answer(req);
    const rows =
      scope.kind === 'entity' ? [{ entityRef: scope.entityRefs[0], metrics: report.current }] : report.breakdown;
    await audit(credentials, 'dora.review.exported', scope, report);
    const name = `dora-${(scope.ref ?? 'organization').replace(/[^a-z0-9-]+/gi, '-')}-${report.window.from.slice(0, 10)}-${report.window.to.slice(0, 10)}.csv`;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.send(doraCsv(rows));
  });

  return router;
}
