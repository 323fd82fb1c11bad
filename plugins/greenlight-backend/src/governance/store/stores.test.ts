import { Knex } from 'knex';
import { setUpMigratedDatabase } from '../../__testUtils__/migratedDatabase';
import { StoredDecision } from './GovernanceStore';
import { KnexBreakGlassStore } from './KnexBreakGlassStore';
import { KnexDriftStore } from './KnexDriftStore';
import { KnexReadinessStore } from './KnexReadinessStore';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-11-01T10:00:00Z');
const HOUR = 3600_000;

function decision(id: string, overrides: Partial<StoredDecision> = {}): StoredDecision {
  return {
    id,
    entityRef: 'component:default/payments',
    environment: 'production',
    assessed: 'block',
    classes: [],
    policy: [],
    missingControls: ['expand-contract'],
    change: { changedFiles: ['db/migrations/1.sql'] },
    evidence: { 'database.expandVerified': true },
    changeKey: 'k1',
    deploymentId: 'dep-1',
    artifactDigest: `sha256:${'a'.repeat(64)}`,
    commitSha: 'abc1234',
    actor: 'service:pipelines',
    decidedAt: T0,
    override: null,
    overrideOf: null,
    ...overrides,
  };
}

const audits = (knex: Knex, subjectType: string) =>
  knex('audit_log').where('subject_type', subjectType).orderBy('seq');

describe('governance stores', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    const db = setUpMigratedDatabase(databases, databaseId);

    it('records readiness decisions, overrides a blocked one exactly once and finds it by change', async () => {
      const store = new KnexReadinessStore(db.knex);
      await store.record(decision('d1'), [
        { actor: 'service:pipelines', action: 'readiness.block', subjectType: 'deployment', subjectId: 'dep-1' },
      ]);
      await store.record(decision('d2', { assessed: 'allow', changeKey: 'k2', missingControls: [] }), []);

      const stored = await store.get('d1');
      expect(stored).toEqual(decision('d1'));
      expect(await store.findOverride('k1')).toBeUndefined();

      const override = { by: 'user:default/ada', reason: 'hotfix for incident 17', at: T0 + HOUR };
      const audit = [{ actor: 'user:default/ada', action: 'readiness.override', subjectType: 'readiness-decision', subjectId: 'd1' }];
      expect(await store.override('d1', override, audit)).toBe(true);
      expect(await store.override('d1', { ...override, by: 'user:default/bob' }, audit)).toBe(false);
      expect(await store.override('d2', override, audit)).toBe(false);
      expect((await store.get('d1'))!.override).toEqual(override);
      expect((await store.findOverride('k1'))!.id).toBe('d1');
      expect((await audits(db.knex, 'readiness-decision')).map(a => [a.action, a.actor])).toEqual([
        ['readiness.override', 'user:default/ada'],
      ]);
      expect((await audits(db.knex, 'deployment')).map(a => a.action)).toEqual(['readiness.block']);
    });

    it('lists the decisions of a release by deployment, artifact or commit within its entity', async () => {
      const store = new KnexReadinessStore(db.knex);
      await store.record(decision('r1', { deploymentId: null, commitSha: 'fff0000', artifactDigest: `sha256:${'b'.repeat(64)}`, decidedAt: T0 + 1 }), []);
      await store.record(decision('r2', { deploymentId: null, commitSha: 'fff0000', artifactDigest: null, decidedAt: T0 + 2 }), []);
      await store.record(decision('r3', { entityRef: 'component:default/other', deploymentId: null, commitSha: 'fff0000', artifactDigest: null, decidedAt: T0 + 3 }), []);
      const found = await store.listForRelease(
        'component:default/payments',
        { deploymentId: 'none', artifactDigest: `sha256:${'b'.repeat(64)}`, commitSha: 'fff0000' },
        10,
      );
      expect(found.map(d => d.id)).toEqual(['r2', 'r1']);
      expect(await store.listForRelease('component:default/payments', {}, 10)).toEqual([]);
    });

    it('writes nothing when the audit entry of a decision cannot be written', async () => {
      const store = new KnexReadinessStore(db.knex);
      const badAudit = [{ actor: 'x', action: 'a'.repeat(300), subjectType: 'deployment', subjectId: 'dep-1' }];
      // PostgreSQL rejects the over-long action; SQLite does not enforce lengths, so force a failure there
      const failing = databaseId.startsWith('SQLITE')
        ? [{ ...badAudit[0], subjectId: null as unknown as string }]
        : badAudit;
      // better-sqlite3 errors may come from another realm, so match the message, not the class
      await expect(store.record(decision('atomic'), failing)).rejects.toHaveProperty(
        'message',
        expect.stringMatching(/NOT NULL|too long/),
      );
      expect(await store.get('atomic')).toBeUndefined();
    });

    it('opens drift, keeps it open while reported and closes it on a later clean report of the same scope', async () => {
      const store = new KnexDriftStore(db.knex);
      const payments = 'component:default/payments';
      const base = { source: 'tf:prod', scope: '*', format: 'terraform' as const, actor: 'service:tf' };
      const drifted = (address: string, entityRef: string | null = payments) => ({
        address, entityRef, drifted: true, kind: 'drift' as const, details: { actions: ['update'] },
      });
      const clean = (address: string, entityRef: string | null = payments) => ({
        address, entityRef, drifted: false, kind: 'pending-change' as const, details: null,
      });

      const first = await store.applyReport({ ...base, observedAt: T0, resources: [drifted('aws_s3_bucket.a'), drifted('aws_iam_role.r', null), clean('aws_sqs_queue.q')] });
      expect(first).toMatchObject({ stale: false, drifted: 2, opened: 2, closed: 0, unattributed: 1 });

      const second = await store.applyReport({ ...base, observedAt: T0 + HOUR, resources: [drifted('aws_s3_bucket.a'), clean('aws_iam_role.r', null)] });
      expect(second).toMatchObject({ opened: 0, closed: 1, drifted: 1 });
      let listed = await store.listForEntity(payments, 10);
      expect(listed.open.map(i => [i.address, i.openedAt, i.lastSeenAt])).toEqual([['aws_s3_bucket.a', T0, T0 + HOUR]]);

      // an older report arriving late is kept but decides nothing
      const late = await store.applyReport({ ...base, observedAt: T0 - HOUR, resources: [] });
      expect(late).toMatchObject({ stale: true, closed: 0 });
      expect((await store.listForEntity(payments, 10)).open).toHaveLength(1);

      // a report scoped to another entity leaves this one's drift alone
      await store.applyReport({ ...base, scope: 'component:default/other', observedAt: T0 + 2 * HOUR, resources: [] });
      expect((await store.listForEntity(payments, 10)).open).toHaveLength(1);

      const cleanReport = await store.applyReport({ ...base, scope: payments, observedAt: T0 + 3 * HOUR, resources: [clean('aws_s3_bucket.a')] });
      expect(cleanReport).toMatchObject({ closed: 1, opened: 0 });
      listed = await store.listForEntity(payments, 10);
      expect(listed.open).toEqual([]);
      expect(listed.closed[0]).toMatchObject({ address: 'aws_s3_bucket.a', status: 'closed', closedAt: T0 + 3 * HOUR, details: { actions: ['update'] } });

      const reports = await db.knex('drift_reports').where('source', 'tf:prod').orderBy('observed_at');
      expect(reports.map(r => Boolean(r.stale))).toEqual([true, false, false, false, false]);
    });

    it('refuses a second open item for the same resource', async () => {
      const row = {
        source: 'race',
        entity_ref: null,
        address: 'aws_s3_bucket.a',
        kind: 'drift',
        status: 'open',
        opened_at: T0,
        last_seen_at: T0,
        opened_report_id: 'r1',
      };
      await db.knex('drift_items').insert(row);
      await expect(db.knex('drift_items').insert({ ...row, opened_report_id: 'r2' })).rejects.toHaveProperty(
        'message',
        expect.stringMatching(/unique|UNIQUE/),
      );
      await db.knex('drift_items').insert({ ...row, status: 'closed', opened_report_id: 'r3' });
    });

    it('records break-glass changes, reconciles once and flags overdue ones once', async () => {
      const store = new KnexBreakGlassStore(db.knex);
      const entry = (id: string, reconcileBy: number) => ({
        id,
        entityRef: 'component:default/payments',
        environment: 'production',
        performedBy: 'user:default/ada',
        recordedBy: 'user:default/ada',
        what: 'scaled the database by hand',
        why: 'incident 17',
        performedAt: T0,
        recordedAt: T0,
        reconcileBy,
        reconciliation: null,
      });
      await store.record(entry('bg-1', T0 + HOUR), [{ actor: 'user:default/ada', action: 'break-glass.recorded', subjectType: 'break-glass', subjectId: 'bg-1' }]);
      await store.record(entry('bg-2', T0 + 48 * HOUR), []);
      expect(await store.get('bg-1')).toEqual(entry('bg-1', T0 + HOUR));

      const flagged = await store.flagOverdue(T0 + 2 * HOUR);
      expect(flagged.map(f => f.id)).toEqual(['bg-1']);
      expect(await store.flagOverdue(T0 + 3 * HOUR)).toEqual([]);

      const reconciliation = { at: T0 + 4 * HOUR, by: 'user:default/bob', link: 'https://git.example.com/pr/9', note: null };
      expect(await store.reconcile('bg-1', reconciliation, [])).toBe(true);
      expect(await store.reconcile('bg-1', reconciliation, [])).toBe(false);
      expect((await store.get('bg-1'))!.reconciliation).toEqual(reconciliation);

      const listed = await store.listForEntities(['component:default/payments', 'component:default/none'], 10);
      expect(listed.map(e => e.id).sort()).toEqual(['bg-1', 'bg-2']);
      expect((await audits(db.knex, 'break-glass')).map(a => [a.action, a.subject_id])).toEqual([
        ['break-glass.recorded', 'bg-1'],
        ['break-glass.overdue', 'bg-1'],
      ]);
    });
  });
});
