import { CandidateDeployment, rankCandidates } from './candidates';

const HOUR = 3_600_000;
const detectedAt = Date.parse('2026-11-26T10:00:00Z');
const at = (hoursBefore: number) => detectedAt - hoursBefore * HOUR;
const d = (
  id: string,
  hoursBefore: number,
  extra: Partial<CandidateDeployment> = {},
): CandidateDeployment => ({
  id,
  entityRef: 'component:default/checkout',
  environment: 'production',
  status: 'succeeded',
  time: at(hoursBefore),
  commits: [],
  ...extra,
});

/**
 * The worked example. Detected 2026-11-26 10:00 in production; window 24 h.
 *
 * | deployment | when            | what                        | evidence                          | score |
 * | ---------- | --------------- | --------------------------- | --------------------------------- | ----- |
 * | d-old      | 72 h before     | version 1.3.9, named        | referenced                        | 4     |
 * | d3         | 22 h before     | production                  | recent change                     | 1     |
 * | d4         | 1 h before      | production, running         | running + recent change           | 3     |
 * | d-stage    | 30 min before   | staging                     | (another environment)             | —     |
 * | d-late     | 30 min after    | production                  | (after detection)                 | —     |
 * | d-cancel   | 2 h before      | cancelled                   | (never ran)                       | —     |
 *
 * Ranked: d-old (4), d4 (3), d3 (1). The incident's own words outrank proximity.
 */
const worked = [
  d('d-old', 72, { version: '1.3.9' }),
  d('d3', 22),
  d('d4', 1, { version: '1.4.0' }),
  d('d-stage', 0.5, { environment: 'staging' }),
  d('d-late', -0.5),
  d('d-cancel', 2, { status: 'cancelled' }),
];

const options = { windowMs: 24 * HOUR, productionEnvironments: ['production'] };

describe('rankCandidates', () => {
  it('ranks the worked example by evidence, then recency', () => {
    const ranked = rankCandidates(
      {
        detectedAt,
        environment: 'production',
        text: 'Payment errors since 1.3.9 was promoted',
      },
      worked,
      options,
    );
    expect(
      ranked.map(c => [c.deploymentId, c.score, c.evidence.map(e => e.kind)]),
    ).toEqual([
      ['d-old', 4, ['referenced']],
      ['d4', 3, ['running', 'recent-change']],
      ['d3', 1, ['recent-change']],
    ]);
    expect(ranked[1].evidence[1].detail).toBe(
      'Deployed to production 1 h before detection',
    );
  });

  it.each([
    [
      'its id',
      'Rollback of deploy-77 pending',
      [d('deploy-77', 30), d('deploy-78', 1)],
      ['deploy-77', 4, 'The incident names deployment deploy-77'],
    ],
    [
      'a commit by its prefix',
      'regression from 1a2b3c4d',
      [
        d('a', 40, { commits: ['1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d'] }),
        d('b', 1),
      ],
      ['a', 4, 'The incident names commit 1a2b3c4d5e6f'],
    ],
    [
      'its artifact by a digest prefix',
      'image 9f86d081884c7d65 crashes',
      [
        d('img', 30, {
          artifactDigest:
            'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        }),
      ],
      // It is also what ran at detection: 4 + 2.
      ['img', 6, 'The incident names artifact sha256:9f86d081884c…'],
    ],
  ])(
    'finds a deployment the incident names by %s',
    (_, text, deployments, [id, score, detail]) => {
      const [first] = rankCandidates(
        { detectedAt, environment: 'production', text },
        deployments,
        options,
      );
      expect([
        first.deploymentId,
        first.score,
        first.evidence[0].detail,
      ]).toEqual([id, score, detail]);
    },
  );

  it('does not take a version for part of a longer one', () => {
    const ranked = rankCandidates(
      { detectedAt, environment: 'production', text: 'broken since 1.4.10' },
      [d('x', 30, { version: '1.4.1' })],
      options,
    );
    expect(ranked.flatMap(c => c.evidence.map(e => e.kind))).toEqual([
      'running',
    ]);
  });

  it('looks at every production environment when the incident names none', () => {
    const ranked = rankCandidates(
      { detectedAt, text: '' },
      [
        d('eu', 2, { environment: 'eu-production' }),
        d('us', 3),
        d('stage', 1, { environment: 'staging' }),
      ],
      { ...options, productionEnvironments: ['production', 'eu-production'] },
    );
    expect(ranked.map(c => c.deploymentId)).toEqual(['eu', 'us']);
  });

  it('offers what a rollback left running, not what it undid', () => {
    const ranked = rankCandidates(
      { detectedAt, environment: 'production', text: '' },
      [d('bad', 30, { status: 'rolled-back' }), d('rollback', 29)],
      options,
    );
    expect(
      ranked.map(c => [c.deploymentId, c.evidence.map(e => e.kind)]),
    ).toEqual([['rollback', ['running']]]);
  });
});
