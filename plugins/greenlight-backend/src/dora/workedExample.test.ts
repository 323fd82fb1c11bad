import { DoraMetrics, DoraResponse } from '@greenlight/backstage-plugin-greenlight-common';
import {
  commits,
  component,
  deployment,
  group,
  HOUR,
  incident,
  MINUTE,
  startDoraBackend,
} from './__testUtils__/doraBackend';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

/*
 * A worked example, computed by hand (docs/dora.md), posted through the native API.
 *
 * payments (team core), window 2026-03-02 .. 2026-03-16 (two ISO weeks, 14 days):
 *   p1     production     succeeded 03-02 11:00  commits c1 (08:00), c2 (09:00)   lead 3 h, 2 h
 *   p1-eu  production-eu  succeeded 03-02 12:00  c1, c2 again: a second production
 *                                                environment, no new lead time
 *   p2     production     succeeded 03-03 09:00  c1, c2: a redeploy, no new commits
 *   p3     production     rolled-back 03-04 10:30  c3 (03-03 10:00)               failed
 *   r3     production     rollback of p3, succeeded 03-04 11:00                   rework; p3 recovers in 30 min
 *   f3     production     hotfix replacing p3, succeeded 03-05 14:00  c3, c4 (03-04 06:00)
 *                                                the fix after the rollback       lead 52 h, 32 h; rework
 *   p4     production     succeeded 03-06 10:00  c5 (03-05 12:00)                 lead 22 h
 *          incident i4 attributed to p4, detected 10:30, resolved 12:00          failed
 *   p5     production     planned, succeeded 03-06 11:00  c6 (03-06 08:00)        lead 3 h; the forward
 *                                                fix that ends p4's failure: recovery 1 h
 *   p6     production     cancelled 03-11                                        reported, not counted
 *   qa     qa-eu          succeeded 03-09: an environment outside the promotion path, not production
 *   i5     incident on payments without a deployment: never a failure
 *
 *   successful 7, per day 0.5; rate denominator 8, failed 2 (p3, p4) = 0.25; rework 2/8;
 *   lead times 2,3,3,22,32,52 h: median 3 h, p90 52 h; recovery 30 min, 1 h: median 30 min, p90 1 h.
 *
 * search (team core):
 *   s1  production     succeeded 03-09 10:00  s1 (08:00)   lead 2 h
 *   s2  production     failed 03-10 10:00     s2 (08:00)   failed, never restored in production
 *   s3  production-eu  succeeded 03-10 12:00  s2           lead 4 h (first production arrival)
 *   s4  production-eu  succeeded 03-12 10:00  no commit    data quality: deployment without commit
 *   s5  production-eu  succeeded 03-13 10:00  s9, no time  data quality: commit without time
 *   successful 4; denominator 5, failed 1; lead times 2 h, 4 h: median 2 h; 1 unrecovered.
 *
 * Team core = platform's child; platform owns nothing directly. Pooled: 11 successful;
 * 3 of 13 failed; lead times 2,2,3,3,4,22,32,52 h: median 3 h (a mean of the two services'
 * medians would say 2.5 h); recovery 30 min, 1 h with 1 unrecovered.
 * web (team web) deploys too but belongs to neither group.
 */
const at = (day: string, time: string) => `2026-03-${day}T${time}:00Z`;
const events = [
  commits('payments', [
    ['c1', at('02', '08:00')],
    ['c2', at('02', '09:00')],
    ['c3', at('03', '10:00')],
    ['c4', at('04', '06:00')],
    ['c5', at('05', '12:00')],
    ['c6', at('06', '08:00')],
  ]),
  deployment('p1', 'payments', 'production', 'succeeded', at('02', '11:00'), { commits: ['c1', 'c2'] }),
  deployment('p1-eu', 'payments', 'production-eu', 'succeeded', at('02', '12:00'), { commits: ['c1', 'c2'] }),
  deployment('p2', 'payments', 'production', 'succeeded', at('03', '09:00'), { commits: ['c1', 'c2'] }),
  deployment('p3', 'payments', 'production', 'rolled-back', at('04', '10:30'), { commits: ['c3'] }),
  deployment('r3', 'payments', 'production', 'succeeded', at('04', '11:00'), {
    commits: ['c1', 'c2'],
    intent: 'rollback',
    rollbackOf: 'p3',
    startedAt: at('04', '10:40'),
  }),
  deployment('f3', 'payments', 'production', 'succeeded', at('05', '14:00'), {
    commits: ['c3', 'c4'],
    intent: 'hotfix',
    replaces: 'p3',
  }),
  deployment('p4', 'payments', 'production', 'succeeded', at('06', '10:00'), { commits: ['c5'] }),
  incident('i4', ['payments'], at('06', '10:30'), { deploymentId: 'p4' }),
  incident('i4', ['payments'], at('06', '10:30'), { deploymentId: 'p4', resolvedAt: at('06', '12:00') }),
  deployment('p5', 'payments', 'production', 'succeeded', at('06', '11:00'), { commits: ['c6'] }),
  deployment('p6', 'payments', 'production', 'cancelled', at('11', '09:00'), { commits: ['c6'] }),
  deployment('qa', 'payments', 'qa-eu', 'succeeded', at('09', '09:00'), { commits: ['c6'] }),
  deployment('staging-1', 'payments', 'staging', 'succeeded', at('02', '09:30'), { commits: ['c1', 'c2'] }),
  incident('i5', ['payments'], at('10', '09:00'), { resolvedAt: at('10', '10:00') }),
  incident('i6', [], at('12', '09:00')),

  commits('search', [
    ['s1', at('09', '08:00')],
    ['s2', at('10', '08:00')],
  ]),
  deployment('s1', 'search', 'production', 'succeeded', at('09', '10:00'), { commits: ['s1'] }),
  deployment('s2', 'search', 'production', 'failed', at('10', '10:00'), { commits: ['s2'] }),
  deployment('s3', 'search', 'production-eu', 'succeeded', at('10', '12:00'), { commits: ['s2'] }),
  deployment('s4', 'search', 'production-eu', 'succeeded', at('12', '10:00')),
  deployment('s5', 'search', 'production-eu', 'succeeded', at('13', '10:00'), { commits: ['s9'] }),

  commits('web', [['w1', at('09', '08:00')]]),
  deployment('w1', 'web', 'production', 'succeeded', at('09', '10:00'), { commits: ['w1'] }),
];

const entities = [
  component('payments', 'group:default/core'),
  component('search', 'group:default/core'),
  component('web', 'group:default/web'),
  group('platform', { children: ['core'] }),
  group('core', { parent: 'platform' }),
  group('web'),
];

const window = { from: '2026-03-02T00:00:00Z', to: '2026-03-16T00:00:00Z' };

type Expected = {
  count: number;
  perDay: number;
  failed: number;
  production: number;
  rework: number;
  cancelled: number;
  lead: { n: number; median: number | null; p90: number | null };
  recovery: { n: number; median: number | null; p90: number | null; unrecovered: number };
  deployDaysPerWeek: number[];
};

const payments: Expected = {
  count: 7,
  perDay: 7 / 14,
  failed: 2,
  production: 8,
  rework: 2,
  cancelled: 1,
  lead: { n: 6, median: 3 * HOUR, p90: 52 * HOUR },
  recovery: { n: 2, median: 30 * MINUTE, p90: HOUR, unrecovered: 0 },
  deployDaysPerWeek: [5, 0],
};
const search: Expected = {
  count: 4,
  perDay: 4 / 14,
  failed: 1,
  production: 5,
  rework: 0,
  cancelled: 0,
  lead: { n: 2, median: 2 * HOUR, p90: 4 * HOUR },
  recovery: { n: 0, median: null, p90: null, unrecovered: 1 },
  deployDaysPerWeek: [0, 4],
};
const team: Expected = {
  count: 11,
  perDay: 11 / 14,
  failed: 3,
  production: 13,
  rework: 2,
  cancelled: 1,
  lead: { n: 8, median: 3 * HOUR, p90: 52 * HOUR },
  recovery: { n: 2, median: 30 * MINUTE, p90: HOUR, unrecovered: 1 },
  deployDaysPerWeek: [5, 4],
};
const empty: Expected = {
  count: 0,
  perDay: 0,
  failed: 0,
  production: 0,
  rework: 0,
  cancelled: 0,
  lead: { n: 0, median: null, p90: null },
  recovery: { n: 0, median: null, p90: null, unrecovered: 0 },
  deployDaysPerWeek: [0, 0],
};

/** Sketched quantiles are within the sketch's 1% of the exact ones. */
function closeTo(expected: number | null) {
  if (expected === null) return null;
  return {
    asymmetricMatch: (actual: unknown) =>
      typeof actual === 'number' && Math.abs(actual - expected) <= expected * 0.01 + 1e-6,
    toAsymmetricMatcher: () => `within 1% of ${expected}`,
  };
}

function expectMetrics(m: DoraMetrics, e: Expected) {
  expect({
    count: m.deploymentFrequency.count,
    perDay: m.deploymentFrequency.perDay,
    failed: m.changeFailRate.numerator,
    production: m.changeFailRate.denominator,
    rework: m.deploymentReworkRate.numerator,
    cancelled: m.changeFailRate.cancelled,
    lead: { n: m.changeLeadTime.n, median: m.changeLeadTime.medianMs, p90: m.changeLeadTime.p90Ms },
    recovery: {
      n: m.failedDeploymentRecoveryTime.n,
      median: m.failedDeploymentRecoveryTime.medianMs,
      p90: m.failedDeploymentRecoveryTime.p90Ms,
      unrecovered: m.failedDeploymentRecoveryTime.unrecovered,
    },
    deployDaysPerWeek: m.deploymentFrequency.weeks.map(w => w.deploymentDays),
  }).toEqual({
    ...e,
    perDay: expect.closeTo(e.perDay, 10),
    lead: { n: e.lead.n, median: closeTo(e.lead.median), p90: closeTo(e.lead.p90) },
    recovery: { ...e.recovery, median: closeTo(e.recovery.median), p90: closeTo(e.recovery.p90) },
  });
  expect(m.changeFailRate.rate).toBe(e.production ? e.failed / e.production : null);
  expect(m.deploymentReworkRate.rate).toBe(e.production ? e.rework / e.production : null);
}

describe('DORA metrics through the API, by hand', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let backend: Awaited<ReturnType<typeof startDoraBackend>>;

    beforeAll(async () => {
      backend = await startDoraBackend({
        entities,
        knex: await databases.init(databaseId),
        dora: { minimumSamples: { deployments: 5 } },
      });
      // Out of order, as pipelines report: the example does not depend on arrival order.
      await backend.post([...events].reverse().slice(0, 15));
      await backend.post([...events].reverse().slice(15));
      await backend.refresh();
    });

    it.each([
      ['entity payments', { entityRef: 'component:default/payments' }, payments, [7, 0]],
      ['entity search', { entityRef: 'component:default/search' }, search, [0, 4]],
      ['the team owning both', { groupRef: 'group:default/core' }, team, [7, 4]],
      ['the parent group that owns nothing directly', { groupRef: 'platform' }, team, [7, 4]],
    ])('%s', async (_name, scope, expected, weekly) => {
      const res = await backend.get('/v1/dora', { ...scope, ...window });
      expect(res.status).toBe(200);
      const body: DoraResponse = res.body;
      expect(body.window).toEqual({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-16T00:00:00.000Z' });
      expect(body.approximate).toBe(true);
      expectMetrics(body.current, expected);
      // Native commits carry their commit time: every lead time is from the commit.
      expect(body.current.changeLeadTime.basis).toEqual({ fromCommit: expected.lead.n, fromMerge: 0 });
      expect(body.trend.map(t => t.metrics.changeLeadTime.basis.fromMerge)).toEqual([0, 0]);
      expect(body.trend.map(t => t.label)).toEqual(['2026-W10', '2026-W11']);
      expect(body.trend.map(t => t.metrics.deploymentFrequency.count)).toEqual(weekly);
    });

    it('pools the team: the median is over all commits, not a mean of medians', async () => {
      const body: DoraResponse = (await backend.get('/v1/dora', { groupRef: 'group:default/platform', ...window })).body;
      expect(body.scope).toEqual({ kind: 'group', ref: 'group:default/platform', entityRefs: 2 });
      expect(body.breakdown.map(b => b.entityRef)).toEqual(['component:default/payments', 'component:default/search']);
      expectMetrics(body.breakdown[0].metrics, payments);
      expectMetrics(body.breakdown[1].metrics, search);
      const meanOfMedians = (payments.lead.median! + search.lead.median!) / 2;
      expect(body.current.changeLeadTime.medianMs).not.toBeCloseTo(meanOfMedians, -3);
    });

    it('rates against configured minimum samples and the chosen report year', async () => {
      const body: DoraResponse = (
        await backend.get('/v1/dora', { entityRef: 'component:default/payments', ...window, reportYear: '2023' })
      ).body;
      expect(body.current.tiers).toMatchObject({
        reportYear: 2023,
        // 8 deployments meet the configured minimum of 5; a rate of 25% is above every level.
        changeFailRate: 'low',
        // 6 commits are below the default minimum of 10.
        changeLeadTime: 'insufficient-data',
        deploymentReworkRate: 'not-benchmarked',
      });
    });

    it('reports what the data lacks', async () => {
      const body = (await backend.get('/v1/dora', { groupRef: 'core', ...window })).body as DoraResponse;
      expect(body.dataQuality).toEqual(
        expect.arrayContaining([
          { id: 'deployments-without-commit', count: 1, examples: ['s4'] },
          { id: 'commits-without-time', count: 1, examples: [expect.stringMatching(/^[0-9a-f]+$/)] },
          { id: 'incidents-without-attribution', count: 1, examples: ['i5'] },
          { id: 'incidents-without-entity', count: 1, examples: ['i6'] },
        ]),
      );
      expect(body.dataQuality.map(f => f.id)).not.toContain('entities-without-production');
    });

    it('answers an empty window with zeros and no values', async () => {
      const body: DoraResponse = (
        await backend.get('/v1/dora', { groupRef: 'core', from: '2025-01-06T00:00:00Z', to: '2025-01-20T00:00:00Z' })
      ).body;
      expectMetrics(body.current, empty);
      expect(body.current.changeFailRate.interval).toBeNull();
      expect(body.dataQuality).toEqual([]);
    });

    it('compares with the previous window of the same length', async () => {
      const body: DoraResponse = (
        await backend.get('/v1/dora', {
          entityRef: 'component:default/search',
          from: '2026-03-16T00:00:00Z',
          to: '2026-03-30T00:00:00Z',
        })
      ).body;
      expectMetrics(body.previous, search);
      expectMetrics(body.current, empty);
      expect(body.change.deploymentsPerDay).toBeCloseTo(-4 / 14, 10);
    });

    it('covers every entity with deliveries for the organisation', async () => {
      const body: DoraResponse = (await backend.get('/v1/dora', window)).body;
      expect(body.scope).toEqual({ kind: 'organization', ref: null, entityRefs: 3 });
      expect(body.current.deploymentFrequency.count).toBe(12);
    });
  });
});
