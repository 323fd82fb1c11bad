import { DoraMetrics } from '@greenlight/backstage-plugin-greenlight-common';
import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import { HOUR, startDoraBackend } from './__testUtils__/doraBackend';
import {
  cdeventsStream,
  shuffled,
  streamEntity,
} from './__testUtils__/cdeventsStream';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

/*
 * DORA from a plain CDEvents stream (v0.4.1, no customData), computed by hand.
 * Window 2026-03-02 .. 2026-03-16 (14 days). Changes come from github.com, artifacts
 * name the change they were built from (artifact.packaged content.change), deployments
 * name the artifact (service.deployed content.artifactId), incidents name the
 * environment and artifact they hit.
 *
 *   change 101 merged 03-02 08:00 → A1 → staging 09:00, production 03-02 11:00   lead 3 h
 *   change 102 merged 03-03 09:00 → A2 → staging 10:00, production 03-03 14:00   lead 5 h
 *   change 103 merged 03-04 10:00 → A3 → production 03-04 12:00                  lead 2 h
 *     inc-1 production, A3, detected 03-04 13:00, resolved 15:00: A3 was running
 *     there at 13:00 → attributed to A3's deployment → A3 failed.
 *     Recovery: start = min(12:00 finish, 13:00 detection) = 12:00; end = min(15:00
 *     resolution, next production success after max(12:00, 13:00) = A4 03-05 09:00)
 *     = 15:00 → 3 h.
 *     inc-2 production, A2, detected 03-04 13:30: A3, not A2, was running → not
 *     attributed (no guess).
 *   change 104 merged 03-05 06:00 → A4 → production 03-05 09:00                  lead 3 h
 *
 *   Deployments: 4 successful production (staging does not count), 4/14 per day.
 *   Lead time "from merge": [2, 3, 3, 5] h → n 4; median rank ceil(0.5·4) = 2 → 3 h;
 *   p90 rank ceil(0.9·4) = 4 → 5 h.
 *   Change fail rate: 1 (A3) / 4 = 0.25. Had inc-2 been pinned on the deployment of
 *   the artifact it names regardless of what was running, it would be 2 / 4.
 *   Recovery: n 1, median 3 h, unrecovered 0.
 */
const window = { from: '2026-03-02T00:00:00Z', to: '2026-03-16T00:00:00Z' };
const VARIANTS = ['in-order', 'reversed', 'shuffled-7', 'shuffled-42'] as const;

function ordered(
  variant: (typeof VARIANTS)[number],
  events: object[],
): object[] {
  if (variant === 'in-order') return events;
  if (variant === 'reversed') return [...events].reverse();
  return shuffled(events, Number(variant.split('-')[1]));
}

function figures(m: DoraMetrics) {
  return {
    deployments: m.deploymentFrequency.count,
    lead: {
      n: m.changeLeadTime.n,
      median: m.changeLeadTime.medianMs,
      p90: m.changeLeadTime.p90Ms,
    },
    changeFail: {
      numerator: m.changeFailRate.numerator,
      denominator: m.changeFailRate.denominator,
    },
    recovery: {
      n: m.failedDeploymentRecoveryTime.n,
      median: m.failedDeploymentRecoveryTime.medianMs,
      unrecovered: m.failedDeploymentRecoveryTime.unrecovered,
    },
  };
}

/** Rollups keep quantiles in a sketch: within 1% of the exact value (docs/dora.md). */
function expectWithinSketch(actual: number | null, expected: number) {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(0.01 * expected);
}

describe('DORA from a plain CDEvents stream, by hand', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let backend: Awaited<ReturnType<typeof startDoraBackend>>;
    const service = (variant: string) => `checkout-${variant}`;

    const postCdevents = async (events: object[]) => {
      const res = await request(backend.server)
        .post('/api/greenlight/v1/cdevents')
        .set('Authorization', mockCredentials.service.header())
        .send(events);
      if (res.status !== 200)
        throw new Error(
          `cdevents answered ${res.status}: ${JSON.stringify(res.body)}`,
        );
      expect(res.body.ignored).toBe(0);
    };

    beforeAll(async () => {
      backend = await startDoraBackend({
        entities: [...VARIANTS, 'with-rollback'].map(v =>
          streamEntity(service(v)),
        ),
        knex: await databases.init(databaseId),
      });
      for (const variant of VARIANTS) {
        const events = ordered(
          variant,
          cdeventsStream(service(variant)).events,
        );
        // One event per request: every link is made across separate batches.
        for (const e of events) await postCdevents([e]);
      }
      const withRollback = cdeventsStream(service('with-rollback'));
      await postCdevents(
        shuffled([...withRollback.events, withRollback.rollback], 3),
      );
      await backend.refresh();
    });

    it.each(VARIANTS)(
      'gives the paper figures for the stream %s',
      async variant => {
        const res = await backend.get('/v1/dora', {
          entityRef: `component:default/${service(variant)}`,
          ...window,
        });
        expect(res.status).toBe(200);
        const got = figures(res.body.current);
        expect(got).toEqual({
          deployments: 4,
          lead: { n: 4, median: expect.any(Number), p90: expect.any(Number) },
          changeFail: { numerator: 1, denominator: 4 },
          recovery: { n: 1, median: expect.any(Number), unrecovered: 0 },
        });
        expectWithinSketch(got.lead.median, 3 * HOUR);
        expectWithinSketch(got.lead.p90, 5 * HOUR);
        expectWithinSketch(got.recovery.median, 3 * HOUR);
        // Changes carry no commit time: every lead time is measured from the merge, in the
        // window (two whole weeks, read from weekly rollups) and in each weekly trend bucket.
        expect(res.body.current.changeLeadTime.basis).toEqual({
          fromCommit: 0,
          fromMerge: 4,
        });
        expect(
          res.body.trend.map(
            (t: { metrics: DoraMetrics }) => t.metrics.changeLeadTime.basis,
          ),
        ).toEqual([
          { fromCommit: 0, fromMerge: 4 },
          { fromCommit: 0, fromMerge: 0 },
        ]);
      },
    );

    it('says in the CSV that lead time is measured from the merge', async () => {
      const res = await backend.get('/v1/dora.csv', {
        entityRef: `component:default/${service('in-order')}`,
        ...window,
      });
      expect(res.status).toBe(200);
      const [header, row] = res.text.trim().split(/\r?\n/);
      const column = header.split(',').indexOf('lead_time_from_merge');
      expect(column).toBeGreaterThan(0);
      expect(row.split(',')[column]).toBe('4');
    });

    /*
     * Written for the one rollback rule for every source: a rollback undoes the deployment
     * current in that entity and environment when it happened (A4, 03-05 09:00), marks it
     * failed and ends its recovery at the rollback (03-06 10:00): 25 h. The rollback is a
     * successful production deployment, so it counts in frequency (docs/dora.md) and
     * brings no new commit (C3 is already in production).
     *   deployments 5; lead n 4 (unchanged); change fail 2 (A3, A4) / 5;
     *   recovery [3 h, 25 h] → n 2, median rank ceil(1) = 1 → 3 h.
     * The CDEvents rollback names no deployment: the rule finds A4 as the one it undoes.
     */
    it('rollback rule: service.rolledback fails the deployment it undoes and ends its recovery', async () => {
      const res = await backend.get('/v1/dora', {
        entityRef: `component:default/${service('with-rollback')}`,
        ...window,
      });
      const got = figures(res.body.current);
      expect(got).toEqual({
        deployments: 5,
        lead: { n: 4, median: expect.any(Number), p90: expect.any(Number) },
        changeFail: { numerator: 2, denominator: 5 },
        recovery: { n: 2, median: expect.any(Number), unrecovered: 0 },
      });
      expectWithinSketch(got.recovery.median, 3 * HOUR);
    });
  });
});
