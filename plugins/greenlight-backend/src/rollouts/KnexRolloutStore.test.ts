import { Knex } from 'knex';
import { applyMigrations } from '../database/migrations';
import { thresholdGate } from './__testUtils__/fakes';
import { KnexRolloutStore } from './KnexRolloutStore';
import { initialGateStates } from './stateMachine';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-11-02T10:00:00Z');
const gates = [thresholdGate('slo/errors', 'errors')];

function newRollout(n: number) {
  const gateStates = initialGateStates(gates, T0);
  return {
    id: `r-${n}`,
    deploymentId: `d-${n}`,
    entityRef: 'component:default/payments',
    environment: 'production',
    artifactDigest: null,
    strategy: 'canary' as const,
    gates,
    gateSource: 'test',
    gateStates,
    startedAt: T0,
    nextEvaluationAt: T0 + 60_000,
  };
}

const claim = {
  executor: 'webhook',
  reason: 'bad',
  evidence: { summary: 'bad' },
  now: T0,
};

describe('KnexRolloutStore', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: KnexRolloutStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await applyMigrations(knex);
      store = new KnexRolloutStore(knex);
    });

    afterAll(async () => {
      await knex.destroy();
    });

    it('creates one rollout per deployment, whoever asks first', async () => {
      const results = await Promise.all(
        [1, 2, 3].map(i =>
          store.create({ ...newRollout(100), id: `r-100-${i}` }),
        ),
      );
      expect(results.filter(r => r.created)).toHaveLength(1);
      expect(new Set(results.map(r => r.rollout.id)).size).toBe(1);
      expect(results[0].rollout).toMatchObject({
        state: 'analysing',
        gates,
        strategy: 'canary',
        nextEvaluationAt: T0 + 60_000,
      });
    });

    it('writes an action’s audit entry with the change that won, or neither', async () => {
      // Another entity's rollouts, so that the listings of the other tests stay theirs.
      const AUDITED = 'component:default/audited';
      const entry = (n: number, action: string) => ({
        actor: 'user:default/ada',
        action,
        subjectType: 'deployment',
        subjectId: `d-${n}`,
        entityRef: AUDITED,
        details: { rolloutId: `r-${n}` },
      });
      const audited = async (n: number) =>
        (await knex('audit_log').where({ subject_id: `d-${n}` })).map(
          a => a.action,
        );

      // Eight starts and eight pauses at once: one of each wins, and only it is audited.
      await Promise.all(
        [1, 2, 3, 4, 5, 6, 7, 8].map(i =>
          store.create(
            { ...newRollout(200), entityRef: AUDITED, id: `r-200-${i}` },
            entry(200, 'rollout.started'),
          ),
        ),
      );
      const winner = (await store.getByDeployment('d-200'))!.id;
      const pauses = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.transition(
            winner,
            {
              fromStates: ['analysing'],
              to: 'paused',
              reason: 'pause',
              now: T0,
              nextEvaluationAt: null,
            },
            entry(200, 'rollout.pause'),
          ),
        ),
      );
      expect(pauses.filter(Boolean)).toHaveLength(1);
      expect(await audited(200)).toEqual(['rollout.started', 'rollout.pause']);

      // An audit entry that cannot be written (details that are not JSON) leaves the rollout as
      // it was.
      await store.create(
        { ...newRollout(201), entityRef: AUDITED },
        entry(201, 'rollout.started'),
      );
      const refused = {
        ...entry(201, 'rollout.rollback'),
        details: { size: BigInt(1) },
      };
      await expect(
        store.claimRollback(
          'r-201',
          { ...claim, fromStates: ['analysing'] },
          refused,
        ),
      ).rejects.toThrow(/BigInt/);
      await expect(
        store.transition(
          'r-201',
          {
            fromStates: ['analysing'],
            to: 'paused',
            reason: 'pause',
            now: T0,
            nextEvaluationAt: null,
          },
          refused,
        ),
      ).rejects.toThrow(/BigInt/);
      expect(await store.get('r-201')).toMatchObject({
        state: 'analysing',
        rollback: null,
      });
      expect(await audited(201)).toEqual(['rollout.started']);
    });

    it('lets exactly one of many concurrent claims roll back', async () => {
      await store.create(newRollout(1));
      const claims = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.claimRollback('r-1', { ...claim, fromStates: ['analysing'] }),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.get('r-1')).toMatchObject({
        state: 'rolled-back',
        rollback: {
          status: 'pending',
          attempts: 0,
          executor: 'webhook',
          nextAttemptAt: T0,
        },
      });
      // A claimed rollback is never claimed again, not even after it failed.
      await store.lease('r-1', { now: T0, owner: 'a', leaseMs: 1000 });
      await store.recordRollbackAttempt(
        'r-1',
        'a',
        {
          status: 'failed',
          attempts: 1,
          lastError: 'x',
          nextAttemptAt: null,
          executedAt: null,
        },
        T0,
      );
      expect(
        await store.claimRollback('r-1', {
          ...claim,
          fromStates: ['rolled-back'],
        }),
      ).toBe(false);
      expect(await store.rearmRollback('r-1', T0 + 1)).toBe(true);
      expect(await store.rearmRollback('r-1', T0 + 2)).toBe(false);
    });

    it('leases each due rollout to one owner at a time', async () => {
      for (let i = 10; i < 30; i++) await store.create(newRollout(i));
      const now = T0 + 60_000;
      const [a, b] = await Promise.all([
        store.leaseDue({ now, owner: 'a:1', leaseMs: 30_000, limit: 50 }),
        store.leaseDue({ now, owner: 'b:1', leaseMs: 30_000, limit: 50 }),
      ]);
      const ids = [...a, ...b].map(r => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.filter(id => /^r-(1\d|2\d)$/.test(id)).sort()).toHaveLength(
        20,
      );
      // Nothing is left to lease until the leases run out.
      expect(
        await store.leaseDue({ now, owner: 'c:1', leaseMs: 30_000, limit: 50 }),
      ).toEqual([]);
      const later = await store.leaseDue({
        now: now + 30_001,
        owner: 'c:2',
        leaseMs: 30_000,
        limit: 50,
      });
      expect(later.map(r => r.id)).toEqual(
        expect.arrayContaining(['r-10', 'r-29']),
      );
    });

    it('writes an evaluation only under its own lease, and nothing when the lease is lost', async () => {
      await store.create(newRollout(40));
      expect(
        await store.lease('r-40', { now: T0, owner: 'a', leaseMs: 1000 }),
      ).toBe(true);
      expect(
        await store.lease('r-40', { now: T0 + 500, owner: 'b', leaseMs: 1000 }),
      ).toBe(false);
      // a's lease ran out and b took over: a's late write is discarded whole.
      expect(
        await store.lease('r-40', {
          now: T0 + 1001,
          owner: 'b',
          leaseMs: 1000,
        }),
      ).toBe(true);
      const evaluation = {
        at: T0,
        dueAt: T0,
        gateId: 'slo/errors',
        kind: 'threshold' as const,
        shadow: false,
        query: 'errors',
        value: 0.5,
        threshold: 0.05,
        verdict: 'fail' as const,
        outcome: 'fail' as const,
        decision: 'rollback' as const,
        reason: 'bad',
        sampleCount: 1,
        evidence: { queries: [] },
      };
      const write = {
        gateStates: {},
        nextEvaluationAt: null,
        evaluations: [evaluation],
        transition: {
          to: 'rolled-back' as const,
          reason: 'bad',
          rollback: claim,
        },
      };
      expect(await store.recordEvaluation('r-40', 'a', write, T0 + 1002)).toBe(
        false,
      );
      expect(await store.listEvaluations('r-40', 10)).toEqual([]);
      expect((await store.get('r-40'))!.state).toBe('analysing');
      expect(await store.recordEvaluation('r-40', 'b', write, T0 + 1003)).toBe(
        true,
      );
      expect(await store.listEvaluations('r-40', 10)).toEqual([evaluation]);
      // The claim keeps the lease for the rollback attempt that follows.
      expect(await store.get('r-40')).toMatchObject({
        state: 'rolled-back',
        leaseOwner: 'b',
        rollback: { status: 'pending' },
      });
    });

    it('moves states only from the state the caller saw', async () => {
      await store.create(newRollout(50));
      const change = {
        to: 'paused' as const,
        reason: 'pause',
        now: T0,
        nextEvaluationAt: null,
      };
      expect(
        await store.transition('r-50', { ...change, fromStates: ['paused'] }),
      ).toBe(false);
      expect(
        await store.transition('r-50', {
          ...change,
          fromStates: ['analysing'],
        }),
      ).toBe(true);
      expect(await store.get('r-50')).toMatchObject({
        state: 'paused',
        stateReason: 'pause',
        nextEvaluationAt: null,
      });
      expect(
        await store.list({
          entityRef: 'component:default/payments',
          state: 'paused',
          limit: 10,
        }),
      ).toEqual([expect.objectContaining({ id: 'r-50' })]);
    });
  });
});
