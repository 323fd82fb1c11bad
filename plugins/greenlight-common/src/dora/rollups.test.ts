import fc from 'fast-check';
import { computeDoraMetrics, DoraMetrics } from './metrics';
import {
  buildDailyRollups,
  mergeDailyRollups,
  metricsFromRollups,
  parseDoraDailyRollup,
} from './rollups';
import { sketchOf } from './sketch';
import { DoraDeployment, DoraIncident, DoraWindow } from './types';
import { at, deploy, HOUR, incident, MINUTE } from './__testUtils__/builders';
import {
  dayWindowArbitrary,
  ENTITIES,
  historyArbitrary,
} from './__testUtils__/arbitraries';

const ALPHA = 0.01;

function expectWithinRelativeError(
  estimate: number | null,
  exact: number | null,
) {
  if (exact === null) {
    expect(estimate).toBeNull();
    return;
  }
  expect(estimate).not.toBeNull();
  expect(Math.abs(estimate! - exact)).toBeLessThanOrEqual(
    ALPHA * (1 + 1e-9) * exact,
  );
}

/** Counts and rates exactly equal; quantiles within the sketch's error. */
function expectSameMetrics(fromRollups: DoraMetrics, raw: DoraMetrics) {
  expect(fromRollups.quantiles).toBe('sketch');
  expect(fromRollups.deploymentFrequency).toEqual(raw.deploymentFrequency);
  const { failures, ...rawChangeFailRate } = raw.changeFailRate;
  expect(fromRollups.changeFailRate).toEqual(rawChangeFailRate);
  expect(fromRollups.deploymentReworkRate).toEqual(raw.deploymentReworkRate);

  const { medianMs, p90Ms, ...leadCounts } = fromRollups.changeLeadTime;
  expect(leadCounts).toEqual({
    n: raw.changeLeadTime.n,
    notInProduction: raw.changeLeadTime.notInProduction,
    clockSkewed: raw.changeLeadTime.clockSkewed,
    basis: raw.changeLeadTime.basis,
  });
  expectWithinRelativeError(medianMs, raw.changeLeadTime.medianMs);
  expectWithinRelativeError(p90Ms, raw.changeLeadTime.p90Ms);

  const recovery = fromRollups.failedDeploymentRecoveryTime;
  expect(recovery.n).toBe(raw.failedDeploymentRecoveryTime.n);
  expect(recovery.unrecovered).toBe(
    raw.failedDeploymentRecoveryTime.unrecovered,
  );
  expectWithinRelativeError(
    recovery.medianMs,
    raw.failedDeploymentRecoveryTime.medianMs,
  );
  expectWithinRelativeError(
    recovery.p90Ms,
    raw.failedDeploymentRecoveryTime.p90Ms,
  );
  expectWithinRelativeError(
    recovery.medianOfAllMs,
    raw.failedDeploymentRecoveryTime.medianOfAllMs,
  );

  expect(fromRollups.tiers.deploymentFrequency).toBe(
    raw.tiers.deploymentFrequency,
  );
  expect(fromRollups.tiers.changeFailRate).toBe(raw.tiers.changeFailRate);
}

/** Per-entity histories cannot see links to other entities' deployments. */
function withoutCrossEntityLinks(history: {
  deployments: DoraDeployment[];
  incidents: DoraIncident[];
}) {
  const entityOf = new Map(history.deployments.map(d => [d.id, d.entityRef]));
  const sameEntity = (d: DoraDeployment, target?: string) =>
    target !== undefined && entityOf.get(target) === d.entityRef
      ? target
      : undefined;
  return {
    deployments: history.deployments.map(d => ({
      ...d,
      rollbackOf: sameEntity(d, d.rollbackOf),
      replaces: sameEntity(d, d.replaces),
    })),
    incidents: history.incidents,
  };
}

const notInProduction = fc.array(
  fc.integer({ min: at('2026-01-01T00:00'), max: at('2026-02-20T00:00') }),
  { maxLength: 5 },
);

describe('daily rollups', () => {
  it('give the same metrics as pooled raw events', () => {
    fc.assert(
      fc.property(
        historyArbitrary,
        dayWindowArbitrary,
        notInProduction,
        (history, window, pending) => {
          const rollups = buildDailyRollups(
            history.deployments,
            history.incidents,
          );
          for (const r of rollups) {
            expect(r.failed).toBeLessThanOrEqual(r.production);
            expect(
              Math.max(r.successfulProduction, r.rework),
            ).toBeLessThanOrEqual(r.production);
          }
          expectSameMetrics(
            metricsFromRollups(rollups, window, {
              notInProductionCommitTimes: pending,
            }),
            computeDoraMetrics(
              { ...history, notInProductionCommitTimes: pending },
              window,
            ),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('merged per entity equal computing over the pooled team events', () => {
    fc.assert(
      fc.property(historyArbitrary, dayWindowArbitrary, (generated, window) => {
        const team = withoutCrossEntityLinks(generated);
        const perEntity = ENTITIES.flatMap(entityRef =>
          buildDailyRollups(
            team.deployments.filter(d => d.entityRef === entityRef),
            team.incidents,
          ),
        );
        const pooled = computeDoraMetrics(team, window);
        expectSameMetrics(metricsFromRollups(perEntity, window), pooled);
        const teamRollups = mergeDailyRollups(perEntity, 'group:default/team');
        expect(new Set(teamRollups.map(r => r.day)).size).toBe(
          teamRollups.length,
        );
        // Merged under one name, the rows no longer tell how many services deployed.
        const deployingEntities = new Set(
          perEntity
            .filter(
              r =>
                r.successfulProduction > 0 &&
                Date.parse(`${r.day}T00:00:00Z`) >= window.from &&
                Date.parse(`${r.day}T00:00:00Z`) < window.to,
            )
            .map(r => r.entityRef),
        ).size;
        expectSameMetrics(
          metricsFromRollups(teamRollups, window, { deployingEntities }),
          pooled,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('hold a worked day exactly', () => {
    const payments = 'component:default/payments';
    const rollups = buildDailyRollups(
      [
        // Mon 5 Jan: two successful (one a hotfix), one failed, one cancelled.
        deploy('a', at('2026-01-05T10:00'), {
          commitTimes: [at('2026-01-05T09:00'), at('2026-01-05T07:00')],
        }),
        deploy('bad', at('2026-01-05T11:00'), { status: 'failed' }),
        deploy('fix', at('2026-01-05T11:45'), {
          intent: 'hotfix',
          replaces: 'bad',
          commitTimes: [at('2026-01-05T11:30')],
        }),
        deploy('gave-up', at('2026-01-05T12:00'), { status: 'cancelled' }),
        // Tue 6 Jan: an unrecovered failure, filed on its own day.
        deploy('bad-2', at('2026-01-06T09:00'), { gateFailed: true }),
      ],
      [incident('i', at('2026-01-06T09:10'), { deploymentId: 'bad-2' })],
    );
    expect(rollups).toEqual([
      {
        entityRef: payments,
        day: '2026-01-05',
        successfulProduction: 2,
        production: 3,
        failed: 1,
        rework: 1,
        cancelled: 1,
        // 1 h, 3 h from a; 15 min from fix
        leadTime: sketchOf([HOUR, 3 * HOUR, 15 * MINUTE]),
        leadTimeClockSkewed: 0,
        // bad failed at 11:00, fix finished 11:45
        recoveryTime: sketchOf([45 * MINUTE]),
        unrecovered: 0,
      },
      {
        entityRef: payments,
        day: '2026-01-06',
        successfulProduction: 1,
        production: 1,
        failed: 1,
        rework: 0,
        cancelled: 0,
        leadTime: sketchOf([]),
        leadTimeClockSkewed: 0,
        recoveryTime: sketchOf([]),
        unrecovered: 1,
      },
    ]);
  });

  it('survive a JSON round trip', () => {
    const rollups = buildDailyRollups(
      [
        deploy('a', at('2026-01-05T10:00'), {
          commitTimes: [at('2026-01-05T09:00')],
        }),
      ],
      [],
    );
    const back = rollups.map(r =>
      parseDoraDailyRollup(JSON.parse(JSON.stringify(r))),
    );
    expect(back).toEqual(rollups);
    expect(() => parseDoraDailyRollup({ ...rollups[0], failed: -1 })).toThrow();
  });

  it('refuse windows that do not start and end at UTC midnight', () => {
    const window: DoraWindow = {
      from: at('2026-01-05T06:00'),
      to: at('2026-01-06T00:00'),
    };
    expect(() => metricsFromRollups([], window)).toThrow(RangeError);
  });
});
