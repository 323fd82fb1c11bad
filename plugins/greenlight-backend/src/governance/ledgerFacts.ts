import type { DeploymentFact, TestRunFact } from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { ownOrUnmatched } from '../database/commitDetails';

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export type ChangeIdentity = { artifactDigest?: string; buildId?: string; commitSha?: string };

export type LedgerDeployment = {
  id: string;
  entityRef: string | null;
  environment: string;
  status: string;
  strategy: string;
  intent: string;
  version: string | null;
  commitSha: string | null;
  artifactDigest: string | null;
  buildId: string | null;
  artifactCommitSha: string | null;
  startedAt: number | null;
  sortTime: number;
};

const DEPLOYMENT_COLUMNS = ['d.*', 'a.build_id as artifact_build_id', 'a.commit_sha as artifact_commit_sha'];

function toDeployment(r: any): LedgerDeployment {
  return {
    id: r.id,
    entityRef: r.entity_ref,
    environment: r.environment,
    status: r.status,
    strategy: r.strategy,
    intent: r.intent,
    version: r.version,
    commitSha: r.commit_sha,
    artifactDigest: r.artifact_digest,
    buildId: r.artifact_build_id ?? null,
    artifactCommitSha: r.artifact_commit_sha ?? null,
    startedAt: num(r.started_at),
    sortTime: Number(r.sort_time),
  };
}

/**
 * Keeps a read of `test_runs` (aliased `alias`) to the runs one entity knows as its evidence:
 * its own, and those of events that matched no entity. A test run is evidence a pipeline
 * asserts; read by artifact, build or commit alone, another team's pipeline, allowed to write
 * only its own entity, could post a passing run of this entity's digest or commit (in a monorepo
 * commits are shared) and pass this entity's readiness controls and checklist. So, as for commit
 * details (`commitDetailsOf`), a run counts for the entity whose events reported it, or for every
 * entity when its events matched none: only an unscoped service can write such events
 * (`authorizeEntityWrites`). Unlike commit details, which keep `''`, a run that matched no entity
 * has `entity_ref` NULL (`foldTestRun`); runs are kept per id, so each is one entity's or none's,
 * and an entity's own runs and the unmatched ones are read together.
 *
 * @param entity - the entity's ref, or a column holding it (`knex.ref`)
 */
function ownOrUnmatchedRuns(alias: string, entity: string | Knex.Ref<string, any>) {
  return (q: Knex.QueryBuilder) =>
    q.where(`${alias}.entity_ref`, entity as any).orWhereNull(`${alias}.entity_ref`);
}

/** Which identity tied a test run to the change: the artifact is strongest, then the build. */
function matchedBy(run: any, identity: ChangeIdentity): TestRunFact['matchedBy'] {
  if (identity.artifactDigest && run.artifact_digest === identity.artifactDigest) return 'artifact';
  if (identity.buildId && run.build_id === identity.buildId) return 'build';
  return 'commit';
}

/** Reads of the delivery ledger that governance decisions are made from. */
export class LedgerFacts {
  constructor(private readonly knex: Knex) {}

  async deployment(id: string): Promise<LedgerDeployment | undefined> {
    const row = await this.knex('deployments as d')
      .leftJoin('artifacts as a', 'a.digest', 'd.artifact_digest')
      .select(DEPLOYMENT_COLUMNS)
      .where('d.id', id)
      .first();
    return row ? toDeployment(row) : undefined;
  }

  async artifact(digest: string): Promise<{ buildId: string | null; commitSha: string | null } | undefined> {
    const row = await this.knex('artifacts').where('digest', digest).first();
    return row ? { buildId: row.build_id, commitSha: row.commit_sha } : undefined;
  }

  /**
   * Test runs tied to the artifact, its build or its commit, as the release detail ties them,
   * that the entity knows as its evidence: its own, and those that matched no entity
   * (`ownOrUnmatchedRuns`), never another entity's. Every governance reader must pass the
   * entity; without it the read is not scoped, as before runs were kept to their entity.
   */
  async testRuns(identity: ChangeIdentity, entityRef: string, limit = 500): Promise<TestRunFact[]> {
    const { artifactDigest, buildId, commitSha } = identity;
    if (!artifactDigest && !buildId && !commitSha) return [];
    const query = this.knex('test_runs as t')
      .select('t.id', 't.suite', 't.outcome', 't.finished_at', 't.artifact_digest', 't.build_id', 't.commit_sha')
      .where(q => {
        if (artifactDigest) q.orWhere('t.artifact_digest', artifactDigest);
        if (buildId) q.orWhere('t.build_id', buildId);
        if (commitSha) q.orWhere('t.commit_sha', commitSha);
      });
    if (entityRef !== undefined) query.where(ownOrUnmatchedRuns('t', entityRef));
    const rows = await query
      .orderBy([
        { column: 't.finished_at', order: 'desc' },
        { column: 't.id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(r => ({
      id: r.id,
      suite: r.suite,
      outcome: r.outcome,
      finishedAt: num(r.finished_at),
      matchedBy: matchedBy(r, identity),
    }));
  }

  /**
   * The newest succeeded deployment of the entity to the environment whose version is the
   * given text, or whose commit is (a full SHA, or a short one of at least 7 hex digits).
   */
  async succeededDeploymentOf(
    entityRef: string,
    environment: string,
    versionOrCommit: string,
  ): Promise<DeploymentFact | null> {
    const row = await this.knex('deployments')
      .where({ entity_ref: entityRef, environment, status: 'succeeded' })
      .where(q => {
        q.where('version', versionOrCommit).orWhere('commit_sha', versionOrCommit);
        if (/^[a-f0-9]{7,64}$/.test(versionOrCommit)) q.orWhere('commit_sha', 'like', `${versionOrCommit}%`);
      })
      .orderBy([
        { column: 'sort_time', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    if (!row) return null;
    const rollbacks = await this.knex('deployments').select('id').where('rollback_of', row.id).orderBy('id');
    return {
      id: row.id,
      environment: row.environment,
      version: row.version,
      commitSha: row.commit_sha,
      status: row.status,
      finishedAt: num(row.finished_at),
      rolledBackBy: rollbacks.map(r => r.id),
    };
  }

  async commitTitles(shas: string[], entityRef: string, deploymentId?: string): Promise<string[]> {
    // The titles as the entity knows them (`ownOrUnmatched`): another team's cannot reclassify its change.
    const q = this.knex('commits').select('sha', 'entity_ref', 'title').whereNotNull('title').whereIn('entity_ref', [entityRef, '']);
    q.where(w => {
      if (shas.length > 0) w.whereIn('sha', shas);
      if (deploymentId) {
        w.orWhereIn('sha', this.knex('deployment_commits').select('commit_sha').where('deployment_id', deploymentId));
      }
      if (shas.length === 0 && !deploymentId) w.whereRaw('1 = 0');
    });
    // The entity's own rows sort before the unmatched ('') ones, so the limit cuts those first.
    const rows = await q.orderBy('entity_ref', 'desc').limit(1000);
    return [...new Set(ownOrUnmatched(rows, entityRef).map(r => r.title as string))];
  }

  /** Deployments of the entity to the environments in [from, to), newest first. */
  async deployments(
    entityRef: string,
    environments: string[],
    from: number,
    to: number,
  ): Promise<LedgerDeployment[]> {
    if (environments.length === 0) return [];
    const rows = await this.knex('deployments as d')
      .leftJoin('artifacts as a', 'a.digest', 'd.artifact_digest')
      .select(DEPLOYMENT_COLUMNS)
      .where('d.entity_ref', entityRef)
      .whereIn('d.environment', environments)
      .where('d.sort_time', '>=', from)
      .where('d.sort_time', '<', to)
      .orderBy([
        { column: 'd.sort_time', order: 'desc' },
        { column: 'd.id', order: 'desc' },
      ]);
    return rows.map(toDeployment);
  }

  /**
   * Deployments of the entity to the environments in [from, to) with no passing test run
   * finished before the deployment started (by artifact digest, build id or commit) that is the
   * deploying entity's own or matched no entity (`ownOrUnmatchedRuns`).
   * Cancelled deployments never ran anything and are left out.
   */
  async untestedDeployments(
    entityRef: string,
    environments: string[],
    from: number,
    to: number,
  ): Promise<LedgerDeployment[]> {
    if (environments.length === 0) return [];
    return this.untested(q =>
      q
        .where('d.entity_ref', entityRef)
        .whereIn('d.environment', environments)
        .where('d.sort_time', '>=', from)
        .where('d.sort_time', '<', to),
    );
  }

  /** Which of the deployments had no passing test run before them (see untestedDeployments). */
  async untestedAmong(ids: string[]): Promise<LedgerDeployment[]> {
    if (ids.length === 0) return [];
    return this.untested(q => q.whereIn('d.id', ids));
  }

  private async untested(scope: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<LedgerDeployment[]> {
    const knex = this.knex;
    const passingBefore = knex('test_runs as t')
      .select(knex.raw('1'))
      .where('t.outcome', 'passed')
      .where('t.finished_at', '<=', knex.raw('coalesce(d.started_at, d.sort_time)'))
      .where(q =>
        q
          .where('t.artifact_digest', knex.ref('d.artifact_digest'))
          .orWhere('t.build_id', knex.ref('a.build_id'))
          .orWhere('t.commit_sha', knex.ref('d.commit_sha')),
      )
      // The deploying entity's own runs and unmatched ones: never another team's.
      .where(ownOrUnmatchedRuns('t', knex.ref('d.entity_ref')));
    const rows = await scope(
      knex('deployments as d')
        .leftJoin('artifacts as a', 'a.digest', 'd.artifact_digest')
        .select(DEPLOYMENT_COLUMNS),
    )
      .whereNot('d.status', 'cancelled')
      .whereNotExists(passingBefore)
      .orderBy([
        { column: 'd.sort_time', order: 'desc' },
        { column: 'd.id', order: 'desc' },
      ]);
    return rows.map(toDeployment);
  }

  /** What runs in each environment now: its newest succeeded deployment. */
  async current(entityRef: string, environments: string[]): Promise<LedgerDeployment[]> {
    const result: LedgerDeployment[] = [];
    for (const environment of environments) {
      const row = await this.knex('deployments as d')
        .leftJoin('artifacts as a', 'a.digest', 'd.artifact_digest')
        .select(DEPLOYMENT_COLUMNS)
        .where({ 'd.entity_ref': entityRef, 'd.environment': environment, 'd.status': 'succeeded' })
        .orderBy([
          { column: 'd.sort_time', order: 'desc' },
          { column: 'd.id', order: 'desc' },
        ])
        .first();
      if (row) result.push(toDeployment(row));
    }
    return result;
  }

  /** The newest audit entry with one of the actions about one of the subjects, since a time. */
  async latestAudit(
    actions: string[],
    subjectType: string,
    subjectIds: string[],
    since: number,
  ): Promise<{ at: number; actor: string; action: string; subjectId: string } | undefined> {
    if (subjectIds.length === 0) return undefined;
    const row = await this.knex('audit_log')
      .whereIn('action', actions)
      .where('subject_type', subjectType)
      // group refs are compared without case, as the catalog compares them
      .whereIn(this.knex.raw('lower(subject_id)') as any, subjectIds.map(s => s.toLocaleLowerCase('en-US')))
      .where('at', '>=', since)
      .orderBy('at', 'desc')
      .first();
    return row ? { at: Number(row.at), actor: row.actor, action: row.action, subjectId: row.subject_id } : undefined;
  }
}
