import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { capturedScheduler } from '../__testUtils__/capturedScheduler';
import { DORA_ROLLUP_TASK_ID } from '../dora/feature';
import { greenlightPlugin } from '../plugin';
import {
  generateTestKey,
  REPOSITORY,
  slsaV1Statement,
} from '../provenance/__testUtils__/fixtures';
import {
  artifactEvent,
  dsse,
  ENTITIES,
  hexDigest,
  PAYMENTS,
  service,
  trustedKeyConfig,
  user,
} from '../provenance/__testUtils__/provenanceBackend';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const now = Date.now();
const hoursAgo = (h: number) => new Date(now - h * HOUR).toISOString();

const signer = generateTestKey('release-signer', 'ecdsa-p256-sha256');
const A = hexDigest('a');
const B = hexDigest('b');
const CA = 'a1'.repeat(20);
const CB = 'b2'.repeat(20);

/**
 * D1 ships artifact A (signed, built from CA, tested) at 9 h ago; the canary D2 of artifact B
 * (tested, unsigned) starts at 3 h ago; at 2 h ago a rollback names nothing but its intent,
 * as the watcher's executor, a CDEvents `service.rolledback` or a person may report it.
 */
const evidence = [
  {
    id: 'commits',
    type: 'commits',
    serviceId: 'payments-svc',
    commits: [
      { sha: CA, repository: REPOSITORY, committedAt: hoursAgo(12) },
      { sha: CB, repository: REPOSITORY, committedAt: hoursAgo(5) },
    ],
  },
  artifactEvent('artifact-a', A, {
    commitSha: CA,
    attestations: [
      dsse(slsaV1Statement({ digestHex: 'a'.repeat(64), commit: CA }), [
        signer,
      ]),
    ],
  }),
  artifactEvent('artifact-b', B, { commitSha: CB }),
  ...[
    ['t-a', A, 10],
    ['t-b', B, 4],
  ].map(([id, digest, h]) => ({
    id: String(id),
    type: 'test.run',
    serviceId: 'payments-svc',
    testRun: {
      id,
      suite: 'unit',
      outcome: 'passed',
      artifactDigest: digest,
      finishedAt: hoursAgo(Number(h)),
    },
  })),
];
const d1 = {
  id: 'd1-finished',
  type: 'deployment.finished',
  serviceId: 'payments-svc',
  deployment: {
    id: 'd1',
    environment: 'production',
    status: 'succeeded',
    artifactDigest: A,
    version: '1.0.0',
    commitSha: CA,
    commits: [CA],
    startedAt: hoursAgo(9.1),
    finishedAt: hoursAgo(9),
  },
};
const d2 = {
  id: 'd2-started',
  type: 'deployment.started',
  serviceId: 'payments-svc',
  deployment: {
    id: 'd2',
    environment: 'production',
    status: 'started',
    strategy: 'canary',
    artifactDigest: B,
    version: '2.0.0',
    commitSha: CB,
    commits: [CB],
    startedAt: hoursAgo(3),
  },
};
const rollback = {
  id: 'r-finished',
  type: 'deployment.finished',
  serviceId: 'payments-svc',
  deployment: {
    id: 'r',
    environment: 'production',
    status: 'succeeded',
    intent: 'rollback',
    startedAt: hoursAgo(2),
    finishedAt: hoursAgo(2),
  },
};

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'a rollback that names nothing, on %p',
  databaseId => {
    let server: Parameters<typeof request>[0];
    const scheduler = capturedScheduler();
    const get = (path: string, query: Record<string, string>) =>
      request(server)
        .get(`/api/greenlight${path}`)
        .query(query)
        .set('Authorization', user);

    beforeAll(async () => {
      const backend = await startTestBackend({
        features: [
          greenlightPlugin,
          scheduler.module,
          catalogServiceMock.factory({ entities: ENTITIES }),
          mockServices.database.factory({
            knex: await databases.init(databaseId),
          }),
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          mockServices.rootConfig.factory({
            data: {
              greenlight: {
                provenance: { trustedKeys: [trustedKeyConfig(signer)] },
              },
            },
          }),
        ],
      });
      server = backend.server;
      // Latest first: the rollback arrives before what it undoes and what it restores.
      for (const batch of [[rollback], [d2], [d1], evidence]) {
        const res = await request(server)
          .post('/api/greenlight/v1/events')
          .set('Authorization', service)
          .send({ events: batch });
        if (res.status !== 200)
          throw new Error(`events rejected: ${JSON.stringify(res.body)}`);
      }
      await scheduler.trigger(DORA_ROLLUP_TASK_ID);
    });

    it('shows the restored artifact running in production, with its provenance', async () => {
      const res = await get('/v1/environments', { entityRef: PAYMENTS });
      expect(res.status).toBe(200);
      const production = res.body.environments.find(
        (e: any) => e.name === 'production',
      );
      expect(production.current).toMatchObject({
        releaseId: 'r',
        artifactDigest: A,
        version: '1.0.0',
        commitSha: CA,
        restoredFrom: 'd1',
        provenance: { status: 'verified', sourceCommit: CA },
      });
    });

    it('marks the canary it undid as rolled back by it', async () => {
      const res = await get('/v1/releases', { entityRef: PAYMENTS });
      const byId = Object.fromEntries(
        res.body.items.map((r: any) => [r.id, r]),
      );
      expect(byId.d2).toMatchObject({
        status: 'rolled-back',
        rolledBackBy: ['r'],
        artifact: { digest: B },
      });
      expect(byId.r).toMatchObject({
        intent: 'rollback',
        rollbackOf: 'd2',
        version: '1.0.0',
        restoredFrom: 'd1',
      });
      expect(byId.d1).toMatchObject({ status: 'succeeded', rolledBackBy: [] });
    });

    it('counts the canary as a failed change that recovered at the rollback', async () => {
      const res = await get('/v1/dora', {
        entityRef: PAYMENTS,
        from: new Date(now - 3 * 24 * HOUR).toISOString(),
        to: new Date(now + 24 * HOUR).toISOString(),
      });
      expect(res.status).toBe(200);
      const { current, dataQuality } = res.body;
      // Production: D1 and R succeeded, D2 rolled back: 2 deployments, 1 of 3 failed.
      expect(current.deploymentFrequency.count).toBe(2);
      expect(current.changeFailRate).toMatchObject({
        numerator: 1,
        denominator: 3,
      });
      // D2 started 3 h ago, R finished 2 h ago: recovered in 1 h (a sketch reads within 1%).
      expect(current.failedDeploymentRecoveryTime).toMatchObject({
        n: 1,
        unrecovered: 0,
      });
      expect(
        current.failedDeploymentRecoveryTime.medianMs,
      ).toBeGreaterThanOrEqual(0.99 * HOUR);
      expect(current.failedDeploymentRecoveryTime.medianMs).toBeLessThanOrEqual(
        1.01 * HOUR,
      );
      // R is rework: 1 of the 3.
      expect(current.deploymentReworkRate).toMatchObject({
        numerator: 1,
        denominator: 3,
      });
      // A rollback brings no commits of its own: it is not a data-quality finding.
      expect(
        dataQuality.find((f: any) => f.id === 'deployments-without-commit')
          ?.count ?? 0,
      ).toBe(0);
      expect(dataQuality.flatMap((f: any) => f.examples)).not.toContain('r');
    });

    it('passes the signed-artifact and tested-deployment checks with the rollback in production', async () => {
      const res = await get('/v1/checklist', { entityRef: PAYMENTS });
      const checks = Object.fromEntries(
        res.body.checks.map((c: any) => [c.id, c]),
      );
      expect(checks['signed-traceable']).toMatchObject({ status: 'pass' });
      expect(checks['signed-traceable'].reason).toContain(A);
      expect(checks['mandatory-tests']).toMatchObject({ status: 'pass' });
      const release = await get('/v1/releases/r', {});
      expect(release.body.violations ?? []).toEqual([]);
      expect(release.body.tests.map((t: any) => t.id)).toEqual(['t-a']);
    });
  },
);
