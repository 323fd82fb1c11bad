import { Knex } from 'knex';
import { insertAudit } from './audit';
import { AuditEntry, ReadinessStore, ReleaseLink, StoredDecision, StoredOverride } from './GovernanceStore';

const json = (v: string | null) => (v ? JSON.parse(v) : null);

function toRow(d: StoredDecision) {
  return {
    id: d.id,
    entity_ref: d.entityRef,
    environment: d.environment,
    decision: d.assessed,
    classes: JSON.stringify(d.classes),
    policy: JSON.stringify(d.policy),
    missing_controls: JSON.stringify(d.missingControls),
    change: JSON.stringify(d.change),
    evidence: JSON.stringify(d.evidence),
    change_key: d.changeKey,
    deployment_id: d.deploymentId,
    artifact_digest: d.artifactDigest,
    commit_sha: d.commitSha,
    actor: d.actor,
    decided_at: d.decidedAt,
    override_by: d.override?.by ?? null,
    override_reason: d.override?.reason ?? null,
    overridden_at: d.override?.at ?? null,
    override_of: d.overrideOf,
  };
}

function fromRow(r: any): StoredDecision {
  return {
    id: r.id,
    entityRef: r.entity_ref,
    environment: r.environment,
    assessed: r.decision,
    classes: json(r.classes) ?? [],
    policy: json(r.policy) ?? [],
    missingControls: json(r.missing_controls) ?? [],
    change: json(r.change) ?? {},
    evidence: json(r.evidence) ?? {},
    changeKey: r.change_key,
    deploymentId: r.deployment_id,
    artifactDigest: r.artifact_digest,
    commitSha: r.commit_sha,
    actor: r.actor,
    decidedAt: Number(r.decided_at),
    override: r.override_by
      ? { by: r.override_by, reason: r.override_reason, at: Number(r.overridden_at) }
      : null,
    overrideOf: r.override_of,
  };
}

export class KnexReadinessStore implements ReadinessStore {
  constructor(private readonly knex: Knex) {}

  async record(decision: StoredDecision, audit: AuditEntry[]) {
    await this.knex.transaction(async tx => {
      await tx('readiness_decisions').insert(toRow(decision));
      await insertAudit(tx, audit, decision.decidedAt);
    });
  }

  async get(id: string) {
    const row = await this.knex('readiness_decisions').where('id', id).first();
    return row ? fromRow(row) : undefined;
  }

  async findOverride(changeKey: string) {
    const row = await this.knex('readiness_decisions')
      .where('change_key', changeKey)
      .whereNotNull('override_by')
      .orderBy([
        { column: 'overridden_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    return row ? fromRow(row) : undefined;
  }

  async override(id: string, override: StoredOverride, audit: AuditEntry[]) {
    return this.knex.transaction(async tx => {
      // Conditional on still being blocked and not overridden, so two managers racing
      // leave exactly one override and one audit entry.
      const updated = await tx('readiness_decisions')
        .where({ id, decision: 'block' })
        .whereNull('override_by')
        .update({
          override_by: override.by,
          override_reason: override.reason,
          overridden_at: override.at,
        });
      if (updated === 0) return false;
      await insertAudit(tx, audit, override.at);
      return true;
    });
  }

  async listForRelease(entityRef: string, link: ReleaseLink, limit: number) {
    if (!link.deploymentId && !link.artifactDigest && !link.commitSha) return [];
    const rows = await this.knex('readiness_decisions')
      .where('entity_ref', entityRef)
      .where(q => {
        if (link.deploymentId) q.orWhere('deployment_id', link.deploymentId);
        if (link.artifactDigest) q.orWhere('artifact_digest', link.artifactDigest);
        if (link.commitSha) q.orWhere('commit_sha', link.commitSha);
      })
      .orderBy([
        { column: 'decided_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(fromRow);
  }

  async listForEntity(entityRef: string, limit: number) {
    const rows = await this.knex('readiness_decisions')
      .where('entity_ref', entityRef)
      .orderBy([
        { column: 'decided_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(fromRow);
  }

  async listForReleases(deploymentIds: string[], artifactDigests: string[]) {
    if (deploymentIds.length === 0 && artifactDigests.length === 0) return [];
    const rows = await this.knex('readiness_decisions')
      .where(q => {
        if (deploymentIds.length > 0) q.orWhereIn('deployment_id', deploymentIds);
        if (artifactDigests.length > 0) q.orWhereIn('artifact_digest', artifactDigests);
      })
      .orderBy([
        { column: 'decided_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(2000);
    return rows.map(fromRow);
  }
}
