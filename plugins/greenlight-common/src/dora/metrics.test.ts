import fc from 'fast-check';
import { computeDoraMetrics } from './metrics';
import { at, deploy, HOUR } from './__testUtils__/builders';
import {
  dayWindowArbitrary,
  historyArbitrary,
} from './__testUtils__/arbitraries';

const window = { from: at('2026-01-05T00:00'), to: at('2026-01-19T00:00') };

describe('computeDoraMetrics', () => {
  it('reports nothing, without dividing by zero, for an empty window', () => {
    const metrics = computeDoraMetrics(
      {
        deployments: [
          deploy('d', at('2026-01-05T10:00'), { commitTimes: [0] }),
        ],
      },
      { from: window.from, to: window.from },
    );
    expect(metrics).toMatchObject({
      quantiles: 'exact',
      deploymentFrequency: {
        count: 0,
        perDay: null,
        medianDeployDaysPerWeek: null,
        weeks: [],
      },
      changeLeadTime: {
        n: 0,
        medianMs: null,
        p90Ms: null,
        notInProduction: 0,
        clockSkewed: 0,
      },
      changeFailRate: {
        numerator: 0,
        denominator: 0,
        rate: null,
        interval: null,
        cancelled: 0,
      },
      failedDeploymentRecoveryTime: {
        n: 0,
        medianMs: null,
        p90Ms: null,
        unrecovered: 0,
      },
      deploymentReworkRate: {
        numerator: 0,
        denominator: 0,
        rate: null,
        interval: null,
      },
    });
  });

  it('pools events of several services instead of averaging their medians', () => {
    const service = (name: string) => ({
      entityRef: `component:default/${name}`,
    });
    const metrics = computeDoraMetrics(
      {
        deployments: [
          // Service a: three commits of 1 h each. Service b: one commit of 10 h.
          deploy('a1', at('2026-01-05T10:00'), {
            ...service('a'),
            commitTimes: [at('2026-01-05T09:00'), at('2026-01-05T09:00')],
          }),
          deploy('a2', at('2026-01-06T10:00'), {
            ...service('a'),
            commitTimes: [at('2026-01-06T09:00')],
          }),
          deploy('b1', at('2026-01-06T10:00'), {
            ...service('b'),
            commitTimes: [at('2026-01-06T00:00')],
          }),
        ],
      },
      window,
    );
    // Pooled [1, 1, 1, 10] h: median rank 2 → 1 h. A mean of the per-service
    // medians would claim (1 + 10) / 2 = 5.5 h, which no commit experienced.
    expect(metrics.changeLeadTime.medianMs).toBe(HOUR);
    expect(metrics.changeLeadTime.p90Ms).toBe(10 * HOUR);
  });

  it('does not depend on the order of its input', () => {
    fc.assert(
      fc.property(
        historyArbitrary,
        dayWindowArbitrary,
        fc.func(fc.integer()),
        (history, w, order) => {
          const shuffle = <T>(items: readonly T[]) =>
            items
              .map((item, i) => ({ item, key: order(i) }))
              .sort((a, b) => a.key - b.key)
              .map(e => e.item);
          const expected = computeDoraMetrics(history, w);
          const actual = computeDoraMetrics(
            {
              deployments: shuffle(history.deployments),
              incidents: shuffle(history.incidents),
            },
            w,
          );
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
