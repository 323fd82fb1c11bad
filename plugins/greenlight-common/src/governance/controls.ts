import { CHANGE_CLASSES, ChangeClass, isChangeClass } from './classes';
import { Evidence, EVIDENCE_KEYS, isFalse, isTrue, nonEmptyText, reviewableUrl } from './evidence';

/** @public */
export const CONTROL_IDS = [
  'canary-abort-metric',
  'automatic-rollback',
  'config-validated',
  'config-diff',
  'expand-contract',
  'contract-versioned',
  'compatibility-tests',
  'signed-provenance',
  'security-scan',
  'security-approval',
] as const;

/** @public */
export type ControlId = (typeof CONTROL_IDS)[number];

/** @public */
export const CONTROL_TITLES: Record<ControlId | 'mandatory-tests', string> = {
  'canary-abort-metric': 'A canary abort metric is configured (SLO gates)',
  'automatic-rollback': 'Automatic rollback is configured',
  'config-validated': 'Configuration is validated before it is applied',
  'config-diff': 'A reviewable configuration diff exists',
  'expand-contract':
    'Expand and contract: the additive phase is deployed and verified first, or a cutover plan exists',
  'contract-versioned': 'The API contract is versioned',
  'compatibility-tests': 'Contract compatibility tests pass',
  'signed-provenance': 'The artifact is signed with verified provenance',
  'security-scan': 'A security scan passed',
  'security-approval': 'A security approval is recorded',
  'mandatory-tests': 'The artifact has passing test evidence',
};

/**
 * The minimum controls each class of change needs, unless `greenlight.readiness.controls`
 * says otherwise.
 *
 * @public
 */
export const DEFAULT_CONTROL_MATRIX: Record<ChangeClass, readonly ControlId[]> = {
  code: ['canary-abort-metric', 'automatic-rollback'],
  config: ['config-validated', 'config-diff'],
  database: ['expand-contract'],
  'cross-service': ['contract-versioned', 'compatibility-tests'],
  'security-sensitive': ['signed-provenance', 'security-scan', 'security-approval'],
};

/** @public */
export type ControlMatrix = Record<ChangeClass, readonly ControlId[]>;

/**
 * Validates a configured matrix: classes left out keep their defaults; an empty list means the
 * class needs no controls. Unknown names are errors, so a typo cannot silently drop a control.
 *
 * @public
 */
export function resolveControlMatrix(
  configured: Record<string, readonly string[]> | undefined,
): { ok: true; matrix: ControlMatrix } | { ok: false; problems: string[] } {
  const matrix: ControlMatrix = { ...DEFAULT_CONTROL_MATRIX };
  const problems: string[] = [];
  for (const [cls, ids] of Object.entries(configured ?? {})) {
    if (!isChangeClass(cls)) {
      problems.push(`unknown class "${cls}" (expected one of ${CHANGE_CLASSES.join(', ')})`);
      continue;
    }
    const unknown = ids.filter(id => !(CONTROL_IDS as readonly string[]).includes(id));
    if (unknown.length > 0) {
      problems.push(`${cls}: unknown control(s) ${unknown.join(', ')} (known: ${CONTROL_IDS.join(', ')})`);
      continue;
    }
    matrix[cls] = [...new Set(ids)] as ControlId[];
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, matrix };
}

/** A test run tied to the change's artifact, build or commit. @public */
export type TestRunFact = {
  id: string;
  suite: string;
  outcome: string;
  finishedAt: number | null;
  matchedBy: 'artifact' | 'build' | 'commit';
};

/** @public */
export type ProvenanceFact = {
  status: 'verified' | 'invalid' | 'unverifiable' | 'unsigned' | 'unknown';
  reason?: string;
  sourceCommit?: string;
};

/** A deployment recorded in the ledger. @public */
export type DeploymentFact = {
  id: string;
  environment: string;
  version: string | null;
  commitSha: string | null;
  status: string;
  finishedAt: number | null;
  rolledBackBy: string[];
};

/** Everything the controls decide from; gathered by the backend, judged here. @public */
export type ReadinessFacts = {
  environment: string;
  evidence: Evidence;
  /** The entity's `greenlight.dev/slo` annotation. */
  sloDocument?: string;
  /** Registered rollback executors and configured rollout watching. */
  rollbackMechanisms: string[];
  change: { artifactDigest?: string; buildId?: string; commitSha?: string; deploymentId?: string };
  testRuns: TestRunFact[];
  provenance: ProvenanceFact;
  /** The succeeded deployment `database.expandDeployedVersion` names, if the ledger has one. */
  expandDeployment?: DeploymentFact | null;
};

/** @public */
export type ControlResult = {
  id: string;
  title: string;
  satisfied: boolean;
  reason: string;
  evidence: Record<string, unknown>;
};

export const CONTRACT_SUITE = /contract|compat|pact/i;
export const SCAN_SUITE = /scan|sast|trivy|grype/i;

const result = (
  id: ControlId | 'mandatory-tests',
  satisfied: boolean,
  reason: string,
  evidence: Record<string, unknown> = {},
): ControlResult => ({ id, title: CONTROL_TITLES[id], satisfied, reason, evidence });

function identifies(change: ReadinessFacts['change']): boolean {
  return Boolean(change.artifactDigest || change.buildId || change.commitSha);
}

/** The latest run of every suite matching the pattern must pass; skipped runs say nothing. */
function suitesPass(facts: ReadinessFacts, pattern: RegExp, what: string) {
  const runs = facts.testRuns.filter(r => pattern.test(r.suite) && r.outcome !== 'skipped');
  if (runs.length === 0) {
    return {
      satisfied: false,
      reason: identifies(facts.change)
        ? `no ${what} test run is recorded for the change's artifact, build or commit`
        : `no artifact, build or commit identifies the change, so no ${what} test run can be found`,
      evidence: {},
    };
  }
  const latest = new Map<string, TestRunFact>();
  for (const run of runs) {
    const seen = latest.get(run.suite);
    const newer =
      !seen ||
      (run.finishedAt ?? 0) > (seen.finishedAt ?? 0) ||
      ((run.finishedAt ?? 0) === (seen.finishedAt ?? 0) && run.id > seen.id);
    if (newer) latest.set(run.suite, run);
  }
  const failing = [...latest.values()].filter(r => r.outcome !== 'passed');
  if (failing.length > 0) {
    return {
      satisfied: false,
      reason: `latest ${failing.map(r => `${r.suite} run ${r.id} ${r.outcome}`).join(', ')}`,
      evidence: { testRuns: failing.map(r => r.id) },
    };
  }
  const passing = [...latest.values()];
  return {
    satisfied: true,
    reason: `${passing.map(r => `${r.suite} (${r.id})`).join(', ')} passed`,
    evidence: { testRuns: passing.map(r => r.id) },
  };
}

const evaluators: Record<ControlId, (facts: ReadinessFacts) => ControlResult> = {
  'canary-abort-metric': facts =>
    facts.sloDocument
      ? result('canary-abort-metric', true, `SLO gates come from ${facts.sloDocument}`, {
          slo: facts.sloDocument,
        })
      : result(
          'canary-abort-metric',
          false,
          'the entity has no greenlight.dev/slo annotation, so no metric can abort a canary',
        ),

  'automatic-rollback': facts =>
    facts.rollbackMechanisms.length > 0
      ? result('automatic-rollback', true, `rolled back by ${facts.rollbackMechanisms.join(', ')}`, {
          mechanisms: facts.rollbackMechanisms,
        })
      : result(
          'automatic-rollback',
          false,
          'no rollback executor is registered (install and configure a rollback executor module), so a failing gate cannot roll back',
        ),

  'config-validated': facts => {
    const value = facts.evidence[EVIDENCE_KEYS.configValidated];
    return isTrue(value)
      ? result('config-validated', true, 'validated before apply', { [EVIDENCE_KEYS.configValidated]: value })
      : result(
          'config-validated',
          false,
          value === undefined
            ? `evidence ${EVIDENCE_KEYS.configValidated}=true is missing`
            : `evidence ${EVIDENCE_KEYS.configValidated} is ${JSON.stringify(value)}, not true`,
        );
  },

  'config-diff': facts => {
    const raw = facts.evidence[EVIDENCE_KEYS.configDiffUrl];
    const url = reviewableUrl(raw);
    if (url) return result('config-diff', true, `diff at ${url}`, { [EVIDENCE_KEYS.configDiffUrl]: url });
    return result(
      'config-diff',
      false,
      raw === undefined
        ? `evidence ${EVIDENCE_KEYS.configDiffUrl} (a link to the reviewable diff) is missing`
        : `evidence ${EVIDENCE_KEYS.configDiffUrl} is not an http(s) URL`,
    );
  },

  'expand-contract': facts => {
    const { evidence } = facts;
    const cutover = reviewableUrl(evidence[EVIDENCE_KEYS.cutoverPlanUrl]);
    if (cutover) {
      return result('expand-contract', true, `explicit cutover plan at ${cutover}`, {
        [EVIDENCE_KEYS.cutoverPlanUrl]: cutover,
      });
    }
    const version = nonEmptyText(evidence[EVIDENCE_KEYS.expandDeployedVersion]);
    if (!version) {
      const badPlan =
        evidence[EVIDENCE_KEYS.cutoverPlanUrl] !== undefined
          ? `; ${EVIDENCE_KEYS.cutoverPlanUrl} is not an http(s) URL`
          : '';
      return result(
        'expand-contract',
        false,
        `no expand phase: give ${EVIDENCE_KEYS.expandDeployedVersion} (the version of a succeeded deployment of the additive migration to ${facts.environment}) with ${EVIDENCE_KEYS.expandVerified}=true, or ${EVIDENCE_KEYS.cutoverPlanUrl}${badPlan}`,
      );
    }
    const deployment = facts.expandDeployment;
    if (!deployment) {
      return result(
        'expand-contract',
        false,
        `the ledger has no succeeded deployment of ${version} to ${facts.environment}`,
        { [EVIDENCE_KEYS.expandDeployedVersion]: version },
      );
    }
    const used = {
      [EVIDENCE_KEYS.expandDeployedVersion]: version,
      deploymentId: deployment.id,
    };
    if (deployment.id === facts.change.deploymentId) {
      return result(
        'expand-contract',
        false,
        `${deployment.id} is this change's own deployment; the expand phase must be deployed before it`,
        used,
      );
    }
    if (deployment.rolledBackBy.length > 0) {
      return result(
        'expand-contract',
        false,
        `the expand deployment ${deployment.id} was rolled back by ${deployment.rolledBackBy.join(', ')}`,
        used,
      );
    }
    if (!isTrue(evidence[EVIDENCE_KEYS.expandVerified])) {
      return result(
        'expand-contract',
        false,
        `the expand phase ${version} is deployed (${deployment.id}) but not verified: set ${EVIDENCE_KEYS.expandVerified}=true once it is`,
        used,
      );
    }
    return result(
      'expand-contract',
      true,
      `expand phase ${version} deployed to ${facts.environment} by ${deployment.id} and verified`,
      { ...used, [EVIDENCE_KEYS.expandVerified]: true },
    );
  },

  'contract-versioned': facts => {
    const version = nonEmptyText(facts.evidence[EVIDENCE_KEYS.contractVersion]);
    return version
      ? result('contract-versioned', true, `contract version ${version}`, {
          [EVIDENCE_KEYS.contractVersion]: version,
        })
      : result('contract-versioned', false, `evidence ${EVIDENCE_KEYS.contractVersion} is missing`);
  },

  'compatibility-tests': facts => {
    const v = suitesPass(facts, CONTRACT_SUITE, 'contract or compatibility');
    return result('compatibility-tests', v.satisfied, v.reason, v.evidence);
  },

  'signed-provenance': facts => {
    const digest = facts.change.artifactDigest;
    if (!digest) {
      return result(
        'signed-provenance',
        false,
        'no artifact digest: give change.artifactDigest, or a deploymentId whose deployment names one',
      );
    }
    const { status, reason } = facts.provenance;
    if (status === 'verified') {
      return result('signed-provenance', true, `provenance of ${digest} is verified`, { artifactDigest: digest });
    }
    const why: Record<string, string> = {
      unsigned: 'has no attestation',
      invalid: 'has an invalid attestation',
      unverifiable: 'has no attestation that could be verified with the configured trust',
      unknown: 'has no provenance verdict',
    };
    return result(
      'signed-provenance',
      false,
      `${digest} ${why[status]}${reason ? `: ${reason}` : ''}`,
      { artifactDigest: digest, status },
    );
  },

  'security-scan': facts => {
    const value = facts.evidence[EVIDENCE_KEYS.scanPassed];
    if (isFalse(value)) {
      return result('security-scan', false, `evidence ${EVIDENCE_KEYS.scanPassed} is false`);
    }
    if (isTrue(value)) {
      return result('security-scan', true, `evidence ${EVIDENCE_KEYS.scanPassed}=true`, {
        [EVIDENCE_KEYS.scanPassed]: true,
      });
    }
    const v = suitesPass(facts, SCAN_SUITE, 'security scan');
    return result(
      'security-scan',
      v.satisfied,
      v.satisfied ? v.reason : `${v.reason}, and evidence ${EVIDENCE_KEYS.scanPassed} is missing`,
      v.evidence,
    );
  },

  'security-approval': facts => {
    const approver = nonEmptyText(facts.evidence[EVIDENCE_KEYS.approvedBy]);
    return approver
      ? result('security-approval', true, `approved by ${approver}`, { [EVIDENCE_KEYS.approvedBy]: approver })
      : result('security-approval', false, `evidence ${EVIDENCE_KEYS.approvedBy} is missing`);
  },
};

/** @public */
export function evaluateControl(id: ControlId, facts: ReadinessFacts): ControlResult {
  return evaluators[id](facts);
}

/**
 * The mandatory-tests policy: the artifact going out must have at least one passing test
 * run, found by artifact digest, build id or commit.
 *
 * @public
 */
export function evaluateMandatoryTests(facts: ReadinessFacts): ControlResult {
  if (!identifies(facts.change)) {
    return result(
      'mandatory-tests',
      false,
      'no artifact, build or commit identifies the change, so no test evidence can be found',
    );
  }
  const passing = facts.testRuns.filter(r => r.outcome === 'passed');
  if (passing.length === 0) {
    return result(
      'mandatory-tests',
      false,
      facts.testRuns.length === 0
        ? "no test run is recorded for the change's artifact, build or commit"
        : `none of ${facts.testRuns.length} test run(s) passed`,
      { testRuns: facts.testRuns.map(r => r.id) },
    );
  }
  return result('mandatory-tests', true, `${passing.length} passing test run(s), e.g. ${passing[0].suite}`, {
    testRuns: passing.map(r => r.id),
  });
}
