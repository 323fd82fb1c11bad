import { computeDoraMetrics } from './metrics';
import { buildDailyRollups } from './rollups';
import { at, deploy, incident, MINUTE } from './__testUtils__/builders';
import { doraFigures } from './__testUtils__/figures';
import { DoraDeployment } from './types';

const window = { from: at('2026-03-02T00:00'), to: at('2026-03-16T00:00') };

const d0 = deploy('d0', at('2026-03-02T10:00'));
const d1 = deploy('d1', at('2026-03-03T10:00'));
const rollback = (
  id: string,
  finishedAt: number,
  overrides: Partial<DoraDeployment> = {},
) =>
  deploy(id, finishedAt, {
    intent: 'rollback',
    rollbackOf: 'd1',
    ...overrides,
  });

/** The figures each case states (the failed deployments are left out). */
const figures = (deployments: DoraDeployment[]) => {
  const { failed: _, ...stated } = doraFigures(deployments, window);
  return stated;
};

describe('a rollback reported twice', () => {
  it.each([
    {
      // The watcher's executor reports the rollback of d1 at 10:30, the CD system that
      // carried it out at 10:31: one rollback. Deployments d0, d1, rollback = 3; failed: d1
      // (rolled back) → 1 / 3; rework: the rollback → 1 / 3; d1 recovered at 10:30, 30 min
      // after its finish at 10:00.
      name: 'by the watcher and by the CD system, is one deployment',
      deployments: [
        d0,
        d1,
        rollback('rb-exec', at('2026-03-03T10:30')),
        rollback('rb-cd', at('2026-03-03T10:31')),
      ],
      expected: {
        deployments: 3,
        changeFail: [1, 3],
        rework: [1, 3],
        recovery: [1, 30 * MINUTE],
      },
    },
    {
      // The same two reports in the other order of ids and times: the first by time counts.
      name: 'in any order of arrival, counts the first by time',
      deployments: [
        rollback('a-cd', at('2026-03-03T10:31')),
        d1,
        rollback('z-exec', at('2026-03-03T10:30')),
        d0,
      ],
      expected: {
        deployments: 3,
        changeFail: [1, 3],
        rework: [1, 3],
        recovery: [1, 30 * MINUTE],
      },
    },
    {
      // A failed attempt, then a retry that succeeds: two deployments, both counted.
      // Successful: d0, d1, rb-retry = 3. Denominator d0, d1, rb-failed, rb-retry = 4; failed
      // changes d1 (rolled back) and rb-failed (its status) = 2 / 4; rework 2 / 4.
      // Recoveries: d1 by the retry at 10:40 → 40 min; rb-failed (finished 10:30) by the retry,
      // the next success there → 10 min. Median of [10, 40] min, nearest rank 1 → 10 min.
      name: 'after a failed attempt, keeps the attempt',
      deployments: [
        d0,
        d1,
        rollback('rb-failed', at('2026-03-03T10:30'), { status: 'failed' }),
        rollback('rb-retry', at('2026-03-03T10:40')),
      ],
      expected: {
        deployments: 3,
        changeFail: [2, 4],
        rework: [2, 4],
        recovery: [2, 10 * MINUTE],
      },
    },
    {
      // Rollbacks of different deployments are different rollbacks.
      // d0, d1, rollback of d1 at 10:30, d2 at 14:00, rollback of d2 at 14:20 = 5;
      // failed d1, d2 → 2 / 5; rework 2 / 5; recoveries 30 and 20 min, median 20 min.
      name: 'of different deployments, are two',
      deployments: [
        d0,
        d1,
        rollback('rb-1', at('2026-03-03T10:30')),
        deploy('d2', at('2026-03-03T14:00')),
        rollback('rb-2', at('2026-03-03T14:20'), { rollbackOf: 'd2' }),
      ],
      expected: {
        deployments: 5,
        changeFail: [2, 5],
        rework: [2, 5],
        recovery: [2, 20 * MINUTE],
      },
    },
    {
      // A second rollback of d1 a week later (nothing deployed in between) is another
      // rollback, not a repeat: d0, d1, rb-1, rb-2 = 4; failed d1 once → 1 / 4; rework 2 / 4;
      // d1 recovered at rb-1, 30 min.
      name: 'a week apart, are two',
      deployments: [
        d0,
        d1,
        rollback('rb-1', at('2026-03-03T10:30')),
        rollback('rb-2', at('2026-03-10T10:30')),
      ],
      expected: {
        deployments: 4,
        changeFail: [1, 4],
        rework: [2, 4],
        recovery: [1, 30 * MINUTE],
      },
    },
    {
      // Two rollbacks of d1 within the hour that restored different artifacts are two.
      name: 'restoring different artifacts, are two',
      deployments: [
        d0,
        d1,
        rollback('rb-a', at('2026-03-03T10:30'), {
          artifactDigest: 'sha256:a',
        }),
        rollback('rb-b', at('2026-03-03T10:40'), {
          artifactDigest: 'sha256:b',
        }),
      ],
      expected: {
        deployments: 4,
        changeFail: [1, 4],
        rework: [2, 4],
        recovery: [1, 30 * MINUTE],
      },
    },
    {
      // Started 85 minutes apart, in either order of finishing, they are two attempts: a slow
      // rollback started 10:05 and finished 12:00, a fast one started 11:30 and finished
      // 11:40. "Within an hour" is of the starts, whichever finished first. d0, d1, rb-fast,
      // rb-slow = 4; failed d1 once → 1 / 4; rework 2 / 4; d1 recovered by the first to
      // finish, at 11:40: 100 min after its finish at 10:00.
      name: 'started more than an hour apart, whichever finished first, are two',
      deployments: [
        d0,
        d1,
        rollback('rb-fast', at('2026-03-03T11:40'), {
          startedAt: at('2026-03-03T11:30'),
        }),
        rollback('rb-slow', at('2026-03-03T12:00'), {
          startedAt: at('2026-03-03T10:05'),
        }),
      ],
      expected: {
        deployments: 4,
        changeFail: [1, 4],
        rework: [2, 4],
        recovery: [1, 100 * MINUTE],
      },
    },
  ])('$name', ({ deployments, expected }) => {
    expect(figures(deployments)).toEqual(expected);
  });

  it('keeps what names the repeat, on the report that counts', () => {
    // An incident detected at 11:00 is placed on the CD system's report (rb-cd), the repeat.
    // It counts against the rollback that is kept (rb-exec): failed d1 (rolled back) and
    // rb-exec (the incident) → 2 / 3. Recoveries: d1 by rb-exec at 10:30 → 30 min; rb-exec
    // from min(10:30, 11:00) = 10:30 to the resolution at 12:00 (nothing later) → 90 min.
    // Nearest-rank median of [30, 90] min: rank ceil(1) = 1 → 30 min.
    const m = computeDoraMetrics(
      {
        deployments: [
          d0,
          d1,
          rollback('rb-exec', at('2026-03-03T10:30')),
          rollback('rb-cd', at('2026-03-03T10:31')),
        ],
        incidents: [
          incident('i', at('2026-03-03T11:00'), {
            deploymentId: 'rb-cd',
            resolvedAt: at('2026-03-03T12:00'),
          }),
        ],
      },
      window,
    );
    expect([m.changeFailRate.numerator, m.changeFailRate.denominator]).toEqual([
      2, 3,
    ]);
    expect(m.changeFailRate.failures?.map(f => f.deploymentId)).toEqual([
      'd1',
      'rb-exec',
    ]);
    expect(m.failedDeploymentRecoveryTime).toMatchObject({
      n: 2,
      medianMs: 30 * MINUTE,
      p90Ms: 90 * MINUTE,
    });
  });

  it('counts once in the daily rollups too', () => {
    // 03-03: d1 and one rollback, both successful production deployments; d1 failed;
    // the rollback is rework.
    const rollups = buildDailyRollups(
      [
        d0,
        d1,
        rollback('rb-exec', at('2026-03-03T10:30')),
        rollback('rb-cd', at('2026-03-03T10:31')),
      ],
      [],
    );
    expect(rollups.find(r => r.day === '2026-03-03')).toMatchObject({
      successfulProduction: 2,
      production: 2,
      failed: 1,
      rework: 1,
    });
  });
});
