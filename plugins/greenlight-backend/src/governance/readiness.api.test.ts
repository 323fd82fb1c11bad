import { component, digest, service, startGovernanceBackend, user } from './__testUtils__/backend';

jest.setTimeout(60_000);

const payments = 'component:default/payments';
const migrationChange = {
  entityRef: payments,
  environment: 'production',
  change: {
    changedFiles: ['db/migrations/0042_switch_reads_to_new_column.sql'],
    deploymentId: 'payments-2.0.0-production',
    commitSha: 'c0ffee1',
  },
};
const expandEvidence = {
  'database.expandDeployedVersion': '1.9.0-expand',
  'database.expandVerified': true,
};

function deploymentFinished(id: string, version: string, extra: object = {}) {
  return {
    id: `evt-${id}`,
    type: 'deployment.finished',
    serviceId: 'payments',
    deployment: {
      id,
      environment: 'production',
      status: 'succeeded',
      version,
      artifactDigest: digest('e'),
      commitSha: 'e1e1e1e',
      startedAt: '2026-11-01T10:00:00Z',
      finishedAt: '2026-11-01T10:20:00Z',
      ...extra,
    },
  };
}

describe('POST /v1/readiness', () => {
  it('blocks a database change until its expand phase is deployed and verified, then allows the same change', async () => {
    const gl = await startGovernanceBackend();

    const blocked = await gl.post('/v1/readiness', migrationChange);
    expect(blocked.status).toBe(200);
    expect(blocked.body).toMatchObject({
      decision: 'block',
      missingControls: ['expand-contract'],
      classes: [
        {
          class: 'database',
          matchedBy: { paths: ['db/migrations/0042_switch_reads_to_new_column.sql'] },
          controls: [{ id: 'expand-contract', satisfied: false, reason: expect.stringMatching(/^no expand phase/) }],
        },
      ],
      release: { deploymentId: 'payments-2.0.0-production', commitSha: 'c0ffee1' },
    });
    expect(blocked.body.decisionId).toEqual(expect.any(String));

    // naming the expand version is not enough while the ledger has no such deployment
    const notDeployed = await gl.post('/v1/readiness', { ...migrationChange, evidence: expandEvidence });
    expect(notDeployed.body.decision).toBe('block');
    expect(notDeployed.body.classes[0].controls[0].reason).toMatch(/no succeeded deployment of 1\.9\.0-expand to production/);

    // a failed attempt at the expand phase does not count either
    await gl.events([deploymentFinished('payments-1.9.0-expand-try', '1.9.0-expand', { status: 'failed' })]);
    expect((await gl.post('/v1/readiness', { ...migrationChange, evidence: expandEvidence })).body.decision).toBe('block');

    await gl.events([deploymentFinished('payments-1.9.0-expand', '1.9.0-expand')]);

    const unverified = await gl.post('/v1/readiness', {
      ...migrationChange,
      evidence: { 'database.expandDeployedVersion': '1.9.0-expand' },
    });
    expect(unverified.body.decision).toBe('block');
    expect(unverified.body.classes[0].controls[0].reason).toMatch(/deployed \(payments-1\.9\.0-expand\) but not verified/);

    const allowed = await gl.post('/v1/readiness', { ...migrationChange, evidence: expandEvidence });
    expect(allowed.body).toMatchObject({
      decision: 'allow',
      missingControls: [],
      classes: [
        {
          class: 'database',
          controls: [
            {
              id: 'expand-contract',
              satisfied: true,
              evidence: { deploymentId: 'payments-1.9.0-expand', 'database.expandDeployedVersion': '1.9.0-expand' },
            },
          ],
        },
      ],
    });

    // every decision is kept and linked to its release
    await gl.events([deploymentFinished('payments-2.0.0-production', '2.0.0', { commitSha: 'c0ffee1', artifactDigest: digest('f') })]);
    const linked = await gl.get('/v1/releases/payments-2.0.0-production/readiness');
    expect(linked.status).toBe(200);
    expect(linked.body.decisions.map((d: any) => d.decision)).toEqual(['allow', 'block', 'block', 'block', 'block']);
    const detail = await gl.get('/v1/releases/payments-2.0.0-production');
    expect(detail.body.audit.map((a: any) => a.action)).toEqual(
      expect.arrayContaining(['readiness.block', 'readiness.allow']),
    );
    expect(detail.body.readiness).toEqual({
      decisionId: allowed.body.decisionId,
      decision: 'allow',
      assessed: 'allow',
      decidedAt: expect.any(String),
      missingControls: [],
      overridden: false,
    });
    const one = await gl.get(`/v1/readiness/${allowed.body.decisionId}`);
    expect(one.body).toMatchObject({ decisionId: allowed.body.decisionId, decision: 'allow' });
  });

  it('classifies by the entity globs and asks each class for its controls', async () => {
    const gl = await startGovernanceBackend({
      entities: [
        component('payments', {
          annotations: {
            'greenlight.dev/change-classes': 'database=schema/**;config=settings/*.py',
            'greenlight.dev/slo': 'slo/payments.yaml',
          },
        }),
      ],
    });
    const res = await gl.post('/v1/readiness', {
      entityRef: payments,
      environment: 'staging',
      change: { changedFiles: ['schema/tables.rb', 'settings/prod.py', 'src/app.py'], labels: ['security'] },
      evidence: { 'config.validated': true, 'config.diffUrl': 'https://git.example.com/pr/7/files', 'database.cutoverPlanUrl': 'https://wiki.example.com/cutover' },
    });
    expect(res.body.classes.map((c: any) => c.class)).toEqual(['code', 'config', 'database', 'security-sensitive']);
    expect(res.body.decision).toBe('block');
    expect(res.body.missingControls).toEqual(['automatic-rollback', 'signed-provenance', 'security-scan', 'security-approval']);
  });

  it('answers 400 naming the field, and for an entity with a broken annotation', async () => {
    const gl = await startGovernanceBackend({
      entities: [component('payments'), component('broken', { annotations: { 'greenlight.dev/change-classes': 'databse=db/**' } })],
    });
    const bad = await gl.post('/v1/readiness', { entityRef: payments, environment: 'production', change: { artifactDigest: 'md5:x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('change.artifactDigest');
    const noChange = await gl.post('/v1/readiness', { entityRef: payments, environment: 'production' });
    expect(noChange.status).toBe(400);
    expect(noChange.body.error.message).toContain('change');
    const broken = await gl.post('/v1/readiness', { entityRef: 'component:default/broken', environment: 'production', change: {} });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/greenlight\.dev\/change-classes.*unknown class "databse"/);
    const missing = await gl.post('/v1/readiness', { entityRef: 'component:default/nope', environment: 'production', change: {} });
    expect(missing.status).toBe(404);
  });

  it("refuses a decision about an environment it does not know, or about another environment's or artifact's deployment, and records none", async () => {
    const gl = await startGovernanceBackend();
    await gl.events([deploymentFinished('payments-2.0.0-production', '2.0.0')]);
    const ask = (environment: string, change: object) =>
      gl.post('/v1/readiness', { entityRef: payments, environment, change: { changedFiles: ['README.md'], ...change } });
    const cases: Array<[string, object, RegExp]> = [
      // "prod" would match no control, window, freeze or stop configured for "production".
      ['prod', {}, /^environment: prod is not a configured environment \(development, staging, production\)$/],
      ['staging', { deploymentId: 'payments-2.0.0-production' }, /^environment: deployment payments-2\.0\.0-production is to production, not staging$/],
      [
        'production',
        { deploymentId: 'payments-2.0.0-production', artifactDigest: digest('f') },
        /^change\.artifactDigest: deployment payments-2\.0\.0-production deployed sha256:e+, not sha256:f+$/,
      ],
    ];
    for (const [environment, change, message] of cases) {
      const res = await ask(environment, change);
      expect([res.status, res.body.error?.message]).toEqual([400, expect.stringMatching(message)]);
    }
    // Nothing was decided: the release shows no decision.
    const release = await gl.get('/v1/releases/payments-2.0.0-production');
    expect(release.status).toBe(200);
    expect(release.body.readiness).toBeUndefined();
    // The same question about the deployment itself is answered.
    expect((await ask('production', { deploymentId: 'payments-2.0.0-production', artifactDigest: digest('e') })).status).toBe(200);
  });
});

describe('reusing an override', () => {
  it('allows the same change again only while the missing controls are among those it waived', async () => {
    const gl = await startGovernanceBackend({
      entities: [component('payments', { annotations: { 'greenlight.dev/change-classes': 'config=settings/*.py' } })],
    });
    const change = { entityRef: payments, environment: 'production', change: { changedFiles: ['settings/prod.py'], commitSha: 'c0ffee2' } };
    // validated, but no link to the reviewable diff: one control missing, and waived
    const validated = { ...change, evidence: { 'config.validated': true } };
    const first = await gl.post('/v1/readiness', validated);
    expect(first.body).toMatchObject({ decision: 'block', missingControls: ['config-diff'] });
    const overridden = await gl.post(`/v1/readiness/${first.body.decisionId}/override`, { reason: 'hotfix' }, user);
    expect(overridden.status).toBe(200);

    const same = await gl.post('/v1/readiness', validated);
    expect(same.body).toMatchObject({ decision: 'allow', assessed: 'block', override: { decisionId: first.body.decisionId } });

    // the validation is gone too: more is missing than was waived, so the change is blocked
    const worse = await gl.post('/v1/readiness', change);
    expect(worse.body).toMatchObject({
      decision: 'block',
      missingControls: expect.arrayContaining(['config-diff', 'config-validated']),
      override: null,
    });
    const onRelease = await gl.get(`/v1/readiness/${worse.body.decisionId}`);
    expect(onRelease.body).toMatchObject({ decision: 'block', override: null });
  });
});

describe('mandatory tests', () => {
  const change = { entityRef: payments, environment: 'production', change: { changedFiles: ['README.md'], artifactDigest: digest('a') } };
  const passingTests = {
    id: 'tests-a',
    type: 'test.run',
    serviceId: 'payments',
    testRun: { id: 'run-a', suite: 'unit', outcome: 'passed', artifactDigest: digest('a'), finishedAt: '2026-11-01T09:00:00Z' },
  };

  it('surfaces untested production deployments as violations and blocks when the entity requires tests', async () => {
    const gl = await startGovernanceBackend({
      entities: [
        component('payments', { annotations: { 'greenlight.dev/require-tests': 'true' } }),
        component('relaxed'),
      ],
    });
    const blocked = await gl.post('/v1/readiness', change);
    expect(blocked.body).toMatchObject({
      decision: 'block',
      missingControls: ['mandatory-tests'],
      policy: [{ id: 'mandatory-tests', satisfied: false, enforced: true }],
      violations: [{ kind: 'untested-production-deployment', enforced: true, artifactDigest: digest('a') }],
    });

    // the relaxed entity is told, not blocked
    const advisory = await gl.post('/v1/readiness', { ...change, entityRef: 'component:default/relaxed' });
    expect(advisory.body).toMatchObject({ decision: 'allow', violations: [{ enforced: false }] });

    // not a production environment: the policy does not apply
    const staging = await gl.post('/v1/readiness', { ...change, environment: 'staging' });
    expect(staging.body).toMatchObject({ decision: 'allow', policy: [], violations: [] });

    // another entity's passing run of the same artifact is that entity's evidence, not this one's
    await gl.events([{ ...passingTests, id: 'tests-a-by-relaxed', serviceId: 'relaxed', testRun: { ...passingTests.testRun, id: 'run-a-relaxed' } }]);
    expect((await gl.post('/v1/readiness', change)).body).toMatchObject({ decision: 'block', missingControls: ['mandatory-tests'] });

    await gl.events([passingTests]);
    expect((await gl.post('/v1/readiness', change)).body).toMatchObject({ decision: 'allow', violations: [] });
  });

  it('lists production deployments without passing tests before them on GET /v1/violations', async () => {
    const gl = await startGovernanceBackend({
      entities: [component('payments', { annotations: { 'greenlight.dev/require-tests': 'true' } })],
    });
    const now = Date.now();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * 3600_000).toISOString();
    const deploy = (id: string, d: string, hoursAgo: number, environment = 'production') => ({
      id: `evt-${id}`,
      type: 'deployment.finished',
      serviceId: 'payments',
      deployment: { id, environment, status: 'succeeded', artifactDigest: digest(d), startedAt: at(hoursAgo), finishedAt: at(hoursAgo) },
    });
    const tested = (id: string, d: string, hoursAgo: number, outcome = 'passed') => ({
      id: `evt-${id}`,
      type: 'test.run',
      serviceId: 'payments',
      testRun: { id, suite: 'integration', outcome, artifactDigest: digest(d), finishedAt: at(hoursAgo) },
    });
    await gl.events([
      tested('t-a', 'a', 10),
      deploy('dep-tested', 'a', 5),
      tested('t-b-late', 'b', 1), // passed only after the deployment went out
      deploy('dep-tested-late', 'b', 4),
      tested('t-c', 'c', 10, 'failed'),
      deploy('dep-failing-tests', 'c', 3),
      deploy('dep-staging', 'd', 2, 'staging'),
    ]);
    const res = await gl.get('/v1/violations', { entityRef: payments });
    expect(res.status).toBe(200);
    expect(res.body.policy).toEqual({ requireTests: true, source: 'annotation' });
    expect(res.body.items.map((v: any) => [v.releaseId, v.enforced])).toEqual([
      ['dep-failing-tests', true],
      ['dep-tested-late', true],
    ]);
    const onRelease = await gl.get('/v1/releases/dep-tested-late/readiness');
    expect(onRelease.body.violations).toEqual([expect.objectContaining({ kind: 'untested-production-deployment', releaseId: 'dep-tested-late' })]);
    expect((await gl.get('/v1/releases/dep-tested/readiness')).body.violations).toEqual([]);
    // release reads carry the violation too
    const releases = await gl.get('/v1/releases', { entityRef: payments });
    const byId = Object.fromEntries(releases.body.items.map((r: any) => [r.id, r]));
    expect(byId['dep-tested-late'].violations).toEqual([expect.objectContaining({ enforced: true })]);
    expect(byId['dep-tested']).not.toHaveProperty('violations');
    expect(byId['dep-staging']).not.toHaveProperty('violations');
    const bad = await gl.get('/v1/violations', { entityRef: payments, from: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('from');
  });
});

describe('POST /v1/readiness/:decisionId/override', () => {
  it('answers 403 without the override permission', async () => {
    const gl = await startGovernanceBackend({ permissions: 'deny-overrides' });
    const blocked = await gl.post('/v1/readiness', migrationChange);
    const res = await gl.post(`/v1/readiness/${blocked.body.decisionId}/override`, { reason: 'hotfix' }, user);
    expect(res.status).toBe(403);
  });

  it('refuses callers without the permission and pipelines, then allows and audits a release manager', async () => {
    const denied = await startGovernanceBackend({ permissions: 'deny-overrides' });
    const blockedThere = await denied.post('/v1/readiness', migrationChange);
    const refused = await denied.post(`/v1/readiness/${blockedThere.body.decisionId}/override`, { reason: 'hotfix' }, user);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('greenlight.gate.override');
    const still = await denied.get(`/v1/readiness/${blockedThere.body.decisionId}`);
    expect(still.body).toMatchObject({ decision: 'block', override: null });

    const gl = await startGovernanceBackend();
    const blocked = await gl.post('/v1/readiness', migrationChange);
    const path = `/v1/readiness/${blocked.body.decisionId}/override`;
    expect((await gl.post(path, { reason: 'hotfix' }, service)).status).toBe(403);
    const noReason = await gl.post(path, { reason: '  ' }, user);
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toContain('reason');

    const overridden = await gl.post(path, { reason: 'Incident 17: the expand phase shipped in 1.8.3' }, user);
    expect(overridden.status).toBe(200);
    expect(overridden.body).toMatchObject({
      decision: 'allow',
      assessed: 'block',
      missingControls: ['expand-contract'],
      override: { by: 'user:default/mock', reason: 'Incident 17: the expand phase shipped in 1.8.3' },
    });
    expect((await gl.post(path, { reason: 'again' }, user)).status).toBe(409);
    expect((await gl.post('/v1/readiness/nope/override', { reason: 'x' }, user)).status).toBe(404);

    // the pipeline asking again about the same change is allowed by that override
    const again = await gl.post('/v1/readiness', migrationChange);
    expect(again.body).toMatchObject({
      decision: 'allow',
      assessed: 'block',
      override: { decisionId: blocked.body.decisionId },
    });
    await gl.events([deploymentFinished('payments-2.0.0-production', '2.0.0', { commitSha: 'c0ffee1' })]);
    const released = await gl.get('/v1/releases/payments-2.0.0-production');
    expect(released.body.readiness).toEqual({
      decisionId: again.body.decisionId,
      decision: 'allow',
      assessed: 'block',
      decidedAt: expect.any(String),
      missingControls: ['expand-contract'],
      overridden: true,
    });

    // with the evidence in place the change stands on its own, not on the override
    const earned = await gl.post('/v1/readiness', {
      ...migrationChange,
      evidence: { 'database.cutoverPlanUrl': 'https://wiki.example.com/payments/cutover' },
    });
    expect(earned.body).toMatchObject({ decision: 'allow', assessed: 'allow', override: null });
    // a different change is not
    const other = await gl.post('/v1/readiness', { ...migrationChange, change: { ...migrationChange.change, deploymentId: 'payments-2.0.1-production' } });
    expect(other.body.decision).toBe('block');

    const detail = await gl.get('/v1/releases/payments-2.0.0-production');
    // the latest decision about the release is the one its evidence earned; the override stays on record
    expect(detail.body.readiness).toMatchObject({ decisionId: earned.body.decisionId, overridden: false });
    const onRelease = await gl.get('/v1/releases/payments-2.0.0-production/readiness');
    expect(onRelease.body.decisions.filter((d: any) => d.override).map((d: any) => [d.assessed, d.decision])).toEqual([
      ['block', 'allow'],
      ['block', 'allow'],
    ]);
    expect(detail.body.audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'readiness.override',
          actor: 'user:default/mock',
          details: expect.objectContaining({ reason: 'Incident 17: the expand phase shipped in 1.8.3' }),
        }),
      ]),
    );
  });
});
