import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  GREENLIGHT_ANNOTATIONS,
  type ChangeClass,
  type PolicyGate,
} from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { EnvironmentConfig } from '../../config';
import {
  ChangeWindowConfig,
  evaluateWindowsFor,
} from '../../governance/changeWindows';
import { RuntimeFreezeStore } from '../../governance/freezes/RuntimeFreezeStore';
import { windowsWithFreezes } from '../../governance/freezes/windowsWithFreezes';
import { ProvenanceVerdicts } from '../../governance/provenanceVerdicts';
import { promotionsFor } from '../../provenance/service/promotions';
import { KnexTraceabilityStore } from '../../provenance/store/KnexTraceabilityStore';
import { RolloutRecord } from '../RolloutStore';

/** What one policy gate says about a rollout now. */
export type PolicyCheck = {
  gate: PolicyGate;
  verdict: 'pass' | 'fail' | 'inconclusive';
  reason: string;
  /** What was checked, in words: stored where an SLO gate stores its query. */
  checked: string;
  details?: Record<string, unknown>;
};

/** A stored policy gate may carry why its requirement could not be read. */
export type StoredPolicyGate = PolicyGate & { problem?: string };

const short = (digest: string) => `${digest.slice(0, 19)}…`;

/** The entity's `greenlight.dev/slsa-level`: a level, a problem, or nothing. */
export function requiredLevelOf(entity: Entity | undefined): {
  level?: number;
  problem?: string;
} {
  const raw = entity?.metadata.annotations?.[GREENLIGHT_ANNOTATIONS.slsaLevel];
  if (raw === undefined) return {};
  const level = Number(raw.trim());
  if (!/^\d$/.test(raw.trim()) || level > 4) {
    return {
      problem: `annotation ${GREENLIGHT_ANNOTATIONS.slsaLevel} is '${raw}', not an SLSA level 0-4`,
    };
  }
  return { level };
}

/**
 * The policy gates a new rollout gets: those configured for its environment. The provenance
 * gate asks for the configured level or the entity's annotated one, whichever is higher: an
 * annotation can raise the bar, never lower it.
 */
export function policyGatesFor(
  configured: PolicyGate[],
  entity: Entity | undefined,
): StoredPolicyGate[] {
  const required = requiredLevelOf(entity);
  return configured.map(gate => {
    if (gate.kind !== 'provenance') return { ...gate };
    if (required.problem) return { ...gate, problem: required.problem };
    return {
      ...gate,
      minSlsaLevel: Math.max(gate.minSlsaLevel ?? 0, required.level ?? 0),
    };
  });
}

/**
 * Evaluates policy gates against what the ledger, the provenance verdicts and the readiness
 * decisions say now. Reads only; a read that fails makes the gate inconclusive, which holds a
 * promotion just as a failure does.
 */
export class PolicyGateChecks {
  private readonly provenance: ProvenanceVerdicts;
  private readonly traceability: KnexTraceabilityStore;

  constructor(
    private readonly deps: {
      knex: Knex;
      environments: EnvironmentConfig[];
      catalog: CatalogService;
      auth: AuthService;
      windows?: ChangeWindowConfig;
      freezes: RuntimeFreezeStore;
      /** The key ids the trust policy lists now (`trustedKeyIdsOf`). */
      trustedKeyIds: ReadonlySet<string>;
      logger: LoggerService;
      now?: () => number;
    },
  ) {
    this.provenance = new ProvenanceVerdicts(
      deps.knex,
      deps.trustedKeyIds,
      deps.logger,
    );
    this.traceability = new KnexTraceabilityStore(deps.knex);
  }

  async checkAll(rollout: RolloutRecord): Promise<PolicyCheck[]> {
    return Promise.all(rollout.policyGates.map(g => this.check(g, rollout)));
  }

  async check(
    gate: StoredPolicyGate,
    rollout: RolloutRecord,
  ): Promise<PolicyCheck> {
    try {
      if (gate.kind === 'provenance')
        return await this.provenanceOf(gate, rollout);
      if (gate.kind === 'promotion')
        return await this.promotionOf(gate, rollout);
      return await this.readinessOf(gate, rollout);
    } catch (e) {
      this.deps.logger.warn(
        `Policy gate ${gate.id} of rollout ${
          rollout.id
        } could not be checked: ${(e as Error).message}`,
      );
      return {
        gate,
        verdict: 'inconclusive',
        checked: gate.kind,
        reason: `could not be checked: ${(e as Error).message}`,
      };
    }
  }

  /**
   * What is rolled out: the digest the ledger records for the deployment. The digest the
   * rollout was started with is the caller's word; it counts only while the ledger names
   * none for the deployment.
   */
  private async digestOf(rollout: RolloutRecord): Promise<string | null> {
    const row = await this.deps
      .knex('deployments')
      .where('id', rollout.deploymentId)
      .first('artifact_digest');
    return row?.artifact_digest ?? rollout.artifactDigest ?? null;
  }

  private async provenanceOf(
    gate: StoredPolicyGate,
    rollout: RolloutRecord,
  ): Promise<PolicyCheck> {
    const required = gate.minSlsaLevel ?? 0;
    const checked = `verified provenance at SLSA level ${required} or higher`;
    const fail = (
      reason: string,
      details?: Record<string, unknown>,
    ): PolicyCheck => ({
      gate,
      verdict: 'fail',
      checked,
      reason,
      details,
    });
    if (gate.problem) return fail(gate.problem);
    const digest = await this.digestOf(rollout);
    if (!digest)
      return fail(
        'the rollout names no artifact digest, so nothing proves what is rolled out',
      );
    const fact = await this.provenance.of(digest);
    const details = {
      artifactDigest: digest,
      status: fact.status,
      requiredLevel: required,
    };
    if (fact.status === 'unsigned') {
      return fail(
        `artifact ${short(
          digest,
        )} is unsigned: it has no attestation, and SLSA level ${required} is required`,
        details,
      );
    }
    if (fact.status !== 'verified') {
      return fail(
        `artifact ${short(digest)} has no verified provenance (${fact.status}${
          fact.reason ? `: ${fact.reason}` : ''
        })`,
        details,
      );
    }
    const level = await this.provenance.verifiedLevel(digest);
    if ((level ?? 0) < required) {
      return fail(
        `artifact ${short(digest)} is verified at SLSA level ${
          level ?? 'unknown'
        }, below the required ${required}`,
        { ...details, level },
      );
    }
    return {
      gate,
      verdict: 'pass',
      checked,
      reason: `artifact ${short(digest)} is verified at SLSA level ${
        level ?? 0
      } (required ${required})`,
      details: { ...details, level },
    };
  }

  private async promotionOf(
    gate: StoredPolicyGate,
    rollout: RolloutRecord,
  ): Promise<PolicyCheck> {
    const checked =
      'the digest passed the previous stage of the promotion path';
    const [deployment] = await this.traceability.deployments([
      rollout.deploymentId,
    ]);
    const fail = (
      reason: string,
      details?: Record<string, unknown>,
    ): PolicyCheck => ({
      gate,
      verdict: 'fail',
      checked,
      reason,
      details,
    });
    if (!deployment)
      return fail(`deployment ${rollout.deploymentId} is not in the ledger`);
    const facts = {
      ...deployment,
      entityRef: deployment.entityRef ?? rollout.entityRef,
      artifactDigest: deployment.artifactDigest ?? rollout.artifactDigest,
    };
    if (!facts.artifactDigest)
      return fail('the deployment names no artifact digest');
    if (!this.deps.environments.some(e => e.name === facts.environment)) {
      return fail(
        `${facts.environment} is not on the promotion path (greenlight.environments)`,
      );
    }
    const verdict = (
      await promotionsFor(this.traceability, [facts], this.deps.environments)
    ).get(facts.id);
    const previous = this.deps.environments.find(
      e => e.order === verdict?.previousEnvOrder,
    )?.name;
    const details = { ...verdict };
    switch (verdict?.status) {
      case 'first-stage':
        return {
          gate,
          verdict: 'pass',
          checked,
          reason: `${facts.environment} is the first stage`,
          details,
        };
      case 'promoted':
        return {
          gate,
          verdict: 'pass',
          checked,
          reason: `promoted: the same digest succeeded in ${previous} (deployment ${verdict.evidenceDeploymentId})`,
          details,
        };
      case 'rebuilt':
        return fail(
          `rebuilt: the same commit reached an earlier stage as ${short(
            verdict.earlierArtifactDigest ?? '',
          )} (deployment ${
            verdict.evidenceDeploymentId
          }); this digest was never tested there`,
          details,
        );
      case 'skipped-stage':
        return fail(
          `skipped stage: this digest never succeeded in ${previous}`,
          details,
        );
      default:
        return fail('no promotion verdict could be reached for the deployment');
    }
  }

  private async readinessOf(
    gate: StoredPolicyGate,
    rollout: RolloutRecord,
  ): Promise<PolicyCheck> {
    const checked = 'the readiness decision of the change allows it now';
    const fail = (
      reason: string,
      details?: Record<string, unknown>,
    ): PolicyCheck => ({
      gate,
      verdict: 'fail',
      checked,
      reason,
      details,
    });
    const digest = await this.digestOf(rollout);
    // The latest decision asked for the deployment; only when none names it, the latest
    // asked for its artifact (as the release pages show it). A later question about the
    // same digest that names no deployment must not stand in for the deployment's own.
    const latest = (match: Record<string, string>) =>
      this.deps
        .knex('readiness_decisions')
        .where({
          entity_ref: rollout.entityRef,
          environment: rollout.environment,
          ...match,
        })
        .orderBy([
          { column: 'decided_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .first();
    const row =
      (await latest({ deployment_id: rollout.deploymentId })) ??
      (digest ? await latest({ artifact_digest: digest }) : undefined);
    if (!row) {
      return fail(
        `no readiness decision was asked for deployment ${
          rollout.deploymentId
        }${digest ? ` or artifact ${short(digest)}` : ''} in ${
          rollout.environment
        }`,
      );
    }
    const details: Record<string, unknown> = { decisionId: row.id };
    const overridden = Boolean(row.override_by || row.override_of);
    if (row.decision !== 'allow' && !overridden) {
      const missing = JSON.parse(row.missing_controls ?? '[]') as string[];
      return fail(
        `readiness decision ${row.id} blocked it (missing: ${missing.join(
          ', ',
        )})`,
        details,
      );
    }
    // The decision was right when it was made; a window that closed or a freeze declared
    // since then (configured or at runtime) holds the change now, unless it went through
    // break-glass.
    const policy = JSON.parse(row.policy ?? '[]') as Array<{
      id: string;
      evidence?: { window?: { breakGlassId?: string | null } };
    }>;
    const breakGlassId = policy.find(p => p.id === 'change-window')?.evidence
      ?.window?.breakGlassId;
    if (!breakGlassId) {
      const now = (this.deps.now ?? Date.now)();
      const windows = windowsWithFreezes(
        this.deps.windows,
        await this.deps.freezes.current(now),
      );
      if (windows) {
        const classes = (
          JSON.parse(row.classes ?? '[]') as Array<{ class: ChangeClass }>
        ).map(c => c.class);
        const entity = await this.deps.catalog.getEntityByRef(
          rollout.entityRef,
          {
            credentials: await this.deps.auth.getOwnServiceCredentials(),
          },
        );
        const { window } = evaluateWindowsFor(
          entity ?? ({ metadata: {} } as Entity),
          windows,
          classes,
          rollout.environment,
          now,
        );
        if (!window.allowed) {
          return fail(
            `readiness decision ${
              row.id
            } allowed it, but not now: ${window.reasons.join('; ')}`,
            { ...details, nextAllowedAt: window.nextAllowedAt },
          );
        }
      }
    }
    return {
      gate,
      verdict: 'pass',
      checked,
      reason: `readiness decision ${row.id} allows it${
        overridden ? ' (overridden)' : ''
      }${breakGlassId ? ` through break-glass change ${breakGlassId}` : ''}`,
      details,
    };
  }
}
