import {
  DoraDeployment,
  DoraIncident,
  utcDayKey,
} from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { GateFailures } from './gateFailures';
import { commitDetailsOf } from '../database/commitDetails';
import {
  DEPLOYMENT_COLUMNS,
  DeploymentRow,
  doraTimeOf,
  num,
  TierOf,
  toDoraDeployment,
  toDoraIncident,
} from './ledgerInputs';

const CHUNK = 500;
const EXAMPLES_PER_DAY = 3;

/** What a day's data lacks, filed under the day of the production deployment concerned. */
export type DayQuality = {
  deploymentsWithoutCommit: number;
  commitsWithoutTime: number;
  examples: { deployments: string[]; commits: string[] };
};

/** Everything needed to rebuild one entity's rollups, read from the ledger. */
export type EntityHistory = {
  entityRef: string;
  /** The entity's deployments, plus remediations elsewhere that name one of them. */
  deployments: DoraDeployment[];
  /** Incidents attributed to the entity's production deployments. */
  incidents: DoraIncident[];
  quality: Map<string, DayQuality>;
  /** Commits that reached a non-production environment but no production one, per commit day. */
  pendingCommitDays: Record<string, number>;
  deploymentCount: number;
  productionDeploymentCount: number;
};

function chunked<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

type ArrivalRow = {
  environment: string;
  sha: string;
  deploymentId: string;
  firstTime: number;
  committedAt: number | undefined;
  /** The commit time is the merge time: the source knew no earlier commit time. */
  fromMerge: boolean;
};

/** First arrivals of commits per environment, with each commit's time when it is known. */
/**
 * A commit whose time is its merge time: sources that know only the merge (a CDEvents
 * `change.merged`) report it as both.
 */
function isMergeTime(committedAt: number | undefined, mergedAt: unknown): boolean {
  return committedAt !== undefined && mergedAt !== null && mergedAt !== undefined && Number(mergedAt) === committedAt;
}

async function loadArrivals(knex: Knex, entityRef: string): Promise<ArrivalRow[]> {
  const rows = await knex('environment_commits as ec')
    .leftJoin('commits as c', commitDetailsOf(knex, 'ec.commit_sha', 'ec.entity_ref'))
    .select('ec.environment', 'ec.commit_sha', 'ec.first_deployment_id', 'ec.first_time', 'c.committed_at', 'c.merged_at')
    .where('ec.entity_ref', entityRef);
  // A SHA recorded under several repositories is one commit; its earliest time counts.
  const byKey = new Map<string, ArrivalRow>();
  for (const r of rows) {
    const key = `${r.environment}\u0000${r.commit_sha}`;
    const committedAt = num(r.committed_at);
    const existing = byKey.get(key);
    if (!existing) {
      byKey.set(key, {
        environment: r.environment,
        sha: r.commit_sha,
        deploymentId: r.first_deployment_id,
        firstTime: Number(r.first_time),
        committedAt,
        fromMerge: isMergeTime(committedAt, r.merged_at),
      });
    } else if (committedAt !== undefined && (existing.committedAt === undefined || committedAt < existing.committedAt)) {
      existing.committedAt = committedAt;
      existing.fromMerge = isMergeTime(committedAt, r.merged_at);
    }
  }
  return [...byKey.values()];
}

function dayQuality(map: Map<string, DayQuality>, day: string): DayQuality {
  let q = map.get(day);
  if (!q) {
    q = { deploymentsWithoutCommit: 0, commitsWithoutTime: 0, examples: { deployments: [], commits: [] } };
    map.set(day, q);
  }
  return q;
}

export async function loadEntityHistory(
  knex: Knex,
  entityRef: string,
  tierOf: TierOf,
  gateFailures: GateFailures,
): Promise<EntityHistory> {
  const own: DeploymentRow[] = await knex('deployments').select(DEPLOYMENT_COLUMNS).where('entity_ref', entityRef);
  const production = own.filter(d => tierOf(d.environment) === 'production');
  const productionIds = production.map(d => d.id);

  const foreign: DeploymentRow[] = [];
  const withCommits = new Set<string>();
  const incidents: DoraIncident[] = [];
  for (const ids of chunked(productionIds)) {
    const remediations = await knex('deployments')
      .select(DEPLOYMENT_COLUMNS)
      .where(q => q.whereIn('rollback_of', ids).orWhereIn('replaces', ids))
      .where(q => q.whereNull('entity_ref').orWhereNot('entity_ref', entityRef));
    foreign.push(...remediations);
    for (const r of await knex('deployment_commits').distinct('deployment_id').whereIn('deployment_id', ids)) {
      withCommits.add(r.deployment_id);
    }
    for (const r of await knex('incidents').select('id', 'detected_at', 'resolved_at', 'deployment_id').whereIn('deployment_id', ids)) {
      const incident = toDoraIncident(r);
      if (incident) incidents.push(incident);
    }
  }
  const gateFailed = await gateFailures.of(productionIds);

  const arrivals = await loadArrivals(knex, entityRef);
  const commitTimes = new Map<string, number[]>();
  const mergeTimes = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, id: string, t: number) => {
    const list = map.get(id);
    if (list) list.push(t);
    else map.set(id, [t]);
  };
  for (const a of arrivals) {
    if (a.committedAt === undefined) continue;
    push(commitTimes, a.deploymentId, a.committedAt);
    if (a.fromMerge) push(mergeTimes, a.deploymentId, a.committedAt);
  }

  const deployments = [
    ...own.map(row =>
      toDoraDeployment(row, tierOf, {
        commitTimes: commitTimes.get(row.id) ?? [],
        mergeTimes: mergeTimes.get(row.id),
        gateFailed: gateFailed.has(row.id),
      }),
    ),
    ...foreign.map(row => toDoraDeployment(row, tierOf)),
  ];

  const quality = new Map<string, DayQuality>();
  const dayOf = new Map<string, string>();
  for (const row of production) {
    const time = doraTimeOf(row);
    if (time === undefined || row.status === 'started') continue;
    const day = utcDayKey(time);
    dayOf.set(row.id, day);
    // A rollback brings back commits the environment already had: it has none of its own to report.
    if (!withCommits.has(row.id) && row.intent !== 'rollback') {
      const q = dayQuality(quality, day);
      q.deploymentsWithoutCommit += 1;
      if (q.examples.deployments.length < EXAMPLES_PER_DAY) q.examples.deployments.push(row.id);
    }
  }

  // A commit without a time is missing from lead time once, at its first production arrival.
  const firstProduction = new Map<string, ArrivalRow>();
  const reachedProduction = new Set<string>();
  for (const a of arrivals) {
    if (tierOf(a.environment) !== 'production') continue;
    reachedProduction.add(a.sha);
    const current = firstProduction.get(a.sha);
    if (!current || a.firstTime < current.firstTime || (a.firstTime === current.firstTime && a.deploymentId < current.deploymentId)) {
      firstProduction.set(a.sha, a);
    }
  }
  for (const a of firstProduction.values()) {
    const day = dayOf.get(a.deploymentId);
    if (a.committedAt !== undefined || day === undefined) continue;
    const q = dayQuality(quality, day);
    q.commitsWithoutTime += 1;
    if (q.examples.commits.length < EXAMPLES_PER_DAY) q.examples.commits.push(a.sha);
  }

  const pending = new Map<string, number>();
  for (const a of arrivals) {
    if (reachedProduction.has(a.sha) || a.committedAt === undefined) continue;
    pending.set(a.sha, a.committedAt);
  }
  const pendingCommitDays: Record<string, number> = {};
  for (const time of pending.values()) {
    const day = utcDayKey(time);
    pendingCommitDays[day] = (pendingCommitDays[day] ?? 0) + 1;
  }

  return {
    entityRef,
    deployments,
    incidents,
    quality,
    pendingCommitDays,
    deploymentCount: own.length,
    productionDeploymentCount: production.length,
  };
}
