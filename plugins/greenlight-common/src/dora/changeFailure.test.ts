import fc from 'fast-check';
import { computeDoraMetrics } from './metrics';
import { DoraDeployment } from './types';
import {
  at,
  DAY,
  deploy,
  HOUR,
  incident,
  MINUTE,
} from './__testUtils__/builders';
import {
  dayWindowArbitrary,
  historyArbitrary,
} from './__testUtils__/arbitraries';
import { doraFigures } from './__testUtils__/figures';

const window = { from: at('2026-01-05T00:00'), to: at('2026-01-19T00:00') };

const deployments: DoraDeployment[] = [
  deploy('p1', at('2026-01-05T10:00')),
  deploy('p2', at('2026-01-05T12:00'), { status: 'failed' }),
  deploy('p3', at('2026-01-06T10:00'), { gateFailed: true }),
  deploy('p4', at('2026-01-06T14:00')),
  deploy('r1', at('2026-01-06T15:10'), {
    intent: 'rollback',
    rollbackOf: 'p4',
    startedAt: at('2026-01-06T15:00'),
  }),
  deploy('p5', at('2026-01-07T10:00')),
  // Started 8 days 1 hour after p5 finished: beyond the 7-day horizon.
  deploy('h1', at('2026-01-15T11:10'), {
    intent: 'hotfix',
    replaces: 'p5',
    startedAt: at('2026-01-15T11:00'),
  }),
  deploy('p6', at('2026-01-08T10:00')),
  deploy('p7', at('2026-01-09T10:00')),
  deploy('p8', at('2026-01-09T11:00'), { status: 'cancelled' }),
  deploy('p9', at('2026-01-12T10:00'), { status: 'rolled-back' }),
  deploy('r2', at('2026-01-12T10:20'), {
    intent: 'rollback',
    rollbackOf: 'p9',
    startedAt: at('2026-01-12T10:05'),
  }),
  // A planned deployment replacing p1 is ordinary change, not remediation.
  deploy('p10', at('2026-01-13T10:00'), { replaces: 'p1' }),
  deploy('s1', at('2026-01-13T11:00'), {
    status: 'failed',
    environment: 'staging',
    tier: 'staging',
  }),
];

const incidents = [
  incident('i1', at('2026-01-08T11:00'), { deploymentId: 'p6' }),
  // Detected 30 minutes after p7, but nobody attributed it: p7 is not blamed.
  incident('i2', at('2026-01-09T10:30')),
  incident('i3', at('2026-01-12T10:02'), { deploymentId: 'p9' }),
];

describe('change fail rate', () => {
  const metrics = computeDoraMetrics({ deployments, incidents }, window);

  it('counts failed changes over production deployments with a verdict', () => {
    // Denominator: p1 p2 p3 p4 r1 p5 h1 p6 p7 p9 r2 p10 = 12 (p8 cancelled, s1 staging).
    // Failed: p2 (status), p3 (gate), p4 (rolled back by r1), p6 (incident i1),
    // p9 (status + r2 + i3, once) = 5.  5/12 = 0.41667.
    expect(metrics.changeFailRate).toMatchObject({
      numerator: 5,
      denominator: 12,
      cancelled: 1,
    });
    expect(metrics.changeFailRate.rate).toBeCloseTo(5 / 12, 12);
    // Wilson 95% for 5/12: centre 0.43688, half-width 0.24362
    expect(metrics.changeFailRate.interval?.lower).toBeCloseTo(0.1933, 4);
    expect(metrics.changeFailRate.interval?.upper).toBeCloseTo(0.6805, 4);
  });

  it('explains every failure', () => {
    const reasons = Object.fromEntries(
      (metrics.changeFailRate.failures ?? []).map(f => [
        f.deploymentId,
        f.reasons,
      ]),
    );
    expect(reasons).toEqual({
      p2: [{ kind: 'status', status: 'failed' }],
      p3: [{ kind: 'slo-gate-failed' }],
      p4: [
        {
          kind: 'remediated',
          deploymentId: 'r1',
          link: 'rollbackOf',
          intent: 'rollback',
        },
      ],
      p6: [{ kind: 'incident', incidentId: 'i1' }],
      p9: [
        { kind: 'status', status: 'rolled-back' },
        {
          kind: 'remediated',
          deploymentId: 'r2',
          link: 'rollbackOf',
          intent: 'rollback',
        },
        { kind: 'incident', incidentId: 'i3' },
      ],
    });
  });

  it('never attributes an unattributed incident to the nearest previous deployment', () => {
    const ids = (metrics.changeFailRate.failures ?? []).map(
      f => f.deploymentId,
    );
    expect(ids).not.toContain('p7');
  });

  it('honours a configurable attribution horizon', () => {
    const longer = computeDoraMetrics({ deployments, incidents }, window, {
      attributionHorizonMs: 9 * DAY,
    });
    // h1 started 8 d 1 h after p5: inside 9 days, so p5 now failed too: 6/12.
    expect(longer.changeFailRate.numerator).toBe(6);
    expect(longer.changeFailRate.failures?.map(f => f.deploymentId)).toContain(
      'p5',
    );
  });

  it('counts a deployment with every kind of failure evidence once', () => {
    const only = computeDoraMetrics(
      {
        deployments: [
          deploy('bad', at('2026-01-06T10:00'), {
            status: 'failed',
            gateFailed: true,
          }),
          deploy('undo', at('2026-01-06T10:30'), {
            intent: 'revert',
            rollbackOf: 'bad',
            replaces: 'bad',
            status: 'failed',
            environment: 'staging',
            tier: 'staging',
          }),
        ],
        incidents: [
          incident('x', at('2026-01-06T10:05'), { deploymentId: 'bad' }),
          incident('y', at('2026-01-06T10:06'), { deploymentId: 'bad' }),
        ],
      },
      window,
    ).changeFailRate;
    expect(only).toMatchObject({ numerator: 1, denominator: 1, rate: 1 });
    expect(only.failures).toHaveLength(1);
    // status, gate, one remediation (not one per link), two incidents
    expect(only.failures?.[0].reasons).toHaveLength(5);
  });

  it('is a share of at most 100% over any history, each failure counted once', () => {
    fc.assert(
      fc.property(historyArbitrary, dayWindowArbitrary, (history, w) => {
        const cfr = computeDoraMetrics(history, w).changeFailRate;
        const ids = (cfr.failures ?? []).map(f => f.deploymentId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(cfr.numerator).toBe(ids.length);
        expect(cfr.numerator).toBeLessThanOrEqual(cfr.denominator);
        expect(cfr.rate === null).toBe(cfr.denominator === 0);
        const rate = cfr.rate ?? 0;
        expect(rate).toBeGreaterThanOrEqual(0);
        expect(rate).toBeLessThanOrEqual(1);
        expect(cfr.interval?.lower ?? 0).toBeLessThanOrEqual(rate);
        expect(cfr.interval?.upper ?? 0).toBeGreaterThanOrEqual(rate);
      }),
      { numRuns: 200 },
    );
  });

  it('has no rate when every production deployment was cancelled', () => {
    const cfr = computeDoraMetrics(
      {
        deployments: [
          deploy('c', at('2026-01-06T10:00'), { status: 'cancelled' }),
        ],
      },
      window,
    ).changeFailRate;
    expect(cfr).toEqual({
      numerator: 0,
      denominator: 0,
      rate: null,
      interval: null,
      cancelled: 1,
      failures: [],
    });
  });
});

describe('deployment rework rate', () => {
  it('is the share of hotfix, rollback and revert deployments', () => {
    const rework = computeDoraMetrics(
      { deployments, incidents },
      window,
    ).deploymentReworkRate;
    // r1, h1 and r2 of the same 12 deployments: 3/12 = 0.25
    expect(rework).toMatchObject({ numerator: 3, denominator: 12, rate: 0.25 });
    // Wilson 95% for 3/12
    expect(rework.interval?.lower).toBeCloseTo(0.0889, 4);
    expect(rework.interval?.upper).toBeCloseTo(0.5323, 4);
  });

  it('excludes cancelled remediation attempts', () => {
    const rework = computeDoraMetrics(
      {
        deployments: [
          deploy('p', at('2026-01-06T10:00')),
          deploy('undo', at('2026-01-06T11:00'), {
            intent: 'revert',
            status: 'cancelled',
          }),
          deploy('fix', at('2026-01-06T12:00'), {
            intent: 'hotfix',
            startedAt: at('2026-01-06T12:00') - HOUR,
          }),
        ],
      },
      window,
    ).deploymentReworkRate;
    expect(rework).toMatchObject({ numerator: 1, denominator: 2, rate: 0.5 });
  });
});

describe('a remediation attempt by its outcome', () => {
  // D succeeded at 10:00 on 2026-01-06; rollback R (rollbackOf D) was started
  // at 10:30 and ended, if it did, at 10:40. Only production deployments with
  // a verdict (succeeded, failed, rolled-back) are in the denominator.
  const t = (hhmm: string) => at(`2026-01-06T${hhmm}`);
  const D = deploy('D', t('10:00'));
  const rollback = (id: string, overrides: Partial<DoraDeployment>) =>
    deploy(id, t('10:40'), {
      intent: 'rollback',
      rollbackOf: 'D',
      startedAt: t('10:30'),
      ...overrides,
    });

  it.each([
    {
      // R called off: nobody undid D. Denominator D = 1 (R cancelled, outside);
      // failed none → 0/1. Rework: R is cancelled, so 0/1 as well.
      name: 'a cancelled rollback does not fail its target',
      deployments: [D, rollback('R', { status: 'cancelled' })],
      changeFail: { numerator: 0, denominator: 1, cancelled: 1 },
      rework: { numerator: 0, denominator: 1 },
      failures: {},
    },
    {
      // R still running: someone decided D was bad at 10:30. Denominator D = 1
      // (R has no verdict yet); failed D → 1/1. D not restored yet.
      name: 'a rollback in flight fails its target',
      deployments: [
        D,
        rollback('R', { status: 'started', finishedAt: undefined }),
      ],
      changeFail: { numerator: 1, denominator: 1, cancelled: 0 },
      rework: { numerator: 0, denominator: 1 },
      failures: { D: null },
    },
    {
      // R failed: D was still judged bad → D failed. R is a production
      // deployment with a verdict of its own, and failed: denominator D, R = 2,
      // failed D, R → 2/2 (D alone: 1/1). A failed rollback restores nothing.
      name: 'a failed rollback fails its target',
      deployments: [D, rollback('R', { status: 'failed' })],
      changeFail: { numerator: 2, denominator: 2, cancelled: 0 },
      rework: { numerator: 1, denominator: 2 },
      failures: { D: null, R: null },
    },
    {
      // For contrast, R succeeded: denominator D, R = 2; failed D → 1/2.
      // D recovered when R finished: 10:40 − 10:00 = 40 min.
      name: 'a successful rollback fails and restores its target',
      deployments: [D, rollback('R', {})],
      changeFail: { numerator: 1, denominator: 2, cancelled: 0 },
      rework: { numerator: 1, denominator: 2 },
      failures: { D: 40 * MINUTE },
    },
    {
      // R1 cancelled, then R2 started 10:45 and succeeded 10:55. Denominator
      // D, R2 = 2 (R1 cancelled); failed D, by R2 only → 1/2. D recovered at
      // 10:55: 55 min.
      name: 'a cancelled rollback retried successfully counts once, by the retry',
      deployments: [
        D,
        rollback('R1', { status: 'cancelled' }),
        rollback('R2', { startedAt: t('10:45'), finishedAt: t('10:55') }),
      ],
      changeFail: { numerator: 1, denominator: 2, cancelled: 1 },
      rework: { numerator: 1, denominator: 2 },
      failures: { D: 55 * MINUTE },
    },
  ])('$name', c => {
    const m = computeDoraMetrics({ deployments: c.deployments }, window);
    expect(m.changeFailRate).toMatchObject(c.changeFail);
    expect(m.deploymentReworkRate).toMatchObject(c.rework);
    expect(
      Object.fromEntries(
        (m.changeFailRate.failures ?? []).map(f => [
          f.deploymentId,
          f.recoveryMs,
        ]),
      ),
    ).toEqual(c.failures);
  });

  it('names only the retry that was not cancelled', () => {
    const m = computeDoraMetrics(
      {
        deployments: [
          D,
          rollback('R1', { status: 'cancelled' }),
          rollback('R2', { startedAt: t('10:45'), finishedAt: t('10:55') }),
        ],
      },
      window,
    );
    expect(m.changeFailRate.failures?.[0].reasons).toEqual([
      {
        kind: 'remediated',
        deploymentId: 'R2',
        link: 'rollbackOf',
        intent: 'rollback',
      },
    ]);
  });

  it('never ends a recovery with a cancelled rollback', () => {
    // D failed at 10:00; rollback R cancelled at 10:40; planned E succeeded at
    // 11:30 in the same place. R restored nothing, so E does: 90 min, not 40.
    const failed = deploy('D', t('10:00'), { status: 'failed' });
    const cancelled = rollback('R', { status: 'cancelled' });
    const recovery = (history: DoraDeployment[]) =>
      computeDoraMetrics(
        { deployments: history },
        window,
      ).changeFailRate.failures?.map(f => [
        f.deploymentId,
        f.recoveryMs,
        f.reasons,
      ]);
    expect(recovery([failed, cancelled, deploy('E', t('11:30'))])).toEqual([
      ['D', 90 * MINUTE, [{ kind: 'status', status: 'failed' }]],
    ]);
    // Without E nothing restored D.
    expect(recovery([failed, cancelled])).toEqual([
      ['D', null, [{ kind: 'status', status: 'failed' }]],
    ]);
  });
});

describe('a rollback is a recovery, whatever later names it', () => {
  const window2 = { from: at('2026-02-02T00:00'), to: at('2026-02-09T00:00') };
  const figures = (history: DoraDeployment[]) => doraFigures(history, window2);
  // Argo CD syncs A (s1, Monday 09:00), B (s2, Tuesday 10:00), A again (s3, 10:20: a rollback
  // of s2) and B again once it was fixed (s4, 14:00), which Argo CD's history also records as
  // a sync to an earlier revision: a rollback of s3.
  const s1 = deploy('s1', at('2026-02-02T09:00'));
  const s2 = deploy('s2', at('2026-02-03T10:00'));
  const s3 = deploy('s3', at('2026-02-03T10:20'), {
    intent: 'rollback',
    rollbackOf: 's2',
    startedAt: at('2026-02-03T10:15'),
  });

  it('does not fail the rollback that a later roll-forward undoes', () => {
    // Counted: s1, s2, s3, s4 = 4; failed: s2 alone (rolled back by s3) → 1 / 4; rework: s3
    // and s4 → 2 / 4; s2 recovered at s3's finish, 20 min after its own: one sample.
    const s4 = deploy('s4', at('2026-02-03T14:00'), {
      intent: 'rollback',
      rollbackOf: 's3',
      startedAt: at('2026-02-03T13:55'),
    });
    expect(figures([s1, s2, s3, s4])).toMatchObject({
      changeFail: [1, 4],
      failed: ['s2'],
      rework: [2, 4],
      recovery: [1, 20 * MINUTE],
    });
  });

  it('does not fail the rollback that a hotfix names as the deployment it replaces', () => {
    // The hotfix h replaces what runs (the rollback s3), but s3 restored a good artifact:
    // failed s2 alone → 1 / 4; rework s3 and h → 2 / 4.
    const h = deploy('h', at('2026-02-03T16:00'), {
      intent: 'hotfix',
      replaces: 's3',
      startedAt: at('2026-02-03T15:50'),
    });
    expect(figures([s1, s2, s3, h])).toMatchObject({
      changeFail: [1, 4],
      failed: ['s2'],
      rework: [2, 4],
    });
  });

  it('still fails a rollback by its own status', () => {
    const failed = { ...s3, status: 'failed' as const };
    expect(figures([s1, s2, failed]).failed).toEqual(['s2', 's3']);
  });
});
