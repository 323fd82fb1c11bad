import { classifyChange } from './classify';
import { assessReadiness } from './assess';
import {
  ControlId,
  DEFAULT_CONTROL_MATRIX,
  evaluateControl,
  evaluateMandatoryTests,
  ReadinessFacts,
  resolveControlMatrix,
  TestRunFact,
} from './controls';

const digest = `sha256:${'a'.repeat(64)}`;

function facts(overrides: Partial<ReadinessFacts> = {}): ReadinessFacts {
  return {
    environment: 'production',
    evidence: {},
    rollbackMechanisms: [],
    change: { artifactDigest: digest, commitSha: 'abc1234' },
    testRuns: [],
    provenance: { status: 'unknown' },
    ...overrides,
  };
}

const run = (id: string, suite: string, outcome: string, finishedAt = 1): TestRunFact => ({
  id,
  suite,
  outcome,
  finishedAt,
  matchedBy: 'artifact',
});

const expandDeployment = {
  id: 'dep-expand',
  environment: 'production',
  version: '1.5.0-expand',
  commitSha: 'e1e1e1e',
  status: 'succeeded',
  finishedAt: 1,
  rolledBackBy: [],
};

type Row = [string, ControlId, Partial<ReadinessFacts>, boolean, RegExp];

describe('controls', () => {
  it.each<Row>([
    ['canary abort metric from the SLO annotation', 'canary-abort-metric', { sloDocument: 'slo.yaml' }, true, /slo\.yaml/],
    ['no SLO annotation', 'canary-abort-metric', {}, false, /no greenlight\.dev\/slo annotation/],
    ['a rollback executor', 'automatic-rollback', { rollbackMechanisms: ['executor:argo'] }, true, /executor:argo/],
    ['no rollback mechanism', 'automatic-rollback', {}, false, /no rollback executor/],

    ['config validated', 'config-validated', { evidence: { 'config.validated': true } }, true, /validated/],
    ['config validated as text', 'config-validated', { evidence: { 'config.validated': 'true' } }, true, /validated/],
    ['config validation missing', 'config-validated', {}, false, /config\.validated=true is missing/],
    ['config validation false', 'config-validated', { evidence: { 'config.validated': false } }, false, /is false, not true/],
    ['config diff link', 'config-diff', { evidence: { 'config.diffUrl': 'https://git.example.com/pr/7/files' } }, true, /diff at https/],
    ['config diff missing', 'config-diff', {}, false, /config\.diffUrl .* is missing/],
    ['config diff not a URL', 'config-diff', { evidence: { 'config.diffUrl': 'see PR' } }, false, /not an http\(s\) URL/],

    ['expand deployed and verified', 'expand-contract', { evidence: { 'database.expandDeployedVersion': '1.5.0-expand', 'database.expandVerified': true }, expandDeployment }, true, /deployed to production by dep-expand and verified/],
    ['a cutover plan', 'expand-contract', { evidence: { 'database.cutoverPlanUrl': 'https://wiki.example.com/cutover' } }, true, /explicit cutover plan/],
    ['no expand phase', 'expand-contract', {}, false, /no expand phase/],
    ['a cutover plan that is not a link', 'expand-contract', { evidence: { 'database.cutoverPlanUrl': 'tbd' } }, false, /cutoverPlanUrl is not an http\(s\) URL/],
    ['expand version not in the ledger', 'expand-contract', { evidence: { 'database.expandDeployedVersion': '9.9.9', 'database.expandVerified': true }, expandDeployment: null }, false, /no succeeded deployment of 9\.9\.9 to production/],
    ['expand deployed but not verified', 'expand-contract', { evidence: { 'database.expandDeployedVersion': '1.5.0-expand' }, expandDeployment }, false, /deployed \(dep-expand\) but not verified/],
    ['expand rolled back', 'expand-contract', { evidence: { 'database.expandDeployedVersion': '1.5.0-expand', 'database.expandVerified': true }, expandDeployment: { ...expandDeployment, rolledBackBy: ['dep-rb'] } }, false, /rolled back by dep-rb/],
    ['expand is the change itself', 'expand-contract', { evidence: { 'database.expandDeployedVersion': '1.5.0-expand', 'database.expandVerified': true }, expandDeployment, change: { deploymentId: 'dep-expand' } }, false, /own deployment/],

    ['contract versioned', 'contract-versioned', { evidence: { 'contract.version': '2.1.0' } }, true, /contract version 2\.1\.0/],
    ['contract version as a number', 'contract-versioned', { evidence: { 'contract.version': 3 } }, true, /contract version 3/],
    ['contract version missing', 'contract-versioned', {}, false, /contract\.version is missing/],
    ['compatibility tests pass', 'compatibility-tests', { testRuns: [run('t1', 'pact-verify', 'passed'), run('t2', 'unit', 'failed')] }, true, /pact-verify \(t1\) passed/],
    ['compatibility tests failing last', 'compatibility-tests', { testRuns: [run('t1', 'contract', 'passed', 1), run('t2', 'contract', 'failed', 2)] }, false, /latest contract run t2 failed/],
    ['compatibility tests fixed since', 'compatibility-tests', { testRuns: [run('t1', 'contract', 'failed', 1), run('t2', 'contract', 'passed', 2)] }, true, /contract \(t2\) passed/],
    ['no compatibility tests', 'compatibility-tests', { testRuns: [run('t1', 'unit', 'passed')] }, false, /no contract or compatibility test run/],
    ['nothing identifies the change', 'compatibility-tests', { change: {} }, false, /no artifact, build or commit identifies/],

    ['verified provenance', 'signed-provenance', { provenance: { status: 'verified' } }, true, /is verified/],
    ['unsigned artifact', 'signed-provenance', { provenance: { status: 'unsigned' } }, false, /has no attestation/],
    ['invalid provenance', 'signed-provenance', { provenance: { status: 'invalid', reason: 'bad signature' } }, false, /invalid attestation: bad signature/],
    ['no verdict at all', 'signed-provenance', {}, false, /no provenance verdict/],
    ['no artifact digest', 'signed-provenance', { change: { commitSha: 'abc1234' }, provenance: { status: 'verified' } }, false, /no artifact digest/],
    ['scan evidence', 'security-scan', { evidence: { 'security.scanPassed': true } }, true, /scanPassed=true/],
    ['scan evidence false beats a passing run', 'security-scan', { evidence: { 'security.scanPassed': false }, testRuns: [run('s1', 'trivy', 'passed')] }, false, /scanPassed is false/],
    ['a passing scan run', 'security-scan', { testRuns: [run('s1', 'trivy-image', 'passed')] }, true, /trivy-image \(s1\) passed/],
    ['a failing SAST run', 'security-scan', { testRuns: [run('s1', 'sast', 'error')] }, false, /latest sast run s1 error/],
    ['no scan', 'security-scan', {}, false, /no security scan test run.*scanPassed is missing/],
    ['approval recorded', 'security-approval', { evidence: { 'security.approvedBy': 'user:default/grace' } }, true, /approved by user:default\/grace/],
    ['approval missing', 'security-approval', {}, false, /security\.approvedBy is missing/],
    ['approval blank', 'security-approval', { evidence: { 'security.approvedBy': '  ' } }, false, /security\.approvedBy is missing/],
  ])('%s', (_name, id, overrides, satisfied, reason) => {
    const result = evaluateControl(id, facts(overrides));
    expect(result.id).toBe(id);
    expect(result.satisfied).toBe(satisfied);
    expect(result.reason).toMatch(reason);
  });
});

describe('mandatory tests', () => {
  it.each<[string, Partial<ReadinessFacts>, boolean, RegExp]>([
    ['a passing run', { testRuns: [run('t1', 'unit', 'passed')] }, true, /1 passing test run/],
    ['only failing runs', { testRuns: [run('t1', 'unit', 'failed')] }, false, /none of 1 test run/],
    ['no runs', {}, false, /no test run is recorded/],
    ['nothing identifies the change', { change: {} }, false, /no artifact, build or commit/],
  ])('%s', (_name, overrides, satisfied, reason) => {
    const result = evaluateMandatoryTests(facts(overrides));
    expect(result.satisfied).toBe(satisfied);
    expect(result.reason).toMatch(reason);
  });
});

describe('resolveControlMatrix', () => {
  it('keeps defaults for classes not configured and accepts an empty list', () => {
    const result = resolveControlMatrix({ config: [], database: ['expand-contract', 'security-approval'] });
    expect(result).toEqual({
      ok: true,
      matrix: { ...DEFAULT_CONTROL_MATRIX, config: [], database: ['expand-contract', 'security-approval'] },
    });
  });

  it('rejects unknown classes and controls', () => {
    const result = resolveControlMatrix({ databse: ['expand-contract'], code: ['canary'] });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problems.join('; ')).toMatch(/unknown class "databse".*code: unknown control\(s\) canary/);
  });
});

describe('assessReadiness', () => {
  const classification = classifyChange({ changedFiles: ['db/migrations/002_drop_column.sql', 'src/app.ts'] });

  it('blocks on any missing control and lists each once', () => {
    const result = assessReadiness({
      classification,
      matrix: { ...DEFAULT_CONTROL_MATRIX, database: ['expand-contract', 'automatic-rollback'] },
      facts: facts({ sloDocument: 'slo.yaml' }),
      mandatoryTests: 'not-applicable',
    });
    expect(result.decision).toBe('block');
    expect(result.classes.map(c => c.class)).toEqual(['code', 'database']);
    expect(result.missingControls).toEqual(['automatic-rollback', 'expand-contract']);
    expect(result.policy).toEqual([]);
  });

  it('allows when every control is satisfied, and reports advisory policy without blocking', () => {
    const result = assessReadiness({
      classification,
      matrix: DEFAULT_CONTROL_MATRIX,
      facts: facts({
        sloDocument: 'slo.yaml',
        rollbackMechanisms: ['executor:argo'],
        evidence: { 'database.cutoverPlanUrl': 'https://wiki.example.com/x' },
      }),
      mandatoryTests: 'advisory',
    });
    expect(result.decision).toBe('allow');
    expect(result.policy).toEqual([expect.objectContaining({ id: 'mandatory-tests', satisfied: false, enforced: false })]);
    expect(result.missingControls).toEqual([]);
  });

  it('blocks on enforced mandatory tests', () => {
    const result = assessReadiness({
      classification: classifyChange({ changedFiles: ['README.md'] }),
      matrix: DEFAULT_CONTROL_MATRIX,
      facts: facts(),
      mandatoryTests: 'enforced',
    });
    expect(result).toMatchObject({ decision: 'block', classes: [], missingControls: ['mandatory-tests'] });
  });
});
