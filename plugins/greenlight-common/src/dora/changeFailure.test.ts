import fc from 'fast-check';
import { computeDoraMetrics } from './metrics';
import { DoraDeployment } from './types';
import { at, DAY, deploy, HOUR, incident } from './__testUtils__/builders';
import {
  dayWindowArbitrary,
  historyArbitrary,
} from './__testUtils__/arbitraries';

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
