import { createTestDatabases } from '@greenlight/test-utils';
import { RolloutRecord } from '../RolloutStore';
import { setUpPolicyGates } from './__testUtils__/policyGateBackend';

jest.setTimeout(60_000);

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const gate = {
  id: 'policy/promotion',
  kind: 'promotion' as const,
  shadow: false,
};

/** Both tests report payments' canary deployments, differing only in event id, commit and times. */
const canaryDeployment = (
  eventId: string,
  {
    id,
    environment,
    d,
    status,
    commitSha,
    times,
  }: {
    id: string;
    environment: string;
    d: string;
    status: string;
    commitSha: string;
    times: object;
  },
) => ({
  id: eventId,
  type: status === 'started' ? 'deployment.started' : 'deployment.finished',
  entityRef: 'component:default/payments',
  deployment: {
    id,
    environment,
    status,
    strategy: 'canary',
    artifactDigest: digest(d),
    commitSha,
    ...times,
  },
});

describe('the promotion policy gate', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    const setup = setUpPolicyGates(databases, databaseId);

    beforeAll(async () => {
      const deployment = (
        id: string,
        environment: string,
        d: string,
        status: string,
        hour: number,
      ) => {
        const hh = String(hour).padStart(2, '0');
        return canaryDeployment(`evt-${id}`, {
          id,
          environment,
          d,
          status,
          commitSha: d === 'b' ? 'a1a1a1a' : `${d}1${d}1${d}1${d}`,
          times: {
            startedAt: `2026-11-01T${hh}:00:00Z`,
            ...(status === 'started'
              ? {}
              : { finishedAt: `2026-11-01T${hh}:10:00Z` }),
          },
        });
      };
      await setup.postEvents([
        deployment('a-staging', 'staging', 'a', 'succeeded', 9),
        // the same digest, after it succeeded in staging
        deployment('a-production', 'production', 'a', 'started', 11),
        // the same commit as a, built again: never tested in staging
        deployment('b-production', 'production', 'b', 'started', 12),
        // never in staging at all
        deployment('c-production', 'production', 'c', 'started', 13),
      ]);
    });

    const rollout = (deploymentId: string) =>
      ({
        id: `r-${deploymentId}`,
        deploymentId,
        entityRef: 'component:default/payments',
        environment: 'production',
        artifactDigest: null,
        policyGates: [gate],
      } as unknown as RolloutRecord);

    it('passes a promoted digest and fails a rebuilt one and one that skipped a stage', async () => {
      expect(
        await setup.checks.check(gate, rollout('a-production')),
      ).toMatchObject({
        verdict: 'pass',
        reason:
          'promoted: the same digest succeeded in staging (deployment a-staging)',
      });
      expect(
        await setup.checks.check(gate, rollout('b-production')),
      ).toMatchObject({
        verdict: 'fail',
        reason: expect.stringMatching(
          /^rebuilt: the same commit reached an earlier stage as sha256:aaaa.*\(deployment a-(staging|production)\); this digest was never tested there$/,
        ),
      });
      expect(
        await setup.checks.check(gate, rollout('c-production')),
      ).toMatchObject({
        verdict: 'fail',
        reason: 'skipped stage: this digest never succeeded in staging',
      });
      expect(await setup.checks.check(gate, rollout('unknown'))).toMatchObject({
        verdict: 'fail',
        reason: 'deployment unknown is not in the ledger',
      });
    });

    it('counts no staging run without a finish time, nor one after a production deployment reported without times', async () => {
      const untimed = (
        id: string,
        environment: string,
        d: string,
        status: string,
        times: object = {},
      ) =>
        canaryDeployment(`evt-${id}-${status}`, {
          id,
          environment,
          d,
          status,
          commitSha: `${d}2${d}2${d}2${d}`,
          times,
        });
      await setup.postEvents([
        // succeeded, but nobody said when it finished
        untimed('e-staging', 'staging', 'e', 'succeeded'),
        untimed('e-production', 'production', 'e', 'started'),
        // finished long after the production deployment was reported
        untimed('f-staging', 'staging', 'f', 'succeeded', {
          finishedAt: new Date(Date.now() + 3_600_000).toISOString(),
        }),
        untimed('f-production', 'production', 'f', 'started'),
        // finished before it: the report's own time places the production deployment
        untimed('g-staging', 'staging', '7', 'succeeded', {
          finishedAt: new Date(Date.now() - 3_600_000).toISOString(),
        }),
        untimed('g-production', 'production', '7', 'started'),
      ]);
      for (const id of ['e-production', 'f-production']) {
        expect(await setup.checks.check(gate, rollout(id))).toMatchObject({
          verdict: 'fail',
          reason: 'skipped stage: this digest never succeeded in staging',
        });
      }
      expect(
        await setup.checks.check(gate, rollout('g-production')),
      ).toMatchObject({
        verdict: 'pass',
        reason:
          'promoted: the same digest succeeded in staging (deployment g-staging)',
      });
    });
  });
});
