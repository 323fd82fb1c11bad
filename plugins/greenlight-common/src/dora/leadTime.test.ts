import { computeDoraMetrics } from './metrics';
import { at, deploy, HOUR } from './__testUtils__/builders';

const window = { from: at('2026-01-05T00:00'), to: at('2026-01-19T00:00') };

function leadTime(
  deployments: Parameters<typeof computeDoraMetrics>[0]['deployments'],
  notInProductionCommitTimes?: number[],
) {
  return computeDoraMetrics({ deployments, notInProductionCommitTimes }, window)
    .changeLeadTime;
}

describe('change lead time', () => {
  it('ignores a deployment that brought no new commits', () => {
    // A redeploy of the same artifact: it counts as a deployment, not as change.
    const result = leadTime([
      deploy('ship', at('2026-01-05T10:00'), {
        commitTimes: [at('2026-01-05T07:00')],
      }),
      deploy('redeploy', at('2026-01-06T10:00'), { commitTimes: [] }),
    ]);
    // One commit, 10:00 − 07:00 = 3 h
    expect(result).toMatchObject({ n: 1, medianMs: 3 * HOUR, p90Ms: 3 * HOUR });
  });

  it('measures a commit to its first production environment only', () => {
    const commit = at('2026-01-05T08:00');
    const result = leadTime([
      deploy('eu', at('2026-01-05T10:00'), {
        environment: 'prod-eu',
        commitTimes: [commit],
      }),
      deploy('us', at('2026-01-05T14:00'), {
        environment: 'prod-us',
        commitTimes: [commit],
      }),
      deploy('staging', at('2026-01-05T09:00'), {
        environment: 'staging',
        tier: 'staging',
        commitTimes: [commit],
      }),
    ]);
    // 10:00 − 08:00 = 2 h, once; not also 6 h for prod-us, not 1 h for staging.
    expect(result).toMatchObject({ n: 1, medianMs: 2 * HOUR });
  });

  it('keeps distinct commits that share a commit time', () => {
    const sameSecond = at('2026-01-05T08:00');
    const result = leadTime([
      deploy('eu', at('2026-01-05T10:00'), {
        environment: 'prod-eu',
        commitTimes: [sameSecond, sameSecond],
      }),
      deploy('us', at('2026-01-05T12:00'), {
        environment: 'prod-us',
        commitTimes: [sameSecond, sameSecond, sameSecond],
      }),
    ]);
    // Two commits first shipped by eu (2 h each), a third first shipped by us (4 h).
    expect(result).toMatchObject({ n: 3, medianMs: 2 * HOUR, p90Ms: 4 * HOUR });
  });

  it('measures a rollback followed by a fix from the first successful deployment', () => {
    const result = leadTime([
      deploy('e1', at('2026-01-06T12:00'), {
        commitTimes: [at('2026-01-06T09:00'), at('2026-01-05T12:00')],
      }),
      deploy('rollback', at('2026-01-06T13:00'), {
        intent: 'rollback',
        rollbackOf: 'e1',
        commitTimes: [],
      }),
      // The fix brings the rolled-back commits back plus one new commit.
      deploy('fix', at('2026-01-07T12:00'), {
        intent: 'hotfix',
        replaces: 'e1',
        commitTimes: [
          at('2026-01-07T10:00'),
          at('2026-01-06T09:00'),
          at('2026-01-05T12:00'),
        ],
      }),
    ]);
    // e1: 3 h and 24 h; fix: 2 h for its new commit. Sorted [2, 3, 24] h:
    // median rank ceil(1.5) = 2 → 3 h; p90 rank ceil(2.7) = 3 → 24 h.
    expect(result).toMatchObject({
      n: 3,
      medianMs: 3 * HOUR,
      p90Ms: 24 * HOUR,
    });
  });

  it('only counts successful deployments', () => {
    const commit = at('2026-01-08T08:00');
    const result = leadTime([
      deploy('failed', at('2026-01-08T10:00'), {
        status: 'failed',
        commitTimes: [commit],
      }),
      deploy('cancelled', at('2026-01-08T11:00'), {
        status: 'cancelled',
        commitTimes: [commit],
      }),
      deploy('retry', at('2026-01-08T16:00'), { commitTimes: [commit] }),
    ]);
    // 16:00 − 08:00 = 8 h
    expect(result).toMatchObject({ n: 1, medianMs: 8 * HOUR });
  });

  it('only counts commits whose first production deployment finished in the window', () => {
    const commit = at('2026-01-04T08:00');
    const result = leadTime([
      deploy('before-window', at('2026-01-04T10:00'), {
        environment: 'prod-eu',
        commitTimes: [commit],
      }),
      deploy('in-window', at('2026-01-05T10:00'), {
        environment: 'prod-us',
        commitTimes: [commit],
      }),
    ]);
    expect(result).toMatchObject({ n: 0, medianMs: null, p90Ms: null });
  });

  it('counts commits not in production separately, by commit time in the window', () => {
    const result = leadTime(
      [
        deploy('ship', at('2026-01-05T10:00'), {
          commitTimes: [at('2026-01-05T09:00')],
        }),
      ],
      [at('2026-01-10T09:00'), at('2025-12-20T09:00'), at('2026-01-19T00:00')],
    );
    // Only 10 Jan is in [5 Jan, 19 Jan).
    expect(result).toEqual({
      n: 1,
      medianMs: HOUR,
      p90Ms: HOUR,
      notInProduction: 1,
      clockSkewed: 0,
      basis: { fromCommit: 1, fromMerge: 0 },
    });
  });

  it('leaves out commits dated after their deployment and counts them', () => {
    const result = leadTime([
      deploy('skewed', at('2026-01-05T10:00'), {
        commitTimes: [at('2026-01-05T10:05'), at('2026-01-05T09:00')],
      }),
    ]);
    expect(result).toMatchObject({ n: 1, medianMs: HOUR, clockSkewed: 1 });
  });
});

describe('change lead time basis', () => {
  it('counts lead times measured from the merge apart, once per commit', () => {
    const hours = { from: 0, to: 10 * HOUR };
    const deployment = (
      id: string,
      finishedAt: number,
      commitTimes: number[],
      mergeTimes: number[],
    ) => ({
      id,
      entityRef: 'component:default/a',
      environment: id.startsWith('eu') ? 'production-eu' : 'production',
      tier: 'production' as const,
      status: 'succeeded' as const,
      intent: 'planned' as const,
      finishedAt,
      commitTimes,
      mergeTimes,
    });
    const lead = computeDoraMetrics(
      {
        deployments: [
          deployment('d1', 5 * HOUR, [HOUR, 2 * HOUR, 2 * HOUR], [2 * HOUR]),
          // The same commits reach a second production environment: they count once.
          deployment('eu1', 6 * HOUR, [HOUR, 2 * HOUR, 2 * HOUR], [2 * HOUR]),
        ],
        incidents: [],
      },
      hours,
    ).changeLeadTime;
    expect(lead.n).toBe(3);
    expect(lead.basis).toEqual({ fromCommit: 2, fromMerge: 1 });
  });
});
