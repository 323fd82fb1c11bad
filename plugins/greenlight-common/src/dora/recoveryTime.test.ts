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
    expect(recovery).toEqual({
      n: 4,
      medianMs: 50 * MINUTE,
      p90Ms: 3 * HOUR,
      unrecovered: 2,
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
