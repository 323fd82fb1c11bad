import { computeDoraMetrics } from './metrics';
import { at, DAY, deploy } from './__testUtils__/builders';

// Mon 5 Jan 2026 00:00 → Mon 19 Jan 00:00 UTC: 14 days, ISO weeks W02 and W03.
const window = { from: at('2026-01-05T00:00'), to: at('2026-01-19T00:00') };

const history = [
  deploy('before', at('2026-01-04T23:59')), // before the window
  deploy('mon-a', at('2026-01-05T10:00')),
  deploy('mon-b', at('2026-01-05T15:00')), // same UTC day as mon-a
  deploy('wed', at('2026-01-07T09:00')),
  deploy('thu-failed', at('2026-01-08T09:00'), { status: 'failed' }),
  deploy('fri-cancelled', at('2026-01-09T12:00'), { status: 'cancelled' }),
  deploy('tue-staging', at('2026-01-13T09:00'), {
    environment: 'staging',
    tier: 'staging',
  }),
  deploy('thu-us', at('2026-01-15T23:30'), { environment: 'prod-us' }),
  deploy('still-running', at('2026-01-16T10:00'), {
    status: 'started',
    finishedAt: undefined,
  }),
  deploy('end', at('2026-01-19T00:00')), // the window is half-open
];

describe('deployment frequency', () => {
  it('counts successful production deployments per day and deployment days per week', () => {
    const { deploymentFrequency } = computeDoraMetrics(
      { deployments: history },
      window,
    );
    // Counted: mon-a, mon-b, wed, thu-us (a second production environment) = 4.
    expect(deploymentFrequency.count).toBe(4);
    // 4 deployments / 14 days
    expect(deploymentFrequency.perDay).toBeCloseTo(4 / 14, 12);
    // W02: Mon 5 and Wed 7 → 2 days (3 deployments); W03: Thu 15 → 1 day.
    expect(deploymentFrequency.weeks).toEqual([
      { week: '2026-W02', daysInWindow: 7, deploymentDays: 2, deployments: 3 },
      { week: '2026-W03', daysInWindow: 7, deploymentDays: 1, deployments: 1 },
    ]);
    // Nearest-rank median of [1, 2]: rank ceil(0.5 * 2) = 1 → 1 day.
    expect(deploymentFrequency.medianDeployDaysPerWeek).toBe(1);
  });

  it('reports partial ISO weeks at the window edges', () => {
    // Wed 7 Jan → Tue 13 Jan: W02 has 5 days in the window, W03 has 1.
    const { deploymentFrequency } = computeDoraMetrics(
      { deployments: history },
      { from: at('2026-01-07T00:00'), to: at('2026-01-13T00:00') },
    );
    expect(deploymentFrequency.count).toBe(1); // wed
    expect(deploymentFrequency.weeks).toEqual([
      { week: '2026-W02', daysInWindow: 5, deploymentDays: 1, deployments: 1 },
      { week: '2026-W03', daysInWindow: 1, deploymentDays: 0, deployments: 0 },
    ]);
    // [0, 1] → rank 1 → 0
    expect(deploymentFrequency.medianDeployDaysPerWeek).toBe(0);
    expect(deploymentFrequency.perDay).toBeCloseTo(1 / 6, 12);
  });

  it('uses the start time when a deployment has no finish time', () => {
    const { deploymentFrequency } = computeDoraMetrics(
      {
        deployments: [
          deploy('no-finish', 0, {
            startedAt: at('2026-01-06T10:00'),
            finishedAt: undefined,
          }),
          deploy('no-times', 0, {
            startedAt: undefined,
            finishedAt: undefined,
          }),
        ],
      },
      window,
    );
    expect(deploymentFrequency.count).toBe(1);
  });

  it('is zero per day for a quiet window and undefined for an empty one', () => {
    const quiet = computeDoraMetrics(
      { deployments: [] },
      { from: window.from, to: window.from + 7 * DAY },
    ).deploymentFrequency;
    expect(quiet).toEqual({
      count: 0,
      perDay: 0,
      entities: 0,
      perDayPerEntity: 0,
      medianDeployDaysPerWeek: 0,
      weeks: [
        {
          week: '2026-W02',
          daysInWindow: 7,
          deploymentDays: 0,
          deployments: 0,
        },
      ],
    });
    const empty = computeDoraMetrics(
      { deployments: history },
      { from: window.from, to: window.from },
    ).deploymentFrequency;
    expect(empty).toEqual({
      count: 0,
      perDay: null,
      entities: 0,
      perDayPerEntity: null,
      medianDeployDaysPerWeek: null,
      weeks: [],
    });
  });

  it('rates a team per service that deployed, not on its pooled count', () => {
    // Ten services, each deploying to production once a week for four weeks (Mon 5 Jan →
    // Mon 2 Feb, 28 days): 40 deployments, 40 / 28 = 1.43 a day for the team, which the
    // per-service levels would call elite ("multiple deploys per day"). Per service that
    // deployed: 1.43 / 10 = 1 / 7 a day, once a week: high ("between once per day and once
    // per week", bound 1/7 inclusive).
    const team = Array.from({ length: 10 }, (_, s) =>
      Array.from({ length: 4 }, (__, week) =>
        deploy(
          `s${s}-w${week}`,
          at('2026-01-05T10:00') + week * 7 * DAY + s * 60_000,
          {
            entityRef: `component:default/service-${s}`,
          },
        ),
      ),
    ).flat();
    const month = { from: at('2026-01-05T00:00'), to: at('2026-02-02T00:00') };
    const { deploymentFrequency, tiers } = computeDoraMetrics(
      { deployments: team },
      month,
    );
    expect(deploymentFrequency.count).toBe(40);
    expect(deploymentFrequency.perDay).toBeCloseTo(40 / 28, 10);
    expect(deploymentFrequency.entities).toBe(10);
    expect(deploymentFrequency.perDayPerEntity).toBeCloseTo(1 / 7, 10);
    expect(tiers.deploymentFrequency).toBe('high');

    // One of those services alone: the same once a week, the same level.
    const one = computeDoraMetrics(
      { deployments: team.filter(d => d.entityRef.endsWith('service-3')) },
      month,
    );
    expect(one.deploymentFrequency.entities).toBe(1);
    expect(one.deploymentFrequency.perDayPerEntity).toBeCloseTo(1 / 7, 10);
    expect(one.tiers.deploymentFrequency).toBe('high');
  });
});
