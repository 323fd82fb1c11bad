import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';

/**
 * Folding the events of one subject into its ledger row.
 *
 * The fold sorts events by (rank, event id) before applying them, so the resulting row
 * depends only on the set of events, never on the order they arrived in: a replay in
 * any order converges to the same state. Later-ranked events override the fields they
 * carry; fields they leave out keep earlier values.
 */

export type StoredEvent = {
  id: string;
  entityRef: string | null;
  eventTime: number;
  event: GreenlightEvent;
};

const DEPLOYMENT_STATUS_RANK: Record<string, number> = {
  started: 0,
  cancelled: 1,
  succeeded: 2,
  failed: 3,
  'rolled-back': 4,
};

const ms = (iso?: string) => (iso ? Date.parse(iso) : null);

function byRank<T extends StoredEvent>(rank: (e: T) => number) {
  return (a: T, b: T) => rank(a) - rank(b) || a.id.localeCompare(b.id, 'en');
}

/** Keeps the last non-null value of each field. */
function overlay<T extends Record<string, unknown>>(base: T, next: Partial<T>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(next)) {
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out as T;
}

const firstEntity = (events: StoredEvent[]) =>
  events.map(e => e.entityRef).find(Boolean) ?? null;

export type DeploymentRow = {
  id: string;
  entity_ref: string | null;
  environment: string;
  artifact_digest: string | null;
  version: string | null;
  commit_sha: string | null;
  strategy: string;
  status: string;
  intent: string;
  started_at: number | null;
  finished_at: number | null;
  sort_time: number;
  actor: string | null;
  source_system: string | null;
  url: string | null;
  rollback_of: string | null;
  replaces: string | null;
};

export function foldDeployment(events: StoredEvent[]): {
  row: DeploymentRow;
  commits: string[];
} {
  const sorted = [...events].sort(
    byRank(e =>
      e.event.type === 'deployment.started' || e.event.type === 'deployment.finished'
        ? DEPLOYMENT_STATUS_RANK[e.event.deployment.status] ?? 0
        : 0,
    ),
  );
  let row: DeploymentRow | undefined;
  const commits = new Set<string>();
  for (const stored of sorted) {
    const e = stored.event;
    if (e.type !== 'deployment.started' && e.type !== 'deployment.finished') continue;
    const d = e.deployment;
    const next: DeploymentRow = {
      id: d.id,
      entity_ref: stored.entityRef,
      environment: d.environment,
      artifact_digest: d.artifactDigest ?? null,
      version: d.version ?? null,
      commit_sha: d.commitSha ?? null,
      strategy: d.strategy,
      status: d.status,
      intent: d.intent,
      started_at: ms(d.startedAt),
      finished_at: ms(d.finishedAt),
      sort_time: 0,
      actor: d.actor ?? null,
      source_system: d.sourceSystem ?? null,
      url: d.url ?? null,
      rollback_of: d.rollbackOf ?? null,
      replaces: d.replaces ?? null,
    };
    // Defaults filled in by the schema must not override what an earlier event said.
    row = row
      ? overlay(row, {
          ...next,
          strategy: next.strategy === 'all-at-once' ? row.strategy : next.strategy,
          intent: next.intent === 'planned' ? row.intent : next.intent,
        })
      : next;
    if (d.commitSha) commits.add(d.commitSha);
    for (const sha of d.commits ?? []) commits.add(sha);
  }
  if (!row) throw new Error('no deployment events to fold');
  row.entity_ref = firstEntity(sorted);
  const earliest = Math.min(...sorted.map(s => s.eventTime));
  row.sort_time = row.finished_at ?? row.started_at ?? earliest;
  return { row, commits: [...commits].sort() };
}

export type IncidentRow = {
  id: string;
  severity: string | null;
  title: string | null;
  detected_at: number | null;
  resolved_at: number | null;
  deployment_id: string | null;
  evidence: string | null;
};

export function foldIncident(events: StoredEvent[]): {
  row: IncidentRow;
  entityRefs: string[];
} {
  const sorted = [...events].sort(
    byRank(e => (e.event.type === 'incident.resolved' ? 1 : 0)),
  );
  let row: IncidentRow | undefined;
  const entities = new Set<string>();
  for (const stored of sorted) {
    const e = stored.event;
    if (e.type !== 'incident.opened' && e.type !== 'incident.resolved') continue;
    const i = e.incident;
    const next: IncidentRow = {
      id: i.id,
      severity: i.severity ?? null,
      title: i.title ?? null,
      detected_at: ms(i.detectedAt) ?? (e.type === 'incident.opened' ? stored.eventTime : null),
      resolved_at: ms(i.resolvedAt) ?? (e.type === 'incident.resolved' ? stored.eventTime : null),
      deployment_id: i.deploymentId ?? null,
      evidence: i.evidence ?? null,
    };
    row = row ? overlay(row, next) : next;
    for (const ref of i.entityRefs ?? []) entities.add(ref);
    if (stored.entityRef) entities.add(stored.entityRef);
  }
  if (!row) throw new Error('no incident events to fold');
  return { row, entityRefs: [...entities].sort() };
}

export type BuildRow = {
  id: string;
  entity_ref: string | null;
  repository: string | null;
  commit_sha: string | null;
  url: string | null;
  builder: string | null;
  build_type: string | null;
  inputs_digest: string | null;
  status: string;
  started_at: number | null;
  finished_at: number | null;
};

export function foldBuild(events: StoredEvent[]): BuildRow {
  const sorted = [...events].sort(byRank(() => 0));
  let row: BuildRow | undefined;
  for (const stored of sorted) {
    const e = stored.event;
    if (e.type !== 'build') continue;
    const b = e.build;
    const next: BuildRow = {
      id: b.id,
      entity_ref: stored.entityRef,
      repository: b.repository ?? e.repository ?? null,
      commit_sha: b.commitSha ?? null,
      url: b.url ?? null,
      builder: b.builder ?? null,
      build_type: b.buildType ?? null,
      inputs_digest: b.inputsDigest ?? null,
      status: b.status,
      started_at: ms(b.startedAt),
      finished_at: ms(b.finishedAt),
    };
    row = row ? overlay(row, next) : next;
  }
  if (!row) throw new Error('no build events to fold');
  row.entity_ref = firstEntity(sorted);
  return row;
}

export type ArtifactRow = {
  digest: string;
  entity_ref: string | null;
  name: string;
  purl: string | null;
  build_id: string | null;
  commit_sha: string | null;
  repository: string | null;
  created_at: number | null;
};

export function foldArtifact(events: StoredEvent[]): ArtifactRow {
  const sorted = [...events].sort(byRank(() => 0));
  let row: ArtifactRow | undefined;
  for (const stored of sorted) {
    const e = stored.event;
    if (e.type !== 'artifact') continue;
    const a = e.artifact;
    const next: ArtifactRow = {
      digest: a.digest,
      entity_ref: stored.entityRef,
      name: a.name,
      purl: a.purl ?? e.artifactPurl ?? null,
      build_id: a.buildId ?? null,
      commit_sha: a.commitSha ?? null,
      repository: a.repository ?? e.repository ?? null,
      created_at: ms(a.createdAt) ?? stored.eventTime,
    };
    row = row ? overlay(row, next) : next;
  }
  if (!row) throw new Error('no artifact events to fold');
  row.entity_ref = firstEntity(sorted);
  return row;
}

export type TestRunRow = {
  id: string;
  entity_ref: string | null;
  suite: string;
  outcome: string;
  build_id: string | null;
  commit_sha: string | null;
  artifact_digest: string | null;
  environment: string | null;
  total: number | null;
  failures: number | null;
  started_at: number | null;
  finished_at: number | null;
  url: string | null;
};

export function foldTestRun(events: StoredEvent[]): TestRunRow {
  const sorted = [...events].sort(byRank(() => 0));
  let row: TestRunRow | undefined;
  for (const stored of sorted) {
    const e = stored.event;
    if (e.type !== 'test.run') continue;
    const t = e.testRun;
    const next: TestRunRow = {
      id: t.id,
      entity_ref: stored.entityRef,
      suite: t.suite,
      outcome: t.outcome,
      build_id: t.buildId ?? null,
      commit_sha: t.commitSha ?? null,
      artifact_digest: t.artifactDigest ?? null,
      environment: t.environment ?? null,
      total: t.total ?? null,
      failures: t.failures ?? null,
      started_at: ms(t.startedAt),
      finished_at: ms(t.finishedAt) ?? stored.eventTime,
      url: t.url ?? null,
    };
    row = row ? overlay(row, next) : next;
  }
  if (!row) throw new Error('no test events to fold');
  row.entity_ref = firstEntity(sorted);
  return row;
}
