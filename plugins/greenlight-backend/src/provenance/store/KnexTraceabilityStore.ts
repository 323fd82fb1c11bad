import type {
  BuildView,
  CommitView,
} from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { sameCommitSha } from '../service/sameCommit';
import { chunks } from '../../database/projectionWriter';
import { iso, num } from './rows';
import {
  ArtifactFacts,
  CommitArrival,
  DeploymentFacts,
  TraceabilityStore,
} from './TraceabilityStore';

function deploymentFacts(r: any): DeploymentFacts {
  return {
    id: r.id,
    entityRef: r.entity_ref ?? null,
    environment: r.environment,
    artifactDigest: r.artifact_digest ?? null,
    commitSha: r.commit_sha ?? null,
    status: r.status,
    intent: r.intent,
    version: r.version ?? null,
    actor: r.actor ?? null,
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
    sortTime: Number(r.sort_time),
    rollbackOf: r.rollback_of ?? null,
  };
}

function artifactFacts(r: any): ArtifactFacts {
  return {
    digest: r.digest,
    entityRef: r.entity_ref ?? null,
    name: r.name,
    purl: r.purl ?? null,
    buildId: r.build_id ?? null,
    commitSha: r.commit_sha ?? null,
    repository: r.repository ?? null,
    createdAt: num(r.created_at),
  };
}

function buildView(r: any): BuildView {
  return {
    id: r.id,
    repository: r.repository ?? null,
    commitSha: r.commit_sha ?? null,
    url: r.url ?? null,
    builder: r.builder ?? null,
    buildType: r.build_type ?? null,
    inputsDigest: r.inputs_digest ?? null,
    status: r.status,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
  };
}

/**
 * Per SHA asked for, the rows the entity's own events reported when any match it, else those
 * of events that matched no entity (`database/commitDetails.ts`). The choice is per SHA asked
 * for, not per row: a short SHA also matches other commits that share its prefix, and an
 * unmatched row of one of those must not stand beside the entity's own. The entity's own rows
 * come first, longer (more exact) spellings before shorter.
 */
function asTheEntityKnowsThem<T extends { sha: string; entity_ref: string }>(
  rows: T[],
  wanted: string[],
  entityRef: string,
): T[] {
  const kept = new Set<T>();
  for (const sha of wanted) {
    const matching = rows.filter(r => sameCommitSha(r.sha, sha));
    const own = matching.filter(r => r.entity_ref === entityRef);
    for (const r of own.length > 0 ? own : matching) kept.add(r);
  }
  const rank = (r: T) => (r.entity_ref === entityRef ? 0 : 1);
  return [...kept].sort(
    (a, b) => rank(a) - rank(b) || b.sha.length - a.sha.length,
  );
}

/**
 * Matches a stored SHA to a given one, full or abbreviated on either side, in a form the
 * SHA indexes serve: the stored value is one of the given SHA's prefixes (7 characters or
 * more), or starts with the given SHA. SHAs are lowercase hex, and `g` sorts after every
 * hex digit, so the range holds exactly the longer SHAs that start with it.
 */
function sameCommit(q: Knex.QueryBuilder, column: string, sha: string) {
  const prefixes: string[] = [];
  for (let length = Math.min(7, sha.length); length <= sha.length; length++) {
    prefixes.push(sha.slice(0, length));
  }
  return q.where(w =>
    w
      .whereIn(column, prefixes)
      .orWhere(range =>
        range.where(column, '>', sha).where(column, '<', `${sha}g`),
      ),
  );
}

export class KnexTraceabilityStore implements TraceabilityStore {
  constructor(private readonly knex: Knex) {}

  async artifact(digest: string) {
    const row = await this.knex('artifacts').where('digest', digest).first();
    return row ? artifactFacts(row) : undefined;
  }

  async artifactsOfCommit(commitSha: string) {
    const rows = await sameCommit(
      this.knex('artifacts').select('*'),
      'commit_sha',
      commitSha,
    ).limit(500);
    return rows.map(artifactFacts);
  }

  async buildsNamedByArtifactEvents(digests: string[]) {
    const pairs = new Map<string, { digest: string; buildId: string }>();
    for (const part of chunks([...new Set(digests)], 200)) {
      const rows = await this.knex('events')
        .select('payload')
        .whereIn(
          'subject_key',
          part.map(d => `artifact:${d}`),
        );
      for (const r of rows) {
        const artifact = JSON.parse(r.payload).artifact;
        if (artifact?.buildId) {
          pairs.set(`${artifact.digest}\n${artifact.buildId}`, {
            digest: artifact.digest,
            buildId: artifact.buildId,
          });
        }
      }
    }
    return [...pairs.values()].sort((a, b) =>
      a.buildId.localeCompare(b.buildId, 'en'),
    );
  }

  async builds(ids: string[]) {
    const out: BuildView[] = [];
    for (const part of chunks([...new Set(ids)], 500)) {
      out.push(
        ...(await this.knex('builds').whereIn('id', part).orderBy('id')).map(
          buildView,
        ),
      );
    }
    return out;
  }

  async buildsOfCommit(commitSha: string) {
    const rows = await sameCommit(
      this.knex('builds').select('*'),
      'commit_sha',
      commitSha,
    )
      .orderBy('id')
      .limit(500);
    return rows.map(buildView);
  }

  async commits(shas: string[], entityRef: string) {
    const wanted = [...new Set(shas)].filter(Boolean);
    if (wanted.length === 0 || !entityRef) return [];
    const rows = await this.knex('commits')
      .whereIn('entity_ref', [entityRef, ''])
      .andWhere(w => {
        for (const sha of wanted) w.orWhere(q => sameCommit(q, 'sha', sha));
      });
    return asTheEntityKnowsThem(rows, wanted, entityRef).map(
      (c): CommitView => ({
        sha: c.sha,
        repository: c.repository ?? null,
        author: c.author ?? null,
        title: c.title ?? null,
        prNumber: num(c.pr_number),
        committedAt: iso(c.committed_at),
        mergedAt: iso(c.merged_at),
      }),
    );
  }

  async deployments(ids: string[]) {
    const out: DeploymentFacts[] = [];
    for (const part of chunks([...new Set(ids)], 500)) {
      out.push(
        ...(await this.knex('deployments').whereIn('id', part)).map(
          deploymentFacts,
        ),
      );
    }
    return out;
  }

  async deploymentsOfDigest(digest: string) {
    const rows = await this.knex('deployments')
      .where('artifact_digest', digest)
      .orderBy([{ column: 'sort_time' }, { column: 'id' }])
      .limit(1000);
    return rows.map(deploymentFacts);
  }

  async promotionEvidence(query: {
    entityRefs: string[];
    environments: string[];
    digests: string[];
    commits: string[];
  }) {
    if (query.entityRefs.length === 0 || query.environments.length === 0)
      return [];
    const rows = await this.knex('deployments')
      .whereIn('entity_ref', [...new Set(query.entityRefs)])
      .whereIn('environment', query.environments)
      .whereNotNull('artifact_digest')
      .where(w => {
        w.whereIn('artifact_digest', [...new Set(query.digests)]);
        if (query.commits.length > 0)
          w.orWhereIn('commit_sha', [...new Set(query.commits)]);
      });
    return rows.map(deploymentFacts);
  }

  async successfulDeploymentAt(
    entityRef: string,
    environment: string,
    at?: number,
  ) {
    const q = this.knex('deployments')
      .where({ entity_ref: entityRef, environment, status: 'succeeded' })
      .orderBy([
        { column: 'sort_time', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    if (at !== undefined) q.where('sort_time', '<=', at);
    const row = await q;
    return row ? deploymentFacts(row) : undefined;
  }

  async nextSuccessfulDeployment(d: DeploymentFacts) {
    const row = await this.knex('deployments')
      .where({
        entity_ref: d.entityRef,
        environment: d.environment,
        status: 'succeeded',
      })
      .where(w =>
        w
          .where('sort_time', '>', d.sortTime)
          .orWhere(w2 =>
            w2.where('sort_time', d.sortTime).where('id', '>', d.id),
          ),
      )
      .orderBy([{ column: 'sort_time' }, { column: 'id' }])
      .first();
    return row ? deploymentFacts(row) : undefined;
  }

  async commitArrivals(
    entityRef: string,
    sha: string,
  ): Promise<CommitArrival[]> {
    const rows = await sameCommit(
      this.knex('environment_commits')
        .select('*')
        .where('entity_ref', entityRef),
      'commit_sha',
      sha,
    );
    return rows.map((r: any) => ({
      environment: r.environment,
      commitSha: r.commit_sha,
      firstDeploymentId: r.first_deployment_id,
      firstTime: Number(r.first_time),
    }));
  }

  async commitHistory(query: {
    entityRef: string;
    environment: string;
    commitSha: string;
    after: number;
    until: number;
  }) {
    const knex = this.knex;
    const contains = knex('deployment_commits as dc')
      .where('dc.deployment_id', knex.ref('d.id'))
      .where('dc.commit_sha', query.commitSha);
    const rows = await knex('deployments as d')
      .leftJoin('deployments as target', 'target.id', 'd.rollback_of')
      .select('d.*', 'target.sort_time as rollback_target_time')
      .select(
        knex.raw('case when exists ? then 1 else 0 end as contains_commit', [
          contains,
        ]),
      )
      .where({
        'd.entity_ref': query.entityRef,
        'd.environment': query.environment,
        'd.status': 'succeeded',
      })
      .where('d.sort_time', '>', query.after)
      .where('d.sort_time', '<=', query.until)
      .where(w => w.whereNotNull('d.rollback_of').orWhereExists(contains))
      .orderBy([{ column: 'd.sort_time' }, { column: 'd.id' }]);
    return rows.map(r => ({
      ...deploymentFacts(r),
      containsCommit: Number(r.contains_commit) === 1,
      rollbackTargetTime: num(r.rollback_target_time),
    }));
  }

  async environmentsOf(entityRef: string) {
    const rows = await this.knex('deployments')
      .distinct('environment')
      .where('entity_ref', entityRef);
    return rows.map((r: { environment: string }) => r.environment).sort();
  }
}
