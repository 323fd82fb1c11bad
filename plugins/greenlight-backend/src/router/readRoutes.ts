import { InputError, NotFoundError } from '@backstage/errors';
import Router from 'express-promise-router';
import { z } from 'zod';
import { EnvironmentConfig } from '../config';
import { ReleaseEnricher } from '../context';
import { EnvironmentState, LedgerStore, Release } from '../database/LedgerStore';
import {
  AccessDeps,
  afterChecks,
  assertCanReadEntity,
  assertCanReadOwner,
  normaliseEntityRef,
  reader,
  readerWhile,
  visibleEntityRefs,
} from './access';
import { parseInput, timeParam } from './validation';

const releasesQuery = z.object({
  entityRef: z.string().min(1),
  environment: z.string().min(1).optional(),
  status: z.enum(['started', 'succeeded', 'failed', 'rolled-back', 'cancelled']).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(25),
  cursor: z.string().optional(),
});

const changesQuery = z.object({
  entityRefs: z.string().min(1),
  from: timeParam,
  to: timeParam,
  limit: z.coerce.number().int().min(1).max(2000).default(500),
});

const latestQuery = z.object({
  environment: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** Releases read per release shown, so that hidden entities rarely leave a page short. */
const LATEST_OVERFETCH = 4;

function decodeCursor(cursor: string) {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const sep = text.indexOf(':');
  const sortTime = Number(text.slice(0, sep));
  if (sep < 1 || !Number.isFinite(sortTime)) throw new InputError('cursor: not a cursor this API issued');
  return { sortTime, id: text.slice(sep + 1) };
}

export function readRoutes(
  deps: AccessDeps & {
    store: LedgerStore;
    environments: EnvironmentConfig[];
    releaseEnrichers?: ReleaseEnricher[];
  },
) {
  const router = Router();
  const { store } = deps;
  const enrichers = deps.releaseEnrichers ?? [];
  // Enrichers add disjoint fields to the same releases, so they read their stores at the same
  // time and their answers are merged release by release: a page waits for the slowest
  // enricher, not for the sum of them.
  const enrichReleases = async <T extends Release>(releases: T[]): Promise<T[]> => {
    if (enrichers.length === 0 || releases.length === 0) return releases;
    const answers = await Promise.all(enrichers.map(e => e.enrichReleases(releases)));
    return releases.map((release, i) => Object.assign({}, release, ...answers.map(a => a[i])));
  };
  const enrichEnvironments = async (states: EnvironmentState[]) => {
    let out = states;
    for (const enricher of enrichers) out = await enricher.enrichEnvironments(out);
    return out;
  };

  // The first rows of the Delivery tab: the permission, the catalog's check of the entity and
  // the page's query run at once (`afterChecks`); nothing is answered unless both checks pass.
  router.get('/v1/releases', async (req, res) => {
    const { credentials, input, allowed } = await readerWhile(deps, req, () => {
      const q = parseInput(releasesQuery, req.query, 'query');
      const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
      return { ...q, entityRef: normaliseEntityRef(q.entityRef), cursor };
    });
    const page = await afterChecks(
      [allowed, assertCanReadEntity(deps, credentials, input.entityRef)],
      () =>
        store.listReleases({
          entityRef: input.entityRef,
          environment: input.environment,
          status: input.status,
          from: input.from,
          to: input.to,
          limit: input.limit,
          cursor: input.cursor,
        }),
    );
    res.json({ ...page, items: await enrichReleases(page.items) });
  });

  // Across the organisation: the newest releases of the entities the reader may see. Entities
  // the catalog hides from the reader are left out, so a page can hold fewer than `limit`.
  router.get('/v1/releases/latest', async (req, res) => {
    const credentials = await reader(deps, req);
    const q = parseInput(latestQuery, req.query, 'query');
    const candidates = await store.listLatestReleases({ limit: q.limit * LATEST_OVERFETCH, environment: q.environment });
    const visible = await visibleEntityRefs(deps, credentials, candidates.flatMap(r => (r.entityRef ? [r.entityRef] : [])));
    const items = candidates.filter(r => r.entityRef && visible.has(r.entityRef)).slice(0, q.limit);
    res.json({ items: await enrichReleases(items) });
  });

  // Apart from the page, so the first rows never wait for a count over the whole history.
  router.get('/v1/releases/count', async (req, res) => {
    const credentials = await reader(deps, req);
    const q = parseInput(releasesQuery.omit({ limit: true, cursor: true }), req.query, 'query');
    const entityRef = normaliseEntityRef(q.entityRef);
    await assertCanReadEntity(deps, credentials, entityRef);
    const total = await store.countReleases({
      entityRef,
      environment: q.environment,
      status: q.status,
      from: q.from,
      to: q.to,
    });
    res.json({ total });
  });

  router.get('/v1/releases/:id', async (req, res) => {
    const credentials = await reader(deps, req);
    const release = await store.getRelease(req.params.id);
    const missing = new NotFoundError(`No release ${req.params.id}`);
    if (!release) throw missing;
    // A release of an entity the reader cannot see is answered as one that does not exist.
    if (release.entityRef) await assertCanReadOwner(deps, credentials, release.entityRef, missing);
    res.json((await enrichReleases([release]))[0]);
  });

  router.get('/v1/environments', async (req, res) => {
    const { credentials, input: entityRef, allowed } = await readerWhile(deps, req, () =>
      normaliseEntityRef(parseInput(z.object({ entityRef: z.string().min(1) }), req.query, 'query').entityRef),
    );
    const states = await afterChecks([allowed, assertCanReadEntity(deps, credentials, entityRef)], () =>
      store.getEnvironments(entityRef, deps.environments),
    );
    res.json({ entityRef, environments: await enrichEnvironments(states) });
  });

  router.get('/v1/changes', async (req, res) => {
    const credentials = await reader(deps, req);
    const q = parseInput(changesQuery, req.query, 'query');
    if (q.to <= q.from) throw new InputError('to: must be after from');
    const refs = [...new Set(q.entityRefs.split(',').map(r => normaliseEntityRef(r.trim(), 'entityRefs')))];
    if (refs.length > 100) throw new InputError('entityRefs: at most 100 entities');
    for (const ref of refs) await assertCanReadEntity(deps, credentials, ref);
    res.json({ items: await store.listChanges(refs, q.from, q.to, q.limit) });
  });

  router.get('/v1/unmapped', async (req, res) => {
    await reader(deps, req);
    const q = parseInput(
      z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      req.query,
      'query',
    );
    res.json({ items: await store.listUnmapped(q.limit) });
  });

  return router;
}
