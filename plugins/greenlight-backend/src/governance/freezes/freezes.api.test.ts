import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { MetricQueryResult } from '@greenlight/backstage-plugin-greenlight-common';
import type { MetricProvider } from '@greenlight/backstage-plugin-greenlight-node';
import { Knex } from 'knex';
import request from 'supertest';
import {
  component,
  startRolloutBackend,
} from '../../rollouts/__testUtils__/rolloutBackend';
import { WATCHER_TASK_ID } from '../../rollouts/feature';
import { createTestDatabases, rowCounts } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const pipeline = mockCredentials.service.header();
const ada = mockCredentials.user.header('user:default/ada');
const mallory = mockCredentials.user.header('user:default/mallory');
const HOUR = 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

class QuietProvider implements MetricProvider {
  readonly id = 'quiet';
  async query(): Promise<MetricQueryResult> {
    return { status: 'ok', samples: [{ labels: {}, value: 0 }] };
  }
  async queryRange(): Promise<never> {
    throw new Error('not used');
  }
}

/** Promoted after two passing evaluations one second apart. */
const gates = {
  apiVersion: 'openslo/v1',
  kind: 'SLO',
  metadata: {
    name: 'quiet',
    annotations: {
      'greenlight.dev/interval': '1s',
      'greenlight.dev/evaluations': '2',
    },
  },
  spec: {
    service: 'quiet',
    indicator: {
      metadata: { name: 'errors' },
      spec: {
        thresholdMetric: {
          metricSource: { type: 'quiet', spec: { query: 'errors' } },
        },
      },
    },
    timeWindow: [{ duration: '28d', isRolling: true }],
    budgetingMethod: 'Occurrences',
    objectives: [
      { displayName: 'Errors', op: 'lt', value: 0.05, target: 0.99 },
    ],
  },
};

describe('runtime freezes', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let backend: Awaited<ReturnType<typeof startRolloutBackend>>;
    let tick: () => Promise<void>;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const scheduler = mockServices.scheduler.mock();
      backend = await startRolloutBackend({
        knex,
        entities: [component('payments')],
        providers: [new QuietProvider()],
        scheduler: scheduler.factory,
        config: {
          readiness: {
            controls: { code: [], config: [], database: [] },
          },
          governance: {
            freezes: [
              {
                name: 'year-end',
                from: '2030-12-21T00:00:00Z',
                until: '2031-01-04T00:00:00Z',
                reason: 'holidays',
              },
            ],
          },
          rollouts: { policyGates: { production: { readiness: {} } } },
        },
      });
      const task = scheduler.scheduleTask.mock.calls.find(
        ([t]) => t.id === WATCHER_TASK_ID,
      )![0];
      tick = async () => {
        await task.fn(new AbortController().signal);
      };
    });

    afterAll(async () => {
      await backend.stop();
      await knex.destroy();
    });

    const api = () => request(backend.server);
    const declare = (body: object, auth = ada) =>
      api()
        .post('/api/greenlight/v1/freezes')
        .set('Authorization', auth)
        .send(body);
    const lift = (id: string, auth = ada) =>
      api()
        .post(`/api/greenlight/v1/freezes/${id}/lift`)
        .set('Authorization', auth)
        .send({ reason: 'incident resolved' });
    const ask = (environment: string, deploymentId?: string) =>
      api()
        .post('/api/greenlight/v1/readiness')
        .set('Authorization', pipeline)
        .send({
          entityRef: 'component:default/payments',
          environment,
          change: deploymentId ? { deploymentId } : {},
        });
    const incident = () => ({
      name: `incident INC-${databaseId}`,
      until: iso(Date.now() + 2 * HOUR),
      reason: 'checkout errors',
    });

    it('audits every readiness decision, also one that names no deployment', async () => {
      const res = await ask('staging');
      expect(res.status).toBe(200);
      const audit = await knex('audit_log').where({
        subject_type: 'readiness-decision',
        subject_id: res.body.decisionId,
      });
      expect(audit.map(a => [a.action, a.entity_ref])).toEqual([
        [`readiness.${res.body.decision}`, 'component:default/payments'],
      ]);
    });

    it('refuses wrong credentials and invalid input without writing a row', async () => {
      const before = await rowCounts(knex);
      await declare(incident(), pipeline).expect(403);
      await declare(incident(), mallory).expect(403);
      await declare(incident(), mockCredentials.user.invalidHeader()).expect(
        401,
      );
      const noReason = await declare({ ...incident(), reason: '' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toMatch(
        /reason: a reason is required/,
      );
      const backwards = await declare({
        ...incident(),
        from: iso(Date.now() + 3 * HOUR),
      });
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.message).toMatch(/until: must be after from/);
      const badTime = await declare({ ...incident(), until: 'soon' });
      expect(badTime.status).toBe(400);
      expect(badTime.body.error.message).toMatch(
        /until: must be an ISO 8601 date, or a time with its zone/,
      );
      // A freeze of "Production" would freeze nothing: the configured name is "production".
      const unknown = await declare({
        ...incident(),
        environment: 'Production',
      });
      expect([unknown.status, unknown.body.error.message]).toEqual([
        400,
        expect.stringMatching(
          /^body\.environment: Production is not a configured environment/,
        ),
      ]);
      expect(await rowCounts(knex)).toEqual(before);

      // reads need an authenticated caller
      await api()
        .get('/api/greenlight/v1/freezes')
        .set('Authorization', mockCredentials.service.invalidHeader())
        .expect(401);
    });

    it('declares, lists and lifts a freeze that readiness honours like a configured one', async () => {
      expect((await ask('production')).body.decision).toBe('allow');

      const declared = await declare({
        ...incident(),
        environment: 'production',
      });
      expect(declared.status).toBe(201);
      expect(declared.body).toMatchObject({
        source: 'api',
        scope: 'environment',
        environment: 'production',
        state: 'in-force',
        declaredBy: 'user:default/ada',
        lifted: null,
      });
      const id = declared.body.id;

      const blocked = await ask('production');
      expect(blocked.body).toMatchObject({
        decision: 'block',
        missingControls: ['change-window'],
        window: {
          allowed: false,
          freezes: [{ name: `incident INC-${databaseId}` }],
        },
      });
      expect(blocked.body.window.reasons.join(' ')).toContain(
        `incident INC-${databaseId}`,
      );
      // scoped to its environment
      expect((await ask('staging')).body.decision).toBe('allow');
      // and the Governance tab's windows say so, as readiness decides
      const windows = await api()
        .get('/api/greenlight/v1/change-windows')
        .query({ entityRef: 'component:default/payments' })
        .set('Authorization', pipeline)
        .expect(200);
      const byEnvironment = Object.fromEntries(
        windows.body.environments.map((e: any) => [e.environment, e]),
      );
      expect(byEnvironment.production).toMatchObject({
        allowed: false,
        freezes: [{ name: `incident INC-${databaseId}` }],
      });
      expect(byEnvironment.staging.allowed).toBe(true);

      // the same freeze twice is one freeze
      await declare({ ...incident(), environment: 'production' }).expect(409);

      const listed = await api()
        .get('/api/greenlight/v1/freezes')
        .set('Authorization', pipeline)
        .expect(200);
      expect(listed.body.freezes.map((f: any) => f.id)).toEqual([id]);
      expect(listed.body.configured).toMatchObject([
        { source: 'config', name: 'year-end', state: 'scheduled' },
      ]);

      const before = await rowCounts(knex);
      await lift(id, mallory).expect(403);
      await lift(id, pipeline).expect(403);
      expect(await rowCounts(knex)).toEqual(before);
      expect(
        (await knex('runtime_freezes').where({ id }).first()).lifted_at,
      ).toBeNull();

      const lifted = await lift(id);
      expect(lifted.status).toBe(200);
      expect(lifted.body).toMatchObject({
        state: 'lifted',
        lifted: { by: 'user:default/ada', reason: 'incident resolved' },
      });
      expect((await ask('production')).body.decision).toBe('allow');
      await lift(id).expect(409);
      await lift('no-such-freeze').expect(404);

      const history = await api()
        .get('/api/greenlight/v1/freezes')
        .query({ history: 'true' })
        .set('Authorization', mallory)
        .expect(200);
      expect(history.body.freezes.map((f: any) => f.state)).toContain('lifted');

      const audit = await knex('audit_log')
        .where({ subject_type: 'freeze', subject_id: id })
        .orderBy('seq');
      expect(audit.map(a => [a.action, a.actor])).toEqual([
        ['freeze.declared', 'user:default/ada'],
        ['freeze.lifted', 'user:default/ada'],
      ]);
    });

    it('writes one freeze and one lift when the same requests race', async () => {
      const body = { ...incident(), name: `race-${databaseId}` };
      const declared = await Promise.all(
        Array.from({ length: 8 }, () => declare(body)),
      );
      expect(declared.map(r => r.status).sort()).toEqual([
        201, 409, 409, 409, 409, 409, 409, 409,
      ]);
      const rows = await knex('runtime_freezes').where({ name: body.name });
      expect(rows).toHaveLength(1);

      const lifts = await Promise.all(
        Array.from({ length: 8 }, () => lift(rows[0].id)),
      );
      expect(lifts.map(r => r.status).sort()).toEqual([
        200, 409, 409, 409, 409, 409, 409, 409,
      ]);
      const audit = await knex('audit_log').where({
        subject_type: 'freeze',
        subject_id: rows[0].id,
      });
      expect(audit.map(a => a.action).sort()).toEqual([
        'freeze.declared',
        'freeze.lifted',
      ]);

      // once lifted, the name can be declared again
      const again = await declare(body);
      expect(again.status).toBe(201);
      expect(
        await knex('runtime_freezes').where({ name: body.name }),
      ).toHaveLength(2);
      await lift(again.body.id).expect(200);
    });

    it('holds a rollout whose readiness gate a freeze declared since closes, until it is lifted', async () => {
      const deploymentId = `${databaseId}-frozen`;
      expect((await ask('production', deploymentId)).body.decision).toBe(
        'allow',
      );
      const freeze = await declare({
        ...incident(),
        name: `late-${databaseId}`,
      });
      expect(freeze.status).toBe(201);

      await api()
        .post('/api/greenlight/v1/events')
        .set('Authorization', pipeline)
        .send({
          events: [
            {
              id: `evt-${deploymentId}`,
              type: 'deployment.started',
              entityRef: 'component:default/payments',
              deployment: {
                id: deploymentId,
                environment: 'production',
                status: 'started',
                strategy: 'rolling',
                startedAt: new Date().toISOString(),
              },
            },
          ],
        })
        .expect(200);
      const started = await api()
        .post('/api/greenlight/v1/rollouts')
        .set('Authorization', pipeline)
        .send({
          entityRef: 'component:default/payments',
          environment: 'production',
          deploymentId,
          strategy: 'canary',
          gates,
        })
        .expect(201);
      expect(started.body.gates.map((g: any) => g.id)).toEqual([
        'quiet/errors',
        'policy/readiness',
      ]);
      const rolloutOf = async () =>
        (
          await api()
            .get(`/api/greenlight/v1/rollouts/${started.body.id}`)
            .set('Authorization', ada)
            .expect(200)
        ).body;

      for (let round = 0; round < 4; round++) {
        await sleep(1100);
        await tick();
      }
      const held = await rolloutOf();
      expect(held.state).toBe('analysing');
      expect(held.stateReason).toMatch(
        new RegExp(
          `^promotion held: policy gate policy/readiness: readiness decision .* allowed it, but not now: .*late-${databaseId}`,
        ),
      );

      await lift(freeze.body.id).expect(200);
      for (
        let round = 0;
        round < 10 && (await rolloutOf()).state === 'analysing';
        round++
      ) {
        await sleep(600);
        await tick();
      }
      const promoted = await rolloutOf();
      expect(promoted.state).toBe('promoted');
      expect(
        promoted.evaluations
          .filter((e: any) => e.gateId === 'policy/readiness')
          .map((e: any) => e.verdict),
      ).toEqual(['fail', 'pass']);
    });
  });
});
