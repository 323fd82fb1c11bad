import { createHash, randomUUID } from 'node:crypto';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  assessReadiness,
  ChangeClass,
  classifyChange,
  Evidence,
  EVIDENCE_KEYS,
  PolicyViolation,
  ProvenanceFact,
  ReadinessDecisionView,
  ReadinessFacts,
  canonicalRefOf,
} from '@greenlight/backstage-plugin-greenlight-common';
import { EnvironmentConfig } from '../config';
import { assertConfiguredEnvironment } from './configuredEnvironment';
import { classificationRulesFor, requireTestsPolicy, sloDocumentOf } from './changeRules';
import { ChangeWindowConfig, evaluateWindowsFor, RolloutConstraintView, WindowAnswer } from './changeWindows';
import { EmergencyStopStore } from './emergencyStop';
import { RuntimeFreezeStore } from './freezes/RuntimeFreezeStore';
import { windowsWithFreezes } from './freezes/windowsWithFreezes';
import { GovernanceConfig } from './governanceConfig';
import { LedgerDeployment, LedgerFacts } from './ledgerFacts';
import { overrideCovers } from './overrideReuse';
import { ProvenanceVerdicts } from './provenanceVerdicts';
import { AuditEntry, BreakGlassStore, ReadinessStore, StoredDecision } from './store/GovernanceStore';

export type ReadinessRequest = {
  environment: string;
  change: {
    changedFiles?: string[];
    commitRange?: string;
    labels?: string[];
    commitSha?: string;
    artifactDigest?: string;
    deploymentId?: string;
    /** An open break-glass change of the entity that lets this change through a window or freeze. */
    breakGlassId?: string;
  };
  evidence?: Evidence;
};

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Identifies "the same change" for reusing an override: the release it is tied to and what it
 * touches, but not its evidence. Null when nothing ties it to a release, because an override of
 * an anonymous change must not let every other anonymous change through.
 */
function changeKeyOf(
  entityRef: string,
  environment: string,
  change: ReadinessRequest['change'],
  resolved: { artifactDigest: string | null; commitSha: string | null },
): string | null {
  if (!change.deploymentId && !resolved.artifactDigest && !resolved.commitSha && !change.commitRange) {
    return null;
  }
  const identity = {
    entityRef,
    environment,
    deploymentId: change.deploymentId ?? null,
    artifactDigest: resolved.artifactDigest,
    commitSha: resolved.commitSha,
    commitRange: change.commitRange ?? null,
    changedFiles: [...new Set(change.changedFiles ?? [])].sort(),
    labels: [...new Set((change.labels ?? []).map(l => l.toLowerCase()))].sort(),
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/** A mandatory-tests policy result that failed, as a violation on the release. */
export function violationsOf(decision: StoredDecision, at: string | null): PolicyViolation[] {
  return decision.policy
    .filter(p => p.id === 'mandatory-tests' && !p.satisfied)
    .map(p => ({
      kind: 'untested-production-deployment' as const,
      entityRef: decision.entityRef,
      releaseId: decision.deploymentId,
      environment: decision.environment,
      at,
      artifactDigest: decision.artifactDigest,
      commitSha: decision.commitSha,
      enforced: p.enforced,
      reason: p.reason,
    }));
}

/** The override that applies: the decision's own, else the one of the decision it reused. */
function overrideOf(d: StoredDecision, source?: StoredDecision): ReadinessDecisionView['override'] {
  const owner = d.override ? d : source;
  if (!owner?.override) return null;
  return {
    decisionId: owner.id,
    by: owner.override.by,
    at: iso(owner.override.at),
    reason: owner.override.reason,
  };
}

export const CHANGE_WINDOW_POLICY = 'change-window';

export function decisionView(d: StoredDecision, overrideSource?: StoredDecision): ReadinessDecisionView {
  const override = overrideOf(d, overrideSource);
  const windowPolicy = d.policy.find(p => p.id === CHANGE_WINDOW_POLICY)?.evidence as
    | { window: WindowAnswer; rolloutConstraints: RolloutConstraintView[] }
    | undefined;
  return {
    decisionId: d.id,
    decision: override ? 'allow' : d.assessed,
    assessed: d.assessed,
    entityRef: d.entityRef,
    environment: d.environment,
    classes: d.classes,
    policy: d.policy,
    missingControls: d.missingControls,
    violations: violationsOf(d, null),
    release: { deploymentId: d.deploymentId, artifactDigest: d.artifactDigest, commitSha: d.commitSha },
    actor: d.actor,
    decidedAt: iso(d.decidedAt),
    override,
    ...(windowPolicy ? { window: windowPolicy.window, rolloutConstraints: windowPolicy.rolloutConstraints } : {}),
  };
}

/** Answers readiness requests from the entity, the ledger and the evidence, and keeps every answer. */
export class ReadinessService {
  constructor(
    private readonly deps: {
      config: GovernanceConfig;
      environments: EnvironmentConfig[];
      ledger: LedgerFacts;
      provenance: ProvenanceVerdicts;
      store: ReadinessStore;
      rollbackMechanisms: () => string[];
      windows?: ChangeWindowConfig;
      breakGlass?: BreakGlassStore;
      stops?: EmergencyStopStore;
      /** Freezes declared through the API, honoured exactly like configured ones. */
      freezes?: RuntimeFreezeStore;
      now?: () => number;
    },
  ) {}

  async decide(entity: Entity, request: ReadinessRequest, actor: string): Promise<ReadinessDecisionView> {
    const { config, ledger, store } = this.deps;
    const entityRef = canonicalRefOf(entity);
    const { change } = request;
    const evidence = request.evidence ?? {};

    assertConfiguredEnvironment(this.deps.environments, request.environment);
    let deployment: LedgerDeployment | undefined;
    if (change.deploymentId) {
      // A deployment not yet reported is fine: the pipeline may ask before it starts.
      deployment = await ledger.deployment(change.deploymentId);
      if (deployment?.entityRef && deployment.entityRef !== entityRef) {
        throw new InputError(
          `change.deploymentId: deployment ${change.deploymentId} belongs to ${deployment.entityRef}, not ${entityRef}`,
        );
      }
      // The decision is shown on that deployment's release: it must be about that deployment.
      if (deployment && deployment.environment !== request.environment) {
        throw new InputError(
          `environment: deployment ${change.deploymentId} is to ${deployment.environment}, not ${request.environment}`,
        );
      }
      if (deployment?.artifactDigest && change.artifactDigest && change.artifactDigest !== deployment.artifactDigest) {
        throw new InputError(
          `change.artifactDigest: deployment ${change.deploymentId} deployed ${deployment.artifactDigest}, not ${change.artifactDigest}`,
        );
      }
    }
    const artifactDigest = change.artifactDigest ?? deployment?.artifactDigest ?? null;
    const artifact = artifactDigest ? await ledger.artifact(artifactDigest) : undefined;
    const commitSha = change.commitSha ?? deployment?.commitSha ?? artifact?.commitSha ?? null;
    const buildId = artifact?.buildId ?? deployment?.buildId ?? null;

    const classification = classifyChange(
      {
        changedFiles: change.changedFiles,
        labels: change.labels,
        commitTitles: await ledger.commitTitles(commitSha ? [commitSha] : [], entityRef, change.deploymentId),
      },
      classificationRulesFor(entity, config),
    );

    const identity = {
      artifactDigest: artifactDigest ?? undefined,
      buildId: buildId ?? undefined,
      commitSha: commitSha ?? undefined,
    };
    const expandVersion = evidence[EVIDENCE_KEYS.expandDeployedVersion];
    const facts: ReadinessFacts = {
      environment: request.environment,
      evidence,
      sloDocument: sloDocumentOf(entity),
      rollbackMechanisms: this.deps.rollbackMechanisms(),
      change: { ...identity, deploymentId: change.deploymentId },
      testRuns: await ledger.testRuns(identity, entityRef),
      provenance: artifactDigest
        ? await this.deps.provenance.of(artifactDigest)
        : ({ status: 'unknown' } as ProvenanceFact),
      expandDeployment:
        expandVersion !== undefined && String(expandVersion).trim() !== ''
          ? await ledger.succeededDeploymentOf(entityRef, request.environment, String(expandVersion).trim())
          : undefined,
    };

    const production =
      this.deps.environments.find(e => e.name === request.environment)?.tier === 'production';
    const policy = requireTestsPolicy(entity, config);
    let mandatoryTests: 'enforced' | 'advisory' | 'not-applicable' = 'not-applicable';
    if (production) mandatoryTests = policy.requireTests ? 'enforced' : 'advisory';
    const assessment = assessReadiness({
      classification,
      matrix: config.matrix,
      facts,
      mandatoryTests,
    });

    const windowPolicy = await this.windowPolicy(entity, entityRef, request, assessment.classes.map(c => c.class));
    // An emergency stop denies every new change in its scope; break-glass does not lift it.
    const stop = await this.deps.stops?.activeFor(request.environment);
    if (stop) {
      assessment.policy.push({
        id: 'emergency-stop',
        title: 'Emergency stop',
        satisfied: false,
        enforced: true,
        reason: `emergency stop of ${stop.scope} pulled by ${stop.pulledBy} at ${iso(stop.pulledAt)}: ${stop.reason}`,
        evidence: { scope: stop.scope },
      });
      assessment.missingControls.push('emergency-stop');
      assessment.decision = 'block';
    }
    if (windowPolicy) {
      assessment.policy.push(windowPolicy);
      if (!windowPolicy.satisfied) {
        assessment.missingControls.push(CHANGE_WINDOW_POLICY);
        assessment.decision = 'block';
      }
    }

    const changeKey = changeKeyOf(entityRef, request.environment, change, { artifactDigest, commitSha });
    // An earlier override answers for missing controls, not for a closed window, a freeze or an
    // emergency stop: break-glass is the way through a window, lifting the stop the way past it.
    const timeBound = assessment.missingControls.some(
      c => c === CHANGE_WINDOW_POLICY || c === 'emergency-stop',
    );
    const latestOverride =
      assessment.decision === 'block' && changeKey && !timeBound
        ? await store.findOverride(changeKey)
        : undefined;
    const overridden =
      latestOverride && overrideCovers(latestOverride.missingControls, assessment.missingControls)
        ? latestOverride
        : undefined;

    const decision: StoredDecision = {
      id: randomUUID(),
      entityRef,
      environment: request.environment,
      assessed: assessment.decision,
      classes: assessment.classes,
      policy: assessment.policy,
      missingControls: assessment.missingControls,
      change: { ...change },
      evidence,
      changeKey,
      deploymentId: change.deploymentId ?? null,
      artifactDigest,
      commitSha,
      actor,
      decidedAt: Date.now(),
      override: null,
      overrideOf: overridden?.id ?? null,
    };
    // Every decision is audited: against the deployment when it names one, so that the release's
    // own audit trail shows it, else against the decision itself.
    const audit: AuditEntry[] = [
      {
        actor,
        action: overridden ? 'readiness.allow-by-override' : `readiness.${assessment.decision}`,
        subjectType: decision.deploymentId ? 'deployment' : 'readiness-decision',
        subjectId: decision.deploymentId ?? decision.id,
        entityRef,
        details: {
          decisionId: decision.id,
          missingControls: decision.missingControls,
          ...(overridden ? { overrideOf: overridden.id } : {}),
        },
      },
    ];
    const breakGlassId = (windowPolicy?.evidence as { window?: WindowAnswer } | undefined)?.window?.breakGlassId;
    if (breakGlassId) {
      // Recorded against the break-glass change: this is how it went through a closed window.
      audit.push({
        actor,
        action: 'readiness.through-break-glass',
        subjectType: 'break-glass',
        subjectId: breakGlassId,
        entityRef,
        details: { decisionId: decision.id, environment: request.environment, reasons: windowPolicy!.reason },
      });
    }
    await store.record(decision, audit);
    return decisionView(decision, overridden);
  }

  /** The configured windows and freezes with the freezes declared through the API at `now`. */
  async windowsAt(now: number): Promise<ChangeWindowConfig | undefined> {
    return windowsWithFreezes(this.deps.windows, (await this.deps.freezes?.current(now)) ?? []);
  }

  /**
   * The change-window policy: closed windows and freezes block unless an open break-glass change
   * of the same entity (and environment, when it names one) is given. Undefined when no window,
   * freeze or rollout constraint is configured.
   */
  private async windowPolicy(entity: Entity, entityRef: string, request: ReadinessRequest, classes: ChangeClass[]) {
    const now = (this.deps.now ?? Date.now)();
    const windows = await this.windowsAt(now);
    if (!windows) return undefined;
    const evaluated = evaluateWindowsFor(entity, windows, classes, request.environment, now);
    const { window } = evaluated;
    let satisfied = window.allowed;
    let reason = window.allowed ? 'inside every change window that applies, and no freeze' : window.reasons.join('; ');
    const breakGlassId = request.change.breakGlassId;
    if (breakGlassId) {
      const entry = await this.deps.breakGlass?.get(breakGlassId);
      if (!entry || entry.entityRef !== entityRef) {
        throw new InputError(`change.breakGlassId: no break-glass change ${breakGlassId} for ${entityRef}`);
      }
      if (entry.reconciliation) {
        throw new InputError(`change.breakGlassId: break-glass change ${breakGlassId} is already reconciled`);
      }
      // An emergency's way around the windows lasts until it is due to be reconciled, not for
      // ever: after that it is overdue, and a new emergency is a new break-glass record.
      if (now > entry.reconcileBy) {
        throw new InputError(
          `change.breakGlassId: break-glass change ${breakGlassId} was due to be reconciled by ${new Date(
            entry.reconcileBy,
          ).toISOString()}; it no longer opens a window`,
        );
      }
      if (entry.environment && entry.environment !== request.environment) {
        throw new InputError(
          `change.breakGlassId: break-glass change ${breakGlassId} is for ${entry.environment}, not ${request.environment}`,
        );
      }
      if (!window.allowed) {
        satisfied = true;
        window.breakGlassId = breakGlassId;
        reason = `through break-glass change ${breakGlassId}: ${reason}`;
      }
    }
    return {
      id: CHANGE_WINDOW_POLICY,
      title: 'Change window and freezes',
      satisfied,
      enforced: true,
      reason,
      evidence: evaluated as unknown as Record<string, unknown>,
    };
  }
}
