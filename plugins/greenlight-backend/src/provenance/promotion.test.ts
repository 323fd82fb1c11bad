import { classifyPromotions, DeploymentRecord } from './promotion';

const path = [
  { environment: 'dev', envOrder: 0 },
  { environment: 'staging', envOrder: 1 },
  { environment: 'prod', envOrder: 2 },
];

function deployment(
  id: string,
  environment: 'dev' | 'staging' | 'prod',
  artifactDigest: string,
  commitSha: string,
  startedAt: string,
  finishedAt: string,
  status = 'succeeded',
): DeploymentRecord {
  return {
    id,
    environment,
    envOrder: path.find(p => p.environment === environment)!.envOrder,
    artifactDigest,
    commitSha,
    status,
    startedAt,
    finishedAt,
  };
}

const byId = (verdicts: ReturnType<typeof classifyPromotions>) =>
  Object.fromEntries(verdicts.map(v => [v.deploymentId, v]));

describe('classifyPromotions', () => {
  it('follows one artifact from dev through staging to prod', () => {
    const verdicts = byId(
      classifyPromotions(
        [
          deployment(
            'd1',
            'dev',
            'sha256:aaa',
            'c1',
            '2025-06-01T10:00Z',
            '2025-06-01T10:05Z',
          ),
          deployment(
            's1',
            'staging',
            'sha256:aaa',
            'c1',
            '2025-06-01T11:00Z',
            '2025-06-01T11:05Z',
          ),
          deployment(
            'p1',
            'prod',
            'sha256:AAA',
            'c1',
            '2025-06-01T12:00Z',
            '2025-06-01T12:05Z',
          ),
        ],
        { path },
      ),
    );
    expect(verdicts.d1.status).toBe('first-stage');
    expect(verdicts.s1).toMatchObject({
      status: 'promoted',
      evidenceDeploymentId: 'd1',
    });
    expect(verdicts.p1).toMatchObject({
      status: 'promoted',
      previousEnvOrder: 1,
      evidenceDeploymentId: 's1',
    });
  });

  it('calls a rebuild of the same commit a rebuild, not a promotion', () => {
    const verdicts = byId(
      classifyPromotions(
        [
          deployment(
            's1',
            'staging',
            'sha256:aaa',
            'c1',
            '2025-06-01T11:00Z',
            '2025-06-01T11:05Z',
          ),
          deployment(
            'p1',
            'prod',
            'sha256:bbb',
            'c1',
            '2025-06-01T12:00Z',
            '2025-06-01T12:05Z',
          ),
        ],
        { path },
      ),
    );
    expect(verdicts.p1).toEqual({
      deploymentId: 'p1',
      environment: 'prod',
      status: 'rebuilt',
      previousEnvOrder: 1,
      evidenceDeploymentId: 's1',
      earlierArtifactDigest: 'sha256:aaa',
    });
  });

  it('notices a stage that was skipped', () => {
    const verdicts = byId(
      classifyPromotions(
        [
          deployment(
            'd1',
            'dev',
            'sha256:aaa',
            'c1',
            '2025-06-01T10:00Z',
            '2025-06-01T10:05Z',
          ),
          deployment(
            'p1',
            'prod',
            'sha256:aaa',
            'c1',
            '2025-06-01T12:00Z',
            '2025-06-01T12:05Z',
          ),
        ],
        { path },
      ),
    );
    expect(verdicts.p1).toMatchObject({
      status: 'skipped-stage',
      previousEnvOrder: 1,
    });
  });

  it('does not count a staging run that failed or finished after prod started', () => {
    const verdicts = byId(
      classifyPromotions(
        [
          deployment(
            's1',
            'staging',
            'sha256:aaa',
            'c1',
            '2025-06-01T11:00Z',
            '2025-06-01T11:05Z',
            'failed',
          ),
          deployment(
            's2',
            'staging',
            'sha256:aaa',
            'c1',
            '2025-06-01T11:58Z',
            '2025-06-01T12:10Z',
          ),
          deployment(
            'p1',
            'prod',
            'sha256:aaa',
            'c1',
            '2025-06-01T12:00Z',
            '2025-06-01T12:05Z',
          ),
        ],
        { path },
      ),
    );
    expect(verdicts.p1.status).toBe('skipped-stage');
  });

  it('does not treat a later rebuild as the origin of an earlier deployment', () => {
    const verdicts = byId(
      classifyPromotions(
        [
          deployment(
            'p1',
            'prod',
            'sha256:bbb',
            'c1',
            '2025-06-01T09:00Z',
            '2025-06-01T09:05Z',
          ),
          deployment(
            's1',
            'staging',
            'sha256:aaa',
            'c1',
            '2025-06-01T11:00Z',
            '2025-06-01T11:05Z',
          ),
        ],
        { path },
      ),
    );
    expect(verdicts.p1.status).toBe('skipped-stage');
  });

  it('infers the stages from the deployments when no path is given', () => {
    const verdicts = byId(
      classifyPromotions([
        deployment(
          's1',
          'staging',
          'sha256:aaa',
          'c1',
          '2025-06-01T11:00Z',
          '2025-06-01T11:05Z',
        ),
        deployment(
          'p1',
          'prod',
          'sha256:aaa',
          'c1',
          '2025-06-01T12:00Z',
          '2025-06-01T12:05Z',
        ),
      ]),
    );
    expect(verdicts.s1.status).toBe('first-stage');
    expect(verdicts.p1.status).toBe('promoted');
  });
});

describe('classifyPromotions without times', () => {
  const staging = (
    times: Partial<DeploymentRecord>,
    digest = 'sha256:aaa',
  ) => ({
    id: 's1',
    environment: 'staging',
    envOrder: 1,
    artifactDigest: digest,
    commitSha: 'c1',
    status: 'succeeded',
    ...times,
  });
  const prod = (times: Partial<DeploymentRecord>): DeploymentRecord => ({
    id: 'p1',
    environment: 'prod',
    envOrder: 2,
    artifactDigest: 'sha256:aaa',
    commitSha: 'c1',
    status: 'started',
    ...times,
  });
  const finishedStaging = {
    startedAt: '2025-06-01T11:00Z',
    finishedAt: '2025-06-01T11:05Z',
  };

  it.each<
    [string, Partial<DeploymentRecord>, Partial<DeploymentRecord>, string]
  >([
    [
      'a production deployment with no time at all is not shown promoted by anything',
      finishedStaging,
      {},
      'skipped-stage',
    ],
    [
      'a production deployment with no times starts when the ledger places it',
      finishedStaging,
      { sortTime: '2025-06-01T12:00Z' },
      'promoted',
    ],
    [
      'a staging run finishing after that production deployment was placed does not count',
      { startedAt: '2025-06-01T11:58Z', finishedAt: '2025-06-01T12:10Z' },
      { sortTime: '2025-06-01T12:00Z' },
      'skipped-stage',
    ],
    [
      'a staging run finishing after production started (known from its finish) does not count',
      { startedAt: '2025-06-01T11:58Z', finishedAt: '2025-06-01T12:10Z' },
      { finishedAt: '2025-06-01T12:05Z', sortTime: '2025-06-01T12:05Z' },
      'skipped-stage',
    ],
    [
      'a staging run without a finish time proves nothing, however production is timed',
      { startedAt: '2025-06-01T11:00Z' },
      { sortTime: '2025-06-01T12:00Z' },
      'skipped-stage',
    ],
    [
      'a staging run without a finish time proves nothing to a production deployment without times',
      { startedAt: '2025-06-01T11:00Z' },
      {},
      'skipped-stage',
    ],
    [
      'a staging run without any time proves nothing',
      {},
      { startedAt: '2025-06-01T12:00Z' },
      'skipped-stage',
    ],
    [
      'an unreadable staging finish time proves nothing',
      { startedAt: '2025-06-01T11:00Z', finishedAt: 'soon' },
      {},
      'skipped-stage',
    ],
  ])('%s', (_name, stagingTimes, prodTimes, status) => {
    const verdicts = byId(
      classifyPromotions([staging(stagingTimes), prod(prodTimes)], { path }),
    );
    expect(verdicts.p1.status).toBe(status);
  });

  it('calls a rebuild placed before a production deployment without times a rebuild', () => {
    const verdicts = byId(
      classifyPromotions(
        [
          staging({ sortTime: '2025-06-01T11:05Z' }, 'sha256:bbb'),
          prod({ sortTime: '2025-06-01T12:00Z' }),
        ],
        { path },
      ),
    );
    expect(verdicts.p1).toMatchObject({
      status: 'rebuilt',
      evidenceDeploymentId: 's1',
      earlierArtifactDigest: 'sha256:bbb',
    });
  });
});
