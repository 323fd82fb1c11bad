import { Knex } from 'knex';
import {
  foldArtifact,
  foldBuild,
  foldDeployment,
  foldIncident,
  foldTestRun,
  IncidentRow,
  StoredEvent,
} from '../service/projection';
import { artifactCommits, linkedSubjects, Placement, placedDeployment, placementOf } from './crossSubjectLinks';
import { reapplyRollbackRule, scopesOfDeployments } from './rollbackProjection';
import { lockForWrite, takesWriteLocks } from './subjectLocks';
import { applyPeoplesAttributions } from '../incidents/applyAttributions';

const CHUNK = 200;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function upsert(tx: Knex.Transaction, table: string, key: string | string[], rows: any[]) {
  for (const part of chunks(rows)) {
    await tx(table)
      .insert(part)
      .onConflict(typeof key === 'string' ? [key] : key)
      .merge();
  }
}

export async function loadEvents(
  tx: Knex | Knex.Transaction,
  subjectKeys: string[],
): Promise<Map<string, StoredEvent[]>> {
  const bySubject = new Map<string, StoredEvent[]>();
  for (const part of chunks([...new Set(subjectKeys)], 500)) {
    const rows = await tx('events')
      .select('id', 'subject_key', 'entity_ref', 'event_time', 'payload')
      .whereIn('subject_key', part);
    for (const r of rows) {
      const list = bySubject.get(r.subject_key) ?? [];
      list.push({
        id: r.id,
        entityRef: r.entity_ref,
        eventTime: Number(r.event_time),
        event: JSON.parse(r.payload),
      });
      bySubject.set(r.subject_key, list);
    }
  }
  return bySubject;
}

/**
 * Re-derives the ledger rows of the given subjects from all of their stored events.
 * Commits are facts that do not change, so they are merged rather than folded.
 * The events are read under the subjects' locks, so a concurrent writer of the same subject
 * either committed before (and its events are folded in here) or folds after this commits.
 */
export async function reproject(tx: Knex.Transaction, subjectKeys: string[]) {
  // Subjects linked to these (an artifact's deployments, incidents placed by where they hit)
  // are re-derived too, so they are found first and locked with the others in one sorted
  // acquisition: a second lock phase could deadlock against a writer of those subjects.
  // SQLite serialises writes, so only PostgreSQL pays for this read before the lock.
  const linked = takesWriteLocks(tx)
    ? await linkedSubjects(tx, await loadEvents(tx, subjectKeys))
    : [];
  await lockForWrite(tx, 'subject', [...subjectKeys, ...linked]);
  const bySubject = await loadEvents(tx, subjectKeys);
  for (const [key, events] of await loadEvents(tx, await linkedSubjects(tx, bySubject)))
    bySubject.set(key, events);
  const withoutCommits: Array<{ id: string; digest: string }> = [];
  const placements: Array<{ row: IncidentRow; entityRefs: string[]; placement: Placement }> = [];
  const deployments = [];
  const deploymentCommits: Array<{ deployment_id: string; commit_sha: string }> = [];
  const incidents = [];
  const incidentEntities: Array<{ incident_id: string; entity_ref: string }> = [];
  const builds = [];
  const artifacts = [];
  const testRuns = [];
  const commits = new Map<string, object>();

  for (const [key, events] of bySubject) {
    const kind = key.slice(0, key.indexOf(':'));
    if (kind === 'deployment') {
      const { row, commits: shas } = foldDeployment(events);
      deployments.push(row);
      for (const sha of shas) deploymentCommits.push({ deployment_id: row.id, commit_sha: sha });
      if (shas.length === 0 && row.artifact_digest) withoutCommits.push({ id: row.id, digest: row.artifact_digest });
    } else if (kind === 'incident') {
      const { row, entityRefs } = foldIncident(events);
      incidents.push(row);
      for (const ref of entityRefs) incidentEntities.push({ incident_id: row.id, entity_ref: ref });
      const placement = placementOf(events);
      if (placement && !row.deployment_id) placements.push({ row, entityRefs, placement });
    } else if (kind === 'build') {
      builds.push(foldBuild(events));
    } else if (kind === 'artifact') {
      artifacts.push(foldArtifact(events));
    } else if (kind === 'test') {
      testRuns.push(foldTestRun(events));
    } else if (kind === 'commits') {
      for (const stored of events) {
        if (stored.event.type !== 'commits') continue;
        for (const c of stored.event.commits) {
          commits.set(`${c.repository}\u0000${c.sha}`, {
            sha: c.sha,
            repository: c.repository,
            authored_at: c.authoredAt ? Date.parse(c.authoredAt) : null,
            committed_at: Date.parse(c.committedAt),
            merged_at: c.mergedAt ? Date.parse(c.mergedAt) : null,
            author: c.author ?? null,
            pr_number: c.prNumber ?? null,
            title: c.title ?? null,
          });
        }
      }
    }
  }

  const commitOfArtifact = await artifactCommits(tx, withoutCommits.map(d => d.digest), artifacts);
  for (const d of withoutCommits) {
    const sha = commitOfArtifact.get(d.digest);
    if (sha) deploymentCommits.push({ deployment_id: d.id, commit_sha: sha });
  }
  const refolded = new Set(deployments.map(d => d.id));
  // The rollback rule reads and completes every deployment of an entity's environment, so
  // writers of one environment are serialised too: the scopes these deployments were in
  // (a deployment that moved leaves a rollback behind there) and the ones they are in now.
  const scopes = [
    ...(await scopesOfDeployments(tx, [...refolded])),
    ...deployments.flatMap(d =>
      d.entity_ref ? [{ entityRef: d.entity_ref, environment: d.environment }] : [],
    ),
  ];
  await lockForWrite(tx, 'scope', scopes.map(s => `${s.entityRef}\u0000${s.environment}`));
  await upsert(tx, 'deployments', 'id', deployments);
  for (const part of chunks(deployments.map(d => d.id), 500)) {
    await tx('deployment_commits').whereIn('deployment_id', part).delete();
  }
  await upsert(tx, 'deployment_commits', ['deployment_id', 'commit_sha'], deploymentCommits);
  const ruleCommits = await reapplyRollbackRule(tx, scopes, refolded);
  // One sorted acquisition of commit locks per write, so two writers cannot deadlock.
  await refreshEnvironmentCommits(tx, [...deploymentCommits.map(c => c.commit_sha), ...ruleCommits]);
  for (const { row, entityRefs, placement } of placements) {
    if (row.detected_at !== null) row.deployment_id = (await placedDeployment(tx, placement, entityRefs, row.detected_at)) ?? null;
  }
  await applyPeoplesAttributions(tx, incidents);
  await upsert(tx, 'incidents', 'id', incidents);
  for (const part of chunks(incidents.map(i => i.id), 500)) {
    await tx('incident_entities').whereIn('incident_id', part).delete();
  }
  await upsert(tx, 'incident_entities', ['incident_id', 'entity_ref'], incidentEntities);
  await upsert(tx, 'builds', 'id', builds);
  await upsert(tx, 'artifacts', 'digest', artifacts);
  await upsert(tx, 'test_runs', 'id', testRuns);
  await upsert(
    tx,
    'commits',
    ['sha', 'repository'],
    [...commits.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row),
  );
}

/**
 * Recomputes, for the given commits, the earliest successful deployment that brought each
 * to each entity's environment. Depends only on the deployments stored, so late or
 * out-of-order events converge to the same answer.
 */
export async function refreshEnvironmentCommits(tx: Knex.Transaction, shas: string[]) {
  const unique = [...new Set(shas)];
  // Two batches deploying the same commit would otherwise each see only its own deployment.
  await lockForWrite(tx, 'commit', unique);
  for (const part of chunks(unique, 500)) {
    const rows = await tx('deployment_commits as dc')
      .join('deployments as d', 'd.id', 'dc.deployment_id')
      .select('dc.commit_sha', 'd.entity_ref', 'd.environment', 'd.id', 'd.sort_time')
      .whereIn('dc.commit_sha', part)
      .whereNotNull('d.entity_ref')
      .where('d.status', 'succeeded');
    const first = new Map<string, { entity_ref: string; environment: string; commit_sha: string; first_deployment_id: string; first_time: number }>();
    for (const r of rows) {
      const key = `${r.entity_ref}\u0000${r.environment}\u0000${r.commit_sha}`;
      const time = Number(r.sort_time);
      const current = first.get(key);
      if (!current || time < current.first_time || (time === current.first_time && r.id < current.first_deployment_id)) {
        first.set(key, {
          entity_ref: r.entity_ref,
          environment: r.environment,
          commit_sha: r.commit_sha,
          first_deployment_id: r.id,
          first_time: time,
        });
      }
    }
    await tx('environment_commits').whereIn('commit_sha', part).delete();
    await upsert(tx, 'environment_commits', ['entity_ref', 'environment', 'commit_sha'], [...first.values()]);
  }
}

export { chunks };
