import {
  DoraDeployment,
  DoraIncident,
  DoraInput,
  GreenlightEvent,
} from '@greenlight/backstage-plugin-greenlight-common';

/**
 * DORA inputs built straight from the events a test posted, without the ledger: an
 * independent reading of the same history to check the stored rollups against.
 */

const STATUS_RANK: Record<string, number> = {
  started: 0,
  cancelled: 1,
  succeeded: 2,
  failed: 3,
  'rolled-back': 4,
};

type Draft = DoraDeployment & { shas: Set<string>; rank: number };

export function rawDoraInput(
  events: GreenlightEvent[],
  entityOf: (event: GreenlightEvent) => string,
  tierOf: (environment: string) => string,
): DoraInput & { incidents: DoraIncident[] } {
  const commitTimes = new Map<string, number>();
  const drafts = new Map<string, Draft>();
  const incidents = new Map<string, DoraIncident>();

  for (const e of events) {
    if (e.type === 'commits') {
      for (const c of e.commits) commitTimes.set(c.sha, Date.parse(c.committedAt));
    } else if (e.type === 'deployment.started' || e.type === 'deployment.finished') {
      const d = e.deployment;
      const draft: Draft = drafts.get(d.id) ?? {
        id: d.id,
        entityRef: entityOf(e),
        environment: d.environment,
        tier: tierOf(d.environment),
        status: 'started',
        intent: 'planned',
        commitTimes: [],
        shas: new Set(),
        rank: -1,
      };
      if (STATUS_RANK[d.status] > draft.rank) {
        draft.rank = STATUS_RANK[d.status];
        draft.status = d.status;
      }
      if (d.intent && d.intent !== 'planned') draft.intent = d.intent;
      if (d.startedAt) draft.startedAt = Date.parse(d.startedAt);
      if (d.finishedAt) draft.finishedAt = Date.parse(d.finishedAt);
      if (d.rollbackOf) draft.rollbackOf = d.rollbackOf;
      if (d.replaces) draft.replaces = d.replaces;
      if (d.commitSha) draft.shas.add(d.commitSha);
      for (const s of d.commits ?? []) draft.shas.add(s);
      drafts.set(d.id, draft);
    } else if (e.type === 'incident.opened' || e.type === 'incident.resolved') {
      const i = e.incident;
      const incident: DoraIncident = incidents.get(i.id) ?? { id: i.id, entityRefs: [], detectedAt: NaN };
      if (i.detectedAt) incident.detectedAt = Date.parse(i.detectedAt);
      if (i.resolvedAt) incident.resolvedAt = Date.parse(i.resolvedAt);
      if (i.deploymentId) incident.deploymentId = i.deploymentId;
      incidents.set(i.id, incident);
    }
  }

  // A deployment newly brings the commits no earlier successful deployment of the same
  // entity and environment carried; only successful deployments bring commits.
  const time = (d: DoraDeployment) => d.finishedAt ?? d.startedAt ?? Infinity;
  const successful = [...drafts.values()]
    .filter(d => d.status === 'succeeded')
    .sort((a, b) => time(a) - time(b) || (a.id < b.id ? -1 : 1));
  const arrived = new Map<string, Set<string>>();
  const inProduction = new Map<string, Set<string>>();
  const elsewhere = new Map<string, Set<string>>();
  for (const d of successful) {
    const place = `${d.entityRef} ${d.environment}`;
    const seen = arrived.get(place) ?? new Set<string>();
    arrived.set(place, seen);
    const times: number[] = [];
    for (const s of [...d.shas].sort()) {
      if (seen.has(s)) continue;
      seen.add(s);
      const t = commitTimes.get(s);
      if (t !== undefined) times.push(t);
    }
    d.commitTimes = times;
    const bucket = d.tier === 'production' ? inProduction : elsewhere;
    const set = bucket.get(d.entityRef) ?? new Set<string>();
    for (const s of d.shas) set.add(s);
    bucket.set(d.entityRef, set);
  }
  const notInProductionCommitTimes: number[] = [];
  for (const [entityRef, shas] of elsewhere) {
    for (const s of shas) {
      const t = commitTimes.get(s);
      if (!inProduction.get(entityRef)?.has(s) && t !== undefined) notInProductionCommitTimes.push(t);
    }
  }

  return {
    deployments: [...drafts.values()].map(({ shas: _shas, rank: _rank, ...d }) => d),
    incidents: [...incidents.values()].map(i =>
      Number.isNaN(i.detectedAt) ? { ...i, detectedAt: i.resolvedAt! } : i,
    ),
    notInProductionCommitTimes,
  };
}
