import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { metricsServiceFactory } from '@backstage/backend-defaults/alpha';
import { mockCredentials } from '@backstage/backend-test-utils';
import prometheusModule from '@greenlight/backstage-plugin-greenlight-backend-module-prometheus';
import webhookExecutorModule from '@greenlight/backstage-plugin-greenlight-backend-module-webhook-executor';
import { Knex } from 'knex';
import fs from 'node:fs';
import request from 'supertest';
import {
  PROMETHEUS_BINARY,
  startExporter,
  startPrometheus,
} from './__testUtils__/prometheus';
import { component, startRolloutBackend } from './__testUtils__/rolloutBackend';
import { startWebhookReceiver } from './__testUtils__/webhookReceiver';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(180_000);

const havePrometheus = fs.existsSync(PROMETHEUS_BINARY);
if (!havePrometheus) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the Prometheus integration test: ${PROMETHEUS_BINARY} is not installed (apt-get install prometheus)`,
  );
}

const SECRET = 'integration-webhook-secret';
const SCENARIOS = ['healthy', 'bad', 'restart', 'lost-ack', 'no-5xx'];
/** Each database gets series of its own, so one run's bad samples never reach the next run's window. */
const label = (scenario: string, databaseId: string) =>
  `${scenario}-${databaseId.toLowerCase().replace(/_/g, '-')}`;
const ada = mockCredentials.user.header('user:default/ada');
const pipeline = mockCredentials.service.header();

/** An SLO on the error ratio of one deployment's traffic: 1 s evaluations, two failures in a row roll back. */
const slo = (deployment: string, evaluations: number) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${deployment}
  annotations:
    greenlight.dev/interval: 1s
    greenlight.dev/evaluations: '${evaluations}'
    greenlight.dev/failure-rule: consecutive:2
    greenlight.dev/max-inconclusive: '5'
spec:
  service: ${deployment}
  indicator:
    metadata: { name: errors }
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: sum(rate(app_requests_total{deployment="${deployment}",code="500"}[5s])) / sum(rate(app_requests_total{deployment="${deployment}"}[5s]))
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives:
    - { displayName: Error ratio, op: lt, value: 0.05, target: 0.99 }
`;

/**
 * The healthy-canary shape a real service produces: no 5xx series exists at all. Both
 * gates say no data means fail, so reading the missing series as silence rolls back a
 * healthy version. The threshold query fills the missing numerator with 0 (the
 * scaffolder templates' form); the burn-rate gate's bad count is an empty vector.
 */
const noErrorsSlo = (deployment: string) => {
  const annotations = `  annotations:
    greenlight.dev/interval: 1s
    greenlight.dev/evaluations: '4'
    greenlight.dev/failure-rule: consecutive:2
    greenlight.dev/no-data: fail`;
  const all = `app_requests_total{deployment="${deployment}"}`;
  const errors = `app_requests_total{deployment="${deployment}",code="500"}`;
  return `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${deployment}-error-ratio
${annotations}
spec:
  service: ${deployment}
  indicator:
    metadata: { name: error-ratio }
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: (sum(rate(${errors}[5s])) or vector(0)) / sum(rate(${all}[5s]))
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives:
    - { displayName: Error ratio, op: lt, value: 0.05, target: 0.99 }
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${deployment}-availability
${annotations}
spec:
  service: ${deployment}
  indicator:
    metadata: { name: availability }
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(increase(${errors}[{{.window}}]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(increase(${all}[{{.window}}]))
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives:
    - { displayName: Availability, target: 0.99 }
`;
};

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

(havePrometheus ? describe : describe.skip)(
  'rollouts against a real Prometheus',
  () => {
    const databases = createTestDatabases();
    let exporter: Awaited<ReturnType<typeof startExporter>>;
    let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
    let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

    beforeAll(async () => {
      exporter = await startExporter(
        databases
          .eachSupportedId()
          .flatMap(([id]) => SCENARIOS.map(s => label(s, id))),
        databases.eachSupportedId().map(([id]) => label('no-5xx', id)),
      );
      prometheus = await startPrometheus(
        exporter.port,
        'sum(rate(app_requests_total[5s]))',
      );
      receiver = await startWebhookReceiver(SECRET);
    });

    afterAll(async () => {
      await prometheus?.stop();
      await exporter?.close();
      await receiver?.close();
    });

    describe.each(databases.eachSupportedId())('on %p', databaseId => {
      let knex: Knex;
      const series = (scenario: string) => label(scenario, databaseId);

      beforeAll(async () => {
        knex = await databases.init(databaseId);
      });
      afterAll(async () => {
        await knex.destroy();
      });

      /** A backend with the real scheduler, the Prometheus module and the signed webhook executor module. */
      const start = (evaluations: Record<string, number>) =>
        startRolloutBackend({
          knex,
          entities: SCENARIOS.map(d => component(series(d))),
          config: {
            metrics: {
              prometheus: { baseUrl: prometheus.baseUrl, timeoutMs: 2000 },
            },
            gates: {
              entities: Object.entries(evaluations).map(([d, n]) => ({
                entityRef: `component:default/${series(d)}`,
                slo:
                  d === 'no-5xx' ? noErrorsSlo(series(d)) : slo(series(d), n),
              })),
            },
            rollouts: {
              watchInterval: '1s',
              lease: '4s',
              retry: { maxAttempts: 5, initialBackoff: '1s', maxBackoff: '2s' },
              webhook: { url: receiver.url, secret: SECRET, timeoutMs: 1500 },
            },
          },
          scheduler: schedulerServiceFactory,
          // Prometheus and the webhook come from their modules, as in a real backend.
          extra: [
            metricsServiceFactory,
            prometheusModule,
            webhookExecutorModule,
          ],
        });
      const allEvaluations = {
        healthy: 4,
        bad: 4,
        restart: 60,
        'lost-ack': 4,
        'no-5xx': 4,
      };

      const deploy = (server: any, deployment: string) =>
        request(server)
          .post('/api/greenlight/v1/events')
          .set('Authorization', pipeline)
          .send({
            events: [
              {
                id: `${databaseId}-${deployment}-started`,
                type: 'deployment.started',
                entityRef: `component:default/${series(deployment)}`,
                deployment: {
                  id: `${databaseId}-${deployment}`,
                  environment: 'production',
                  status: 'started',
                  strategy: 'canary',
                  startedAt: new Date().toISOString(),
                },
              },
            ],
          })
          .expect(200);

      async function rolloutOf(server: any, deployment: string) {
        const res = await request(server)
          .get('/api/greenlight/v1/rollouts')
          .query({ deploymentId: `${databaseId}-${deployment}` })
          .set('Authorization', ada)
          .expect(200);
        return res.body.items[0];
      }

      async function waitFor(
        server: any,
        deployment: string,
        done: (rollout: any) => boolean,
        timeoutMs = 60_000,
      ) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const rollout = await rolloutOf(server, deployment);
          if (rollout && done(rollout)) return rollout;
          if (Date.now() > deadline)
            throw new Error(
              `rollout of ${deployment} did not get there: ${JSON.stringify(
                rollout,
              )}`,
            );
          await sleep(250);
        }
      }

      it('promotes a healthy canary and rolls a bad one back exactly once, through a signed webhook', async () => {
        exporter.setErrorRate(series('bad'), 0.5);
        const backend = await start(allEvaluations);
        try {
          await deploy(backend.server, 'healthy');
          await deploy(backend.server, 'bad');
          const healthy = await waitFor(
            backend.server,
            'healthy',
            r => r.state !== 'analysing',
          );
          const bad = await waitFor(
            backend.server,
            'bad',
            r => r.rollback?.status === 'succeeded',
          );

          expect(healthy.state).toBe('promoted');
          expect(healthy.rollback).toBeNull();
          expect(healthy.evaluations.length).toBeGreaterThanOrEqual(4);
          expect(
            healthy.evaluations.every(
              (e: any) => e.verdict === 'pass' && e.value < 0.05,
            ),
          ).toBe(true);
          expect(healthy.evaluations[0].query).toContain(
            `deployment="${series('healthy')}"`,
          );
          expect(receiver.callsFor(healthy.id)).toEqual([]);

          expect(bad.state).toBe('rolled-back');
          expect(bad.rollback).toMatchObject({
            status: 'succeeded',
            executor: 'webhook',
            attempts: 1,
          });
          const verdicts = bad.evaluations.map((e: any) => e.verdict);
          expect(verdicts.slice(-2)).toEqual(['fail', 'fail']);
          // The 5 s rate window may still hold some healthy scrapes from before the test's switch.
          expect(bad.evaluations.at(-1).value).toBeGreaterThan(0.05);
          expect(bad.evaluations.at(-1).threshold).toBe(0.05);

          // A few more watcher runs change nothing.
          await sleep(3000);
          const calls = receiver.callsFor(bad.id);
          expect(calls).toHaveLength(1);
          expect(calls[0]).toMatchObject({
            signatureValid: true,
            idempotencyKey: bad.id,
          });
          expect(calls[0].body).toMatchObject({
            action: 'rollback',
            deploymentId: `${databaseId}-bad`,
            entityRef: `component:default/${series('bad')}`,
          });
          expect(
            (await rolloutOf(backend.server, 'bad')).evaluations,
          ).toHaveLength(bad.evaluations.length);
        } finally {
          await backend.stop();
        }
      });

      it('promotes a healthy canary that has no 5xx series at all, with no data meaning fail', async () => {
        const backend = await start(allEvaluations);
        try {
          await deploy(backend.server, 'no-5xx');
          const rollout = await waitFor(
            backend.server,
            'no-5xx',
            r => r.state !== 'analysing',
          );
          expect(rollout.state).toBe('promoted');
          expect(rollout.rollback).toBeNull();
          const gates = new Set(rollout.evaluations.map((e: any) => e.gateId));
          expect(gates.size).toBe(2);
          // Every evaluation of both gates read a real 0, never no data.
          for (const e of rollout.evaluations) {
            expect(e).toMatchObject({ verdict: 'pass', value: 0 });
          }
          expect(receiver.callsFor(rollout.id)).toEqual([]);
        } finally {
          await backend.stop();
        }
      });

      it('resumes after a restart mid-rollout without losing or repeating the rollback', async () => {
        exporter.setErrorRate(series('restart'), 0);
        const first = await start(allEvaluations);
        let rolloutId: string;
        try {
          await deploy(first.server, 'restart');
          const analysing = await waitFor(
            first.server,
            'restart',
            r => r.evaluations.length >= 2,
          );
          rolloutId = analysing.id;
        } finally {
          await first.stop();
        }
        const before = (
          await knex('rollout_evaluations').where({ rollout_id: rolloutId })
        ).length;
        expect(
          (await knex('rollouts').where({ id: rolloutId }).first()).state,
        ).toBe('analysing');

        // The new version goes bad while no backend is running.
        exporter.setErrorRate(series('restart'), 0.5);
        const second = await start(allEvaluations);
        try {
          const rolledBack = await waitFor(
            second.server,
            'restart',
            r => r.rollback?.status === 'succeeded',
          );
          expect(rolledBack.id).toBe(rolloutId);
          expect(rolledBack.evaluations.length).toBeGreaterThan(before);
          expect(
            rolledBack.evaluations.slice(0, 2).map((e: any) => e.verdict),
          ).toEqual(['pass', 'pass']);
        } finally {
          await second.stop();
        }

        const third = await start(allEvaluations);
        try {
          await sleep(3000);
          const after = await rolloutOf(third.server, 'restart');
          expect(after).toMatchObject({
            state: 'rolled-back',
            rollback: { status: 'succeeded', attempts: 1 },
          });
          expect(receiver.callsFor(rolloutId)).toHaveLength(1);
        } finally {
          await third.stop();
        }
        // Each gate was evaluated at most once per due time, across all three backends.
        const rows = await knex('rollout_evaluations')
          .where({ rollout_id: rolloutId })
          .select('gate_id', 'due_at');
        expect(new Set(rows.map(r => `${r.gate_id}@${r.due_at}`)).size).toBe(
          rows.length,
        );
      });

      it('retries a rollback whose webhook went unanswered when the backend stopped, with the same idempotency key', async () => {
        exporter.setErrorRate(series('lost-ack'), 0.5);
        receiver.hold(`${databaseId}-lost-ack`);
        const first = await start(allEvaluations);
        let rolloutId: string;
        try {
          await deploy(first.server, 'lost-ack');
          const claimed = await waitFor(
            first.server,
            'lost-ack',
            r => r.state === 'rolled-back',
          );
          rolloutId = claimed.id;
          // The receiver holds the first call; stop while it is in flight.
          for (
            let i = 0;
            i < 40 && receiver.callsFor(rolloutId).length === 0;
            i++
          )
            await sleep(100);
        } finally {
          await first.stop();
        }
        const second = await start(allEvaluations);
        try {
          const done = await waitFor(
            second.server,
            'lost-ack',
            r => r.rollback?.status === 'succeeded',
          );
          expect(done.rollback.attempts).toBeGreaterThanOrEqual(2);
          const calls = receiver.callsFor(rolloutId);
          expect(calls.length).toBe(done.rollback.attempts);
          // Every attempt carries the same key: a receiver that dedupes by key rolls back once.
          expect(new Set(calls.map(c => c.idempotencyKey))).toEqual(
            new Set([rolloutId]),
          );
          expect(new Set(calls.map(c => JSON.stringify(c.body))).size).toBe(1);
        } finally {
          await second.stop();
        }
      });
    });
  },
);
