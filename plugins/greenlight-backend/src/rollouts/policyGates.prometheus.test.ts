import prometheusModule from '@greenlight/backstage-plugin-greenlight-backend-module-prometheus';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { metricsServiceFactory } from '@backstage/backend-defaults/alpha';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import fs from 'node:fs';
import request from 'supertest';
import {
  generateTestKey,
  slsaV1Statement,
} from '../provenance/__testUtils__/fixtures';
import {
  dsse,
  trustedKeyConfig,
} from '../provenance/__testUtils__/provenanceBackend';
import {
  PROMETHEUS_BINARY,
  startExporter,
  startPrometheus,
} from './__testUtils__/prometheus';
import { component, startRolloutBackend } from './__testUtils__/rolloutBackend';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(180_000);

const havePrometheus = fs.existsSync(PROMETHEUS_BINARY);
if (!havePrometheus) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the policy gate test against Prometheus: ${PROMETHEUS_BINARY} is not installed (apt-get install prometheus)`,
  );
}

const ada = mockCredentials.user.header('user:default/ada');
const pipeline = mockCredentials.service.header();
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const levelTwoKey = generateTestKey('release-signer', 'ecdsa-p256-sha256');
const levelOneKey = generateTestKey('legacy-signer', 'ecdsa-p256-sha256');

/** A healthy SLO on one exporter series: 1 s evaluations, promoted after three passes. */
const slo = (series: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: errors
  annotations:
    greenlight.dev/interval: 1s
    greenlight.dev/evaluations: '3'
    greenlight.dev/failure-rule: consecutive:2
    greenlight.dev/max-inconclusive: '5'
spec:
  service: policy
  indicator:
    metadata: { name: errors }
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: (sum(rate(app_requests_total{deployment="${series}",code="500"}[5s])) or vector(0)) / sum(rate(app_requests_total{deployment="${series}"}[5s]))
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives:
    - { displayName: Error ratio, op: lt, value: 0.05, target: 0.99 }
`;

/** Names of the services; each is its own entity and its own artifact. */
const SERVICES = ['unsigned', 'verified', 'weak', 'shadow'] as const;
type Service = (typeof SERVICES)[number];
const HEX: Record<Service, string> = {
  unsigned: 'a1'.repeat(32),
  verified: 'b2'.repeat(32),
  weak: 'c3'.repeat(32),
  shadow: 'd4'.repeat(32),
};

(havePrometheus ? describe : describe.skip)(
  'policy gates next to SLO gates read from a real Prometheus',
  () => {
    const databases = createTestDatabases();
    let exporter: Awaited<ReturnType<typeof startExporter>>;
    let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
    const healthy = 'policy-healthy';

    beforeAll(async () => {
      exporter = await startExporter([healthy]);
      prometheus = await startPrometheus(
        exporter.port,
        'sum(rate(app_requests_total[5s]))',
      );
    });

    afterAll(async () => {
      await prometheus?.stop();
      await exporter?.close();
    });

    describe.each(databases.eachSupportedId())('on %p', databaseId => {
      let knex: Knex;
      let backend: Awaited<ReturnType<typeof startRolloutBackend>>;
      const name = (s: Service) => `${s}-${databaseId.toLowerCase()}`;
      const ref = (s: Service) => `component:default/${name(s)}`;

      beforeAll(async () => {
        knex = await databases.init(databaseId);
        backend = await startRolloutBackend({
          knex,
          // Every entity requires SLSA level 2 of what it ships.
          entities: SERVICES.map(s =>
            component(name(s), { 'greenlight.dev/slsa-level': '2' }),
          ),
          config: {
            metrics: {
              prometheus: { baseUrl: prometheus.baseUrl, timeoutMs: 2000 },
            },
            gates: {
              entities: SERVICES.map(s => ({
                entityRef: ref(s),
                slo: slo(healthy),
              })),
            },
            provenance: {
              trustedKeys: [
                trustedKeyConfig(levelTwoKey, 2),
                trustedKeyConfig(levelOneKey, 1),
              ],
            },
            rollouts: {
              watchInterval: '1s',
              lease: '4s',
              policyGates: {
                production: { provenance: {} },
                staging: { provenance: { shadow: true } },
              },
            },
          },
          scheduler: schedulerServiceFactory,
          // SLO gates read Prometheus through its module, as in a real backend.
          extra: [prometheusModule, metricsServiceFactory],
        });
      });

      afterAll(async () => {
        await backend?.stop();
        await knex?.destroy();
      });

      const api = () => request(backend.server);

      async function attest(s: Service, key: typeof levelTwoKey) {
        const attestation = dsse(slsaV1Statement({ digestHex: HEX[s] }), [key]);
        await api()
          .post('/api/greenlight/v1/attestations')
          .set('Authorization', pipeline)
          .send({
            artifactDigest: `sha256:${HEX[s]}`,
            entityRef: ref(s),
            ...attestation,
          })
          .expect(201);
      }

      async function deploy(s: Service, environment: string) {
        await api()
          .post('/api/greenlight/v1/events')
          .set('Authorization', pipeline)
          .send({
            events: [
              {
                id: `${databaseId}-${s}-started`,
                type: 'deployment.started',
                entityRef: ref(s),
                deployment: {
                  id: `${databaseId}-${s}`,
                  environment,
                  status: 'started',
                  strategy: 'canary',
                  artifactDigest: `sha256:${HEX[s]}`,
                  startedAt: new Date().toISOString(),
                },
              },
            ],
          })
          .expect(200);
      }

      async function rolloutOf(s: Service) {
        const res = await api()
          .get('/api/greenlight/v1/rollouts')
          .query({ deploymentId: `${databaseId}-${s}` })
          .set('Authorization', ada)
          .expect(200);
        return res.body.items[0];
      }

      async function waitFor(s: Service, done: (rollout: any) => boolean) {
        const deadline = Date.now() + 60_000;
        for (;;) {
          const rollout = await rolloutOf(s);
          if (rollout && done(rollout)) return rollout;
          if (Date.now() > deadline)
            throw new Error(
              `rollout of ${s} did not get there: ${JSON.stringify(rollout)}`,
            );
          await sleep(250);
        }
      }

      const sloEvaluations = (rollout: any) =>
        rollout.evaluations.filter((e: any) => e.kind !== 'policy');
      const policyEvaluations = (rollout: any) =>
        rollout.evaluations.filter((e: any) => e.kind === 'policy');

      it('holds the canary of an unsigned artifact although its SLO gates pass, and promotes the verified one', async () => {
        await attest('verified', levelTwoKey);
        await attest('weak', levelOneKey);
        await deploy('unsigned', 'production');
        await deploy('verified', 'production');
        await deploy('weak', 'production');

        const verified = await waitFor(
          'verified',
          r => r.state !== 'analysing',
        );
        expect(verified.state).toBe('promoted');
        expect(policyEvaluations(verified)).toMatchObject([
          {
            gateId: 'policy/provenance',
            verdict: 'pass',
            shadow: false,
            reason: expect.stringContaining('verified at SLSA level 2'),
          },
        ]);

        // Both held rollouts had every SLO evaluation the verified one needed, and more.
        const unsigned = await waitFor(
          'unsigned',
          r => sloEvaluations(r).length >= 5,
        );
        const weak = await waitFor('weak', r => sloEvaluations(r).length >= 5);
        for (const held of [unsigned, weak]) {
          expect(held.state).toBe('analysing');
          expect(held.rollback).toBeNull();
          expect(
            sloEvaluations(held).every(
              (e: any) => e.verdict === 'pass' && e.value < 0.05,
            ),
          ).toBe(true);
          expect(sloEvaluations(held)[0].query).toContain(healthy);
          expect(held.gates).toContainEqual(
            expect.objectContaining({
              id: 'policy/provenance',
              kind: 'policy',
            }),
          );
          // Recorded once, not at every recheck, while the answer stays the same.
          expect(policyEvaluations(held)).toHaveLength(1);
        }
        expect(unsigned.stateReason).toMatch(
          /^promotion held: policy gate policy\/provenance: artifact sha256:a1a1.* is unsigned: it has no attestation, and SLSA level 2 is required$/,
        );
        expect(policyEvaluations(unsigned)[0]).toMatchObject({
          verdict: 'fail',
          query: 'verified provenance at SLSA level 2 or higher',
        });
        expect(weak.stateReason).toContain(
          'is verified at SLSA level 1, below the required 2',
        );

        const held = await knex('audit_log')
          .where({ action: 'rollout.promotion-held' })
          .whereIn('subject_id', [
            `${databaseId}-unsigned`,
            `${databaseId}-weak`,
          ]);
        expect(held).toHaveLength(2);

        // A person cannot promote past it either; an override (its own permission, a reason) can.
        const promote = await api()
          .post(`/api/greenlight/v1/rollouts/${unsigned.id}/actions`)
          .set('Authorization', ada)
          .send({ action: 'promote' });
        expect(promote.status).toBe(409);
        expect(promote.body.error.message).toContain(
          'policy gate policy/provenance: artifact',
        );
        expect((await rolloutOf('unsigned')).state).toBe('analysing');
        const override = await api()
          .post(`/api/greenlight/v1/rollouts/${unsigned.id}/actions`)
          .set('Authorization', ada)
          .send({ action: 'override', reason: 'signed out of band, see INC' });
        expect(override.status).toBe(200);
        expect(override.body.state).toBe('promoted');
      });

      it('records a failing shadow policy gate without holding the promotion', async () => {
        await deploy('shadow', 'staging');
        const rollout = await waitFor('shadow', r => r.state !== 'analysing');
        expect(rollout.state).toBe('promoted');
        expect(rollout.stateReason).toBeUndefined();
        expect(policyEvaluations(rollout)).toMatchObject([
          {
            gateId: 'policy/provenance',
            shadow: true,
            verdict: 'fail',
            reason: expect.stringContaining('is unsigned'),
          },
        ]);
        expect(
          await knex('audit_log').where({
            action: 'rollout.promotion-held',
            subject_id: `${databaseId}-shadow`,
          }),
        ).toHaveLength(0);
      });
    });
  },
);
