import { mockCredentials } from '@backstage/backend-test-utils';
import type {
  MetricQueryResult,
  MetricRangeResult,
} from '@greenlight/backstage-plugin-greenlight-common';
import type { MetricProvider } from '@greenlight/backstage-plugin-greenlight-node';
import { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { RecordingExecutor } from './__testUtils__/fakes';
import { component, startRolloutBackend } from './__testUtils__/rolloutBackend';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const SLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: payments
  annotations:
    greenlight.dev/interval: 30s
    greenlight.dev/evaluations: '3'
    greenlight.dev/failure-rule: consecutive:2
spec:
  service: payments
  indicator:
    metadata: { name: error-rate }
    spec:
      thresholdMetric:
        metricSource:
          type: series
          spec:
            query: errors
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Error rate
      op: lt
      value: 0.05
      target: 0.99
`;

const MINUTE = 60_000;
const replayFrom = Math.floor((Date.now() - 3 * 60 * MINUTE) / MINUTE) * MINUTE;
const replayTo = replayFrom + 60 * MINUTE;

/** Healthy now; over history, errors breach between minutes 20 and 29 of the replay window. */
class HistoryProvider implements MetricProvider {
  readonly id = 'series';
  async query(): Promise<MetricQueryResult> {
    return { status: 'ok', samples: [{ labels: {}, value: 0.01 }] };
  }
  async queryRange(req: {
    start: Date;
    end: Date;
    stepSeconds: number;
  }): Promise<MetricRangeResult> {
    const points: Array<[number, number]> = [];
    for (
      let t = req.start.getTime();
      t <= req.end.getTime();
      t += req.stepSeconds * 1000
    ) {
      const minute = (t - replayFrom) / MINUTE;
      points.push([t / 1000, minute >= 20 && minute < 30 ? 0.3 : 0.01]);
    }
    return { status: 'ok', series: [{ labels: {}, points }] };
  }
}

const ada = mockCredentials.user.header('user:default/ada');
const eve = mockCredentials.user.header('user:default/eve');
const mallory = mockCredentials.user.header('user:default/mallory');
const pipeline = mockCredentials.service.header();
const nobody = mockCredentials.none.header();

describe('rollout routes', () => {
  const databases = createTestDatabases();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlight-rollouts-'));
  fs.writeFileSync(path.join(dir, 'slo.yaml'), SLO);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let server: any;
    let stop: () => Promise<void>;
    const executor = new RecordingExecutor('recording');

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const backend = await startRolloutBackend({
        knex,
        entities: [
          component('payments', {
            'greenlight.dev/slo': 'slo.yaml',
            'backstage.io/managed-by-location': `file:${path.join(
              dir,
              'catalog-info.yaml',
            )}`,
          }),
          component('restricted-ledger', {
            'greenlight.dev/slo': 'slo.yaml',
            'backstage.io/managed-by-location': `file:${path.join(
              dir,
              'catalog-info.yaml',
            )}`,
          }),
          component('no-gates'),
        ],
        config: { rollouts: { executor: 'recording' } },
        providers: [new HistoryProvider()],
        executors: [executor],
      });
      server = backend.server;
      stop = () => backend.stop();
    });

    afterAll(async () => {
      await stop();
      await knex.destroy();
    });

    const events = (list: unknown[]) =>
      request(server)
        .post('/api/greenlight/v1/events')
        .set('Authorization', pipeline)
        .send({ events: list });
    const started = (id: string, strategy: string, entity = 'payments') => ({
      id: `evt-${id}`,
      type: 'deployment.started',
      entityRef: `component:default/${entity}`,
      deployment: {
        id,
        environment: 'production',
        status: 'started',
        strategy,
        startedAt: new Date().toISOString(),
      },
    });
    /** A deployment the ledger holds, in flight; `rolling` so that no rollout starts by itself. */
    const inFlight = (
      id: string,
      entity = 'payments',
      environment = 'production',
    ) =>
      events([
        {
          ...started(id, 'rolling', entity),
          deployment: { ...started(id, 'rolling').deployment, environment },
        },
      ]);
    const startBody = (deploymentId: string, extra: object = {}) => ({
      entityRef: 'component:default/payments',
      environment: 'production',
      deploymentId,
      strategy: 'canary',
      ...extra,
    });
    const act = (id: string, who: string, body: object) =>
      request(server)
        .post(`/api/greenlight/v1/rollouts/${id}/actions`)
        .set('Authorization', who)
        .send(body);

    it('starts a rollout when the ledger records a canary deployment of an entity with gates', async () => {
      const res = await events([
        started('dep-canary', 'canary'),
        started('dep-rolling', 'rolling'),
        started('dep-nogates', 'canary', 'no-gates'),
      ]);
      expect(res.status).toBe(200);
      const list = await request(server)
        .get('/api/greenlight/v1/rollouts')
        .query({ entityRef: 'component:default/payments' })
        .set('Authorization', ada);
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([
        expect.objectContaining({
          deploymentId: 'dep-canary',
          state: 'analysing',
          strategy: 'canary',
          gates: [
            {
              id: 'payments/error-rate',
              kind: 'threshold',
              shadow: false,
              description: 'Error rate',
              failureRule: { kind: 'consecutive', count: 2 },
              evaluations: 3,
            },
          ],
          rollback: null,
          allowedActions: ['pause', 'promote', 'rollback', 'override'],
        }),
      ]);
      const noGates = await request(server)
        .get('/api/greenlight/v1/rollouts')
        .query({ entityRef: 'component:default/no-gates' })
        .set('Authorization', ada);
      expect(noGates.body.items).toEqual([]);
      // An entity the reader cannot see in the catalog: 404, whatever the ledger holds.
      const hidden = await request(server)
        .get('/api/greenlight/v1/rollouts')
        .query({ entityRef: 'component:default/ghost' })
        .set('Authorization', ada);
      expect(hidden.status).toBe(404);
      const release = await request(server)
        .get('/api/greenlight/v1/releases/dep-canary')
        .set('Authorization', ada);
      expect(release.body.rolloutId).toBe(list.body.items[0].id);
      expect(release.body.audit.map((a: any) => a.action)).toContain(
        'rollout.started',
      );
    });

    it('starts no rollout for history: a canary already finished, or one started hours ago', async () => {
      const longAgo = new Date(Date.now() - 6 * 3_600_000).toISOString();
      const res = await events([
        started('dep-done', 'canary'),
        {
          id: 'evt-dep-done-finished',
          type: 'deployment.finished',
          entityRef: 'component:default/payments',
          deployment: {
            id: 'dep-done',
            environment: 'production',
            status: 'succeeded',
            strategy: 'canary',
            finishedAt: new Date().toISOString(),
          },
        },
        {
          ...started('dep-old', 'canary'),
          deployment: {
            ...started('dep-old', 'canary').deployment,
            startedAt: longAgo,
          },
        },
        started('dep-live', 'canary'),
      ]);
      expect(res.status).toBe(200);
      const list = await request(server)
        .get('/api/greenlight/v1/rollouts')
        .query({ entityRef: 'component:default/payments' })
        .set('Authorization', ada);
      const ids = list.body.items.map((r: any) => r.deploymentId);
      expect(ids).toContain('dep-live');
      expect(ids).not.toContain('dep-done');
      expect(ids).not.toContain('dep-old');
    });

    it('answers POST /v1/rollouts with 401, 403, 400, 404, 201, 200 and 409 as it should', async () => {
      const post = (who: string, body: unknown) =>
        request(server)
          .post('/api/greenlight/v1/rollouts')
          .set('Authorization', who)
          .send(body as object);
      await inFlight('api-1');
      expect((await post(nobody, startBody('api-1'))).status).toBe(401);
      expect((await post(ada, startBody('api-1'))).status).toBe(403);
      const missing = await post(pipeline, {
        entityRef: 'component:default/payments',
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toMatch(
        /environment.*deploymentId.*strategy/s,
      );
      const badGates = await post(
        pipeline,
        startBody('api-1', { gates: 'kind: SLO\n' }),
      );
      expect(badGates.status).toBe(400);
      expect(badGates.body.error.message).toMatch(/^gates: /);
      const unknownProvider = await post(
        pipeline,
        startBody('api-1', {
          gates: SLO.replace('type: series', 'type: datadog'),
        }),
      );
      expect(unknownProvider.status).toBe(400);
      expect(unknownProvider.body.error.message).toContain(
        "no metric provider 'datadog'",
      );
      expect(
        (
          await post(pipeline, {
            ...startBody('api-1'),
            entityRef: 'component:default/ghost',
          })
        ).status,
      ).toBe(404);
      // the ledger must hold the deployment, of that entity and environment, still in flight
      const unknown = await post(pipeline, startBody('api-unknown'));
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toMatch(/^deploymentId: /);
      await inFlight('api-staging', 'payments', 'staging');
      expect((await post(pipeline, startBody('api-staging'))).status).toBe(404);
      await inFlight('api-ng', 'no-gates');
      expect((await post(pipeline, startBody('api-ng'))).status).toBe(404);
      await inFlight('api-done');
      await events([
        {
          id: 'evt-api-done-finished',
          type: 'deployment.finished',
          entityRef: 'component:default/payments',
          deployment: {
            id: 'api-done',
            environment: 'production',
            status: 'succeeded',
            finishedAt: new Date().toISOString(),
          },
        },
      ]);
      const finished = await post(pipeline, startBody('api-done'));
      expect(finished.status).toBe(409);
      expect(finished.body.error.message).toContain('no longer in flight');
      expect(
        await knex('rollouts').whereIn('deployment_id', [
          'api-unknown',
          'api-staging',
          'api-ng',
          'api-done',
        ]),
      ).toEqual([]);

      const noGates = await post(pipeline, {
        ...startBody('api-ng'),
        entityRef: 'component:default/no-gates',
      });
      expect(noGates.status).toBe(400);
      expect(noGates.body.error.message).toContain('greenlight.dev/slo');

      const created = await post(
        pipeline,
        startBody('api-1', {
          gates: SLO,
          artifactDigest: `sha256:${'b'.repeat(64)}`,
        }),
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        deploymentId: 'api-1',
        state: 'analysing',
        artifactDigest: `sha256:${'b'.repeat(64)}`,
      });
      const again = await post(pipeline, startBody('api-1'));
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(created.body.id);
      const other = await post(pipeline, {
        ...startBody('api-1'),
        entityRef: 'component:default/restricted-ledger',
      });
      expect(other.status).toBe(409);
      expect(
        (await knex('rollouts').where({ deployment_id: 'api-1' })).length,
      ).toBe(1);
    });

    it('refuses a rollout naming another digest than the ledger records for the deployment, writing nothing', async () => {
      const recorded = `sha256:${'c'.repeat(64)}`;
      const claimed = `sha256:${'d'.repeat(64)}`;
      await events([
        {
          ...started('api-digest', 'rolling'),
          deployment: {
            ...started('api-digest', 'rolling').deployment,
            artifactDigest: recorded,
          },
        },
      ]);
      const post = (artifactDigest: string) =>
        request(server)
          .post('/api/greenlight/v1/rollouts')
          .set('Authorization', pipeline)
          .send(startBody('api-digest', { artifactDigest }));

      const wrong = await post(claimed);
      expect(wrong.status).toBe(409);
      expect(wrong.body.error.message).toBe(
        `artifactDigest: deployment api-digest deploys ${recorded} according to the ledger, not ${claimed}`,
      );
      expect(
        await knex('rollouts').where({ deployment_id: 'api-digest' }),
      ).toEqual([]);
      expect(
        await knex('audit_log')
          .where({ subject_id: 'api-digest' })
          .where('action', 'like', 'rollout.%'),
      ).toEqual([]);

      const right = await post(recorded);
      expect(right.status).toBe(201);
      expect(right.body).toMatchObject({
        deploymentId: 'api-digest',
        artifactDigest: recorded,
      });
    });

    it('hides rollouts of entities the caller cannot see', async () => {
      await inFlight('restricted-1', 'restricted-ledger');
      const created = await request(server)
        .post('/api/greenlight/v1/rollouts')
        .set('Authorization', pipeline)
        .send({
          ...startBody('restricted-1'),
          entityRef: 'component:default/restricted-ledger',
        });
      expect(created.status).toBe(201);
      expect(
        (
          await request(server)
            .get(`/api/greenlight/v1/rollouts/${created.body.id}`)
            .set('Authorization', ada)
        ).status,
      ).toBe(404);
      expect(
        (
          await request(server)
            .get(`/api/greenlight/v1/rollouts/${created.body.id}`)
            .set('Authorization', pipeline)
        ).status,
      ).toBe(200);
      const byDeployment = await request(server)
        .get('/api/greenlight/v1/rollouts')
        .query({ deploymentId: 'restricted-1' })
        .set('Authorization', ada);
      expect(byDeployment.body.items).toEqual([]);
      expect(
        (await act(created.body.id, ada, { action: 'pause' })).status,
      ).toBe(404);
    });

    it('checks manual actions: 401, 403, 400 naming the field, 404, 409, and audits what it does', async () => {
      await inFlight('manual-1');
      const { body: rollout } = await request(server)
        .post('/api/greenlight/v1/rollouts')
        .set('Authorization', pipeline)
        .send(startBody('manual-1'));
      expect((await act(rollout.id, nobody, { action: 'pause' })).status).toBe(
        401,
      );
      expect(
        (await act(rollout.id, pipeline, { action: 'pause' })).status,
      ).toBe(403);
      const noReason = await act(rollout.id, ada, { action: 'rollback' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toContain('reason');
      const badAction = await act(rollout.id, ada, { action: 'explode' });
      expect(badAction.status).toBe(400);
      expect(badAction.body.error.message).toContain('action');
      expect((await act(rollout.id, mallory, { action: 'pause' })).status).toBe(
        403,
      );
      expect(
        (await act(rollout.id, eve, { action: 'override', reason: 'ship it' }))
          .status,
      ).toBe(403);
      expect(
        (await act('no-such-rollout', ada, { action: 'pause' })).status,
      ).toBe(404);
      expect((await act(rollout.id, ada, { action: 'resume' })).status).toBe(
        409,
      );

      const view = await request(server)
        .get(`/api/greenlight/v1/rollouts/${rollout.id}`)
        .set('Authorization', mallory);
      expect(view.body.allowedActions).toEqual([]);
      expect(
        (
          await request(server)
            .get(`/api/greenlight/v1/rollouts/${rollout.id}`)
            .set('Authorization', eve)
        ).body.allowedActions,
      ).toEqual(['pause', 'promote', 'rollback']);

      const paused = await act(rollout.id, eve, {
        action: 'pause',
        reason: 'checking dashboards',
      });
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({
        state: 'paused',
        nextEvaluationAt: null,
        allowedActions: ['resume', 'promote', 'rollback'],
      });
      const resumed = await act(rollout.id, ada, { action: 'resume' });
      expect(resumed.body.state).toBe('analysing');
      expect(resumed.body.nextEvaluationAt).not.toBeNull();

      const rolledBack = await act(rollout.id, ada, {
        action: 'rollback',
        reason: 'customers report errors',
      });
      expect(rolledBack.status).toBe(200);
      expect(rolledBack.body).toMatchObject({
        state: 'rolled-back',
        rollback: {
          status: 'succeeded',
          executor: 'recording',
          attempts: 1,
          reason: 'customers report errors',
        },
        allowedActions: [],
      });
      expect(executor.requests.filter(r => r.rolloutId === rollout.id)).toEqual(
        [
          expect.objectContaining({
            deploymentId: 'manual-1',
            idempotencyKey: rollout.id,
            reason: 'customers report errors',
          }),
        ],
      );
      expect(
        (await act(rollout.id, ada, { action: 'rollback', reason: 'again' }))
          .status,
      ).toBe(409);
      expect(
        executor.requests.filter(r => r.rolloutId === rollout.id),
      ).toHaveLength(1);

      const audit = await knex('audit_log')
        .where({ subject_type: 'deployment', subject_id: 'manual-1' })
        .orderBy('seq');
      expect(audit.map(a => [a.action, a.actor])).toEqual([
        ['rollout.started', 'service:external:test-service'],
        ['rollout.pause', 'user:default/eve'],
        ['rollout.resume', 'user:default/ada'],
        ['rollout.rollback', 'user:default/ada'],
        ['rollout.rollback.succeeded', 'greenlight:rollout-watcher'],
      ]);
      expect(JSON.parse(audit[3].details)).toMatchObject({
        rolloutId: rollout.id,
        reason: 'customers report errors',
        from: 'analysing',
      });
    });

    it('lets an override promote a rollout the gates paused as inconclusive', async () => {
      await inFlight('override-1');
      const { body: rollout } = await request(server)
        .post('/api/greenlight/v1/rollouts')
        .set('Authorization', pipeline)
        .send(startBody('override-1'));
      await knex('rollouts')
        .where({ id: rollout.id })
        .update({ state: 'paused-inconclusive', next_evaluation_at: null });
      expect((await act(rollout.id, ada, { action: 'promote' })).status).toBe(
        409,
      );
      const noReason = await act(rollout.id, ada, { action: 'override' });
      expect(noReason.status).toBe(400);
      const promoted = await act(rollout.id, ada, {
        action: 'override',
        reason: 'metrics backend outage',
      });
      expect(promoted.body.state).toBe('promoted');
      const [entry] = await knex('audit_log').where({
        subject_id: 'override-1',
        action: 'rollout.override',
      });
      expect(JSON.parse(entry.details)).toMatchObject({
        reason: 'metrics backend outage',
        from: 'paused-inconclusive',
        to: 'promoted',
      });
    });

    it('aborts a rollout whose deployment the delivery system reports failed', async () => {
      await events([started('dep-abort', 'blue-green')]);
      await events([
        {
          id: 'evt-dep-abort-failed',
          type: 'deployment.finished',
          entityRef: 'component:default/payments',
          deployment: {
            id: 'dep-abort',
            environment: 'production',
            status: 'failed',
            strategy: 'blue-green',
            finishedAt: new Date().toISOString(),
          },
        },
      ]);
      const list = await request(server)
        .get('/api/greenlight/v1/rollouts')
        .query({ deploymentId: 'dep-abort' })
        .set('Authorization', ada);
      expect(list.body.items).toEqual([
        expect.objectContaining({ state: 'aborted', strategy: 'blue-green' }),
      ]);
    });

    it('validates list queries, naming the field', async () => {
      const noFilter = await request(server)
        .get('/api/greenlight/v1/rollouts')
        .set('Authorization', ada);
      expect(noFilter.status).toBe(400);
      expect(noFilter.body.error.message).toContain('entityRef');
      const badState = await request(server)
        .get('/api/greenlight/v1/rollouts')
        .query({ entityRef: 'component:default/payments', state: 'exploded' })
        .set('Authorization', ada);
      expect(badState.status).toBe(400);
      expect(badState.body.error.message).toContain('state');
      expect(
        (
          await request(server)
            .get('/api/greenlight/v1/rollouts/x')
            .set('Authorization', nobody)
        ).status,
      ).toBe(401);
    });

    it('replays gates over history and scores them against incidents and rollbacks', async () => {
      await events([
        {
          id: 'inc-1',
          type: 'incident.opened',
          entityRef: 'component:default/payments',
          incident: {
            id: 'inc-1',
            entityRefs: ['component:default/payments'],
            detectedAt: new Date(replayFrom + 20 * MINUTE).toISOString(),
          },
        },
      ]);
      const replay = (body: object) =>
        request(server)
          .post('/api/greenlight/v1/gates/replay')
          .set('Authorization', ada)
          .send(body);
      const window = {
        from: new Date(replayFrom).toISOString(),
        to: new Date(replayTo).toISOString(),
      };

      const res = await replay({
        entityRef: 'component:default/payments',
        stepSeconds: 60,
        ...window,
      });
      expect(res.status).toBe(200);
      expect(res.body.events).toEqual([
        expect.objectContaining({ id: 'incident:inc-1', kind: 'incident' }),
      ]);
      const [gate] = res.body.gates;
      expect(gate).toMatchObject({
        gateId: 'payments/error-rate',
        stepSeconds: 60,
        evaluations: 61,
        firingTimes: [new Date(replayFrom + 21 * MINUTE).toISOString()],
        flaps: 2,
        falseFirings: [],
        errors: [],
        detections: [
          {
            id: 'incident:inc-1',
            kind: 'incident',
            delaySeconds: 60,
            missed: false,
          },
        ],
      });

      const inline = await replay({
        entityRef: 'component:default/payments',
        gates: SLO,
        stepSeconds: 60,
        ...window,
      });
      expect(inline.status).toBe(200);
      expect(inline.body.gates[0].firingTimes).toEqual(gate.firingTimes);

      const badTime = await replay({
        entityRef: 'component:default/payments',
        gates: SLO,
        from: 'yesterday',
        to: window.to,
      });
      expect(badTime.status).toBe(400);
      expect(badTime.body.error.message).toContain('from');
      const reversed = await replay({
        entityRef: 'component:default/payments',
        gates: SLO,
        from: window.to,
        to: window.from,
      });
      expect(reversed.body.error.message).toMatch(/^to: /);
      const tooLong = await replay({
        entityRef: 'component:default/payments',
        gates: SLO,
        from: new Date(replayTo - 8 * 86_400_000).toISOString(),
        to: window.to,
      });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.message).toMatch(/^to: .*7 days/);
      const tooFine = await replay({
        entityRef: 'component:default/payments',
        gates: SLO,
        stepSeconds: 60,
        from: new Date(replayTo - 6 * 86_400_000).toISOString(),
        to: window.to,
      });
      expect(tooFine.status).toBe(400);
      expect(tooFine.body.error.message).toMatch(/^stepSeconds: /);
      const noEntity = await replay(window);
      expect(noEntity.status).toBe(400);
      expect(noEntity.body.error.message).toContain('entityRef');
      expect(
        (
          await request(server)
            .post('/api/greenlight/v1/gates/replay')
            .set('Authorization', nobody)
            .send(window)
        ).status,
      ).toBe(401);
    });
  });
});
