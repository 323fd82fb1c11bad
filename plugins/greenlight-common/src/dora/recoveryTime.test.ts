import { computeDoraMetrics } from './metrics';
import { DoraDeployment } from './types';
import { at, deploy, HOUR, incident, MINUTE } from './__testUtils__/builders';

const window = { from: at('2026-01-05T00:00'), to: at('2026-01-19T00:00') };

function on(entity: string, environment = 'prod') {
  return (
    id: string,
    finishedAt: number,
    overrides: Partial<DoraDeployment> = {},
  ) =>
    deploy(id, finishedAt, {
      entityRef: `component:default/${entity}`,
      environment,
      ...overrides,
    });
}

const forwardFix = on('forward-fix');
const rolledBack = on('rolled-back');
const usEast = on('two-regions', 'prod-us');
const euWest = on('two-regions', 'prod-eu');
const incidentFirst = on('incident-first');
const neverFixed = on('never-fixed');

const deployments = [
  // 90 min: failed at 10:00, the next successful deployment there at 11:30.
  forwardFix('ff-bad', at('2026-01-05T10:00'), { status: 'failed' }),
  forwardFix('ff-fix', at('2026-01-05T11:30')),
  // 20 min: rolled back by a rollback deployment finishing 10:20.
  rolledBack('rb-bad', at('2026-01-06T10:00')),
  rolledBack('rb-undo', at('2026-01-06T10:20'), {
    intent: 'rollback',
    rollbackOf: 'rb-bad',
  }),
  // 3 h: only the same environment restores; prod-eu at 10:30 does not.
  usEast('us-bad', at('2026-01-07T10:00'), { status: 'failed' }),
  euWest('eu-ok', at('2026-01-07T10:30')),
  usEast('us-fix', at('2026-01-07T13:00')),
  // 50 min: an incident detected at 09:50, during the rollout, resolved 10:40,
  // before the next deployment at 15:00.
  incidentFirst('if-bad', at('2026-01-08T10:00'), {
    startedAt: at('2026-01-08T09:00'),
  }),
  incidentFirst('if-next', at('2026-01-08T15:00')),
  // Unrecovered: nothing later restored it.
  neverFixed('nf-bad', at('2026-01-09T10:00'), { status: 'failed' }),
  neverFixed('nf-failed-retry', at('2026-01-09T11:00'), { status: 'failed' }),
];

const incidents = [
  incident('i-if', at('2026-01-08T09:50'), {
    deploymentId: 'if-bad',
    resolvedAt: at('2026-01-08T10:40'),
  }),
  // No attributable deployment: no recovery sample, no failed deployment.
  incident('i-orphan', at('2026-01-10T09:00'), {
    resolvedAt: at('2026-01-10T12:00'),
  }),
];

describe('failed deployment recovery time', () => {
  it('takes the earliest restoration of each failed deployment', () => {
    const recovery = computeDoraMetrics(
      { deployments, incidents },
      window,
    ).failedDeploymentRecoveryTime;
    // Recovered: [20, 50, 90, 180] min. Median rank ceil(2) = 2 → 50 min;
    // p90 rank ceil(3.6) = 4 → 180 min. Unrecovered: nf-bad and nf-failed-retry.
    // Of all six failures, the two unrecovered after the four: [20, 50, 90, 180, ∞, ∞],
    // median rank ceil(3) = 3 → 90 min.
    expect(recovery).toEqual({
      n: 4,
      medianMs: 50 * MINUTE,
      p90Ms: 3 * HOUR,
      unrecovered: 2,
      medianOfAllMs: 90 * MINUTE,
    });
  });

  it('reports each failure with its recovery time', () => {
    const failures = computeDoraMetrics({ deployments, incidents }, window)
      .changeFailRate.failures;
    expect(
      Object.fromEntries(
        (failures ?? []).map(f => [f.deploymentId, f.recoveryMs]),
      ),
    ).toEqual({
      'ff-bad': 90 * MINUTE,
      'rb-bad': 20 * MINUTE,
      'us-bad': 3 * HOUR,
      'if-bad': 50 * MINUTE,
      'nf-bad': null,
      'nf-failed-retry': null,
    });
  });

  it('counts failures in the window even when recovery comes after it', () => {
    const recovery = computeDoraMetrics(
      {
        deployments: [
          forwardFix('late-bad', at('2026-01-18T23:00'), { status: 'failed' }),
          forwardFix('late-fix', at('2026-01-19T01:00')),
        ],
      },
      window,
    ).failedDeploymentRecoveryTime;
    expect(recovery).toMatchObject({
      n: 1,
      medianMs: 2 * HOUR,
      unrecovered: 0,
    });
  });

  it('ignores failures that finished outside the window', () => {
    const recovery = computeDoraMetrics(
      {
        deployments: [
          forwardFix('old-bad', at('2026-01-04T23:00'), { status: 'failed' }),
          forwardFix('fix', at('2026-01-05T01:00')),
        ],
      },
      window,
    ).failedDeploymentRecoveryTime;
    expect(recovery).toEqual({
      n: 0,
      medianMs: null,
      p90Ms: null,
      unrecovered: 0,
      medianOfAllMs: null,
    });
  });

  it('uses incident resolution when no deployment restored service', () => {
    const recovery = computeDoraMetrics(
      {
        deployments: [neverFixed('flag-bad', at('2026-01-06T10:00'))],
        incidents: [
          incident('flag-off', at('2026-01-06T10:30'), {
            deploymentId: 'flag-bad',
            resolvedAt: at('2026-01-06T11:15'),
          }),
          incident('still-open', at('2026-01-06T10:40'), {
            deploymentId: 'flag-bad',
          }),
        ],
      },
      window,
    ).failedDeploymentRecoveryTime;
    // Starts at the finish (10:00, earlier than detection), ends 11:15: 75 min.
    expect(recovery).toMatchObject({
      n: 1,
      medianMs: 75 * MINUTE,
      unrecovered: 0,
    });
  });
});

describe('recovery never ends before the failure was noticed', () => {
  const place = on('late-detection');
  // Each case: deployment D at 10:00 (or as given), then whatever the case
  // adds; an incident attributed to D. Times on 2026-01-06.
  const t = (hhmm: string) => at(`2026-01-06T${hhmm}`);
  const cases: Array<{
    name: string;
    deployments: DoraDeployment[];
    detectedAt: number;
    resolvedAt?: number;
    expected: number | null;
  }> = [
    {
      // D 10:00, unrelated E 10:10, detected 12:00, resolved 13:00.
      // E finished before anyone knew D was bad: not a restoration.
      // Start = min(10:00, 12:00) = 10:00; end = 13:00 → 180 min
      // (the old rule took E: 10:10 − 10:00 = 10 min).
      name: 'an unrelated deployment before detection does not restore',
      deployments: [place('D', t('10:00')), place('E', t('10:10'))],
      detectedAt: t('12:00'),
      resolvedAt: t('13:00'),
      expected: 180 * MINUTE,
    },
    {
      // D 10:00, E 10:10, detected 12:00, fix F 12:30, resolved 13:00.
      // First success after max(10:00, 12:00) is F at 12:30: 150 min.
      name: 'the first deployment after detection restores',
      deployments: [
        place('D', t('10:00')),
        place('E', t('10:10')),
        place('F', t('12:30')),
      ],
      detectedAt: t('12:00'),
      resolvedAt: t('13:00'),
      expected: 150 * MINUTE,
    },
    {
      // D 10:00, E 10:10, detected 12:00, never resolved, nothing after:
      // unrecovered (the old rule said 10 min).
      name: 'no restoration after detection leaves it unrecovered',
      deployments: [place('D', t('10:00')), place('E', t('10:10'))],
      detectedAt: t('12:00'),
      expected: null,
    },
    {
      // Detected during the rollout (09:55, D finished 10:00): noticed =
      // max(10:00, 09:55) = 10:00, so E at 10:10 restores; start = 09:55;
      // 10:10 − 09:55 = 15 min.
      name: 'detection before the finish: the next deployment restores',
      deployments: [place('D', t('10:00')), place('E', t('10:10'))],
      detectedAt: t('09:55'),
      expected: 15 * MINUTE,
    },
    {
      // A rollback naming D at 10:30 restores it even though the incident
      // was filed later (12:00): the rollback shows someone had noticed.
      // 10:30 − 10:00 = 30 min.
      name: 'a rollback that names it restores whenever it came',
      deployments: [
        place('D', t('10:00')),
        place('R', t('10:30'), { intent: 'rollback', rollbackOf: 'D' }),
      ],
      detectedAt: t('12:00'),
      resolvedAt: t('13:00'),
      expected: 30 * MINUTE,
    },
    {
      // A hotfix that replaces D at 11:00 restores it, like a rollback naming it.
      // 11:00 − 10:00 = 1 h.
      name: 'a hotfix that replaces it restores whenever it came',
      deployments: [
        place('D', t('10:00')),
        place('P', t('11:00'), { intent: 'hotfix', replaces: 'D' }),
      ],
      detectedAt: t('12:00'),
      resolvedAt: t('15:00'),
      expected: HOUR,
    },
    {
      // A planned deployment that replaces D at 11:00 only says what came next
      // (some CD tools name every predecessor); it finished before the incident
      // was noticed at 12:00, so it restored nothing: the resolution at 15:00
      // ends it. 15:00 − min(10:00, 12:00) = 5 h.
      name: 'a planned deployment that replaces it restores only as the next one does',
      deployments: [
        place('D', t('10:00')),
        place('P', t('11:00'), { replaces: 'D' }),
      ],
      detectedAt: t('12:00'),
      resolvedAt: t('15:00'),
      expected: 5 * HOUR,
    },
  ];

  it.each(cases)('$name', c => {
    const failures = computeDoraMetrics(
      {
        deployments: c.deployments,
        incidents: [
          incident('inc', c.detectedAt, {
            deploymentId: 'D',
            resolvedAt: c.resolvedAt,
          }),
        ],
      },
      window,
    ).changeFailRate.failures;
    const d = (failures ?? []).find(f => f.deploymentId === 'D');
    expect(d?.recoveryMs).toBe(c.expected);
  });
});

describe('a failure noticed by its remediation', () => {
  const place = on('noticed-by-remediation');
  const t = (hhmm: string) => at(`2026-01-06T${hhmm}`);

  it('is not restored by a deployment before the remediation began', () => {
    // D 10:00, an unrelated E 10:10, no incident; hotfix H replacing D started 12:00 and
    // finished 12:30. H shows D was still bad at 12:00, so E did not restore it: recovered
    // at 12:30, 150 min after D (the old rule said 10 min, at E).
    const failures = computeDoraMetrics(
      {
        deployments: [
          place('D', t('10:00')),
          place('E', t('10:10')),
          place('H', t('12:30'), {
            intent: 'hotfix',
            replaces: 'D',
            startedAt: t('12:00'),
          }),
        ],
      },
      window,
    ).changeFailRate.failures;
    expect(failures?.map(f => [f.deploymentId, f.recoveryMs])).toEqual([
      ['D', 150 * MINUTE],
    ]);
  });
});

describe('a remediation beyond the attribution horizon', () => {
  const place = on('late-remediation');

  it('does not move when the failure was noticed', () => {
    // D failed at 10:00 on the 6th and E restored it at 11:00. A hotfix naming D started eight
    // days later, beyond the 7-day horizon: it is not a reason D failed, so it says nothing
    // about when D was noticed. Recovered in 60 min (not at the hotfix, 8 days later).
    const failures = computeDoraMetrics(
      {
        deployments: [
          place('D', at('2026-01-06T10:00'), { status: 'failed' }),
          place('E', at('2026-01-06T11:00')),
          place('H', at('2026-01-14T12:00'), {
            intent: 'hotfix',
            replaces: 'D',
            startedAt: at('2026-01-14T11:50'),
          }),
        ],
      },
      window,
    ).changeFailRate.failures;
    expect(failures?.map(f => [f.deploymentId, f.recoveryMs])).toEqual([
      ['D', 60 * MINUTE],
    ]);
  });
});

describe('the recovery level with failures not recovered yet', () => {
  const place = on('mostly-unrecovered');
  const day = (d: number, time: string) =>
    at(`2026-01-${String(d).padStart(2, '0')}T${time}`);

  it.each([
    {
      // Five failures fixed 30 min later, six never fixed. Recovered alone: median 30 min,
      // elite. Of all eleven, median rank ceil(5.5) = 6, an unrecovered one: unknown, so not
      // rated on the five that did recover.
      name: 'most never recovered: not rated on the few that did',
      recovered: 5,
      unrecovered: 6,
      medianMs: 30 * MINUTE,
      medianOfAllMs: null,
      level: 'insufficient-data',
    },
    {
      // Six fixed in 30 min, five never: of all eleven, rank 6 is the last recovered, 30 min.
      name: 'most recovered: rated on the median of all of them',
      recovered: 6,
      unrecovered: 5,
      medianMs: 30 * MINUTE,
      medianOfAllMs: 30 * MINUTE,
      level: 'elite',
    },
  ])('$name', c => {
    const history = [
      ...Array.from({ length: c.recovered }, (_, i) => [
        place(`fixed-${i}`, day(5 + i, '10:00'), { status: 'failed' }),
        place(`fix-${i}`, day(5 + i, '10:30')),
      ]).flat(),
      // Failed one after another on the last days, nothing later restored them.
      ...Array.from({ length: c.unrecovered }, (_, i) =>
        place(`broken-${i}`, day(12 + i, '10:00'), { status: 'failed' }),
      ),
    ];
    const m = computeDoraMetrics({ deployments: history }, window);
    expect(m.failedDeploymentRecoveryTime).toMatchObject({
      n: c.recovered,
      unrecovered: c.unrecovered,
      medianMs: c.medianMs,
      medianOfAllMs: c.medianOfAllMs,
    });
    expect(m.tiers.failedDeploymentRecoveryTime).toBe(c.level);
  });
});
