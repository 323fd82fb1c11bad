import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { staticResolver } from '../__testUtils__/demoServices';
import { KnexLedgerStore } from '../database/KnexLedgerStore';
import { applyMigrations } from '../database/migrations';
import { IngestService } from '../service/IngestService';
import { ChecklistService } from './checklistService';
import { component, digest } from './__testUtils__/backend';
import { LedgerFacts } from './ledgerFacts';
import { ProvenanceVerdicts } from './provenanceVerdicts';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const NOW = Date.parse('2026-11-20T12:00:00Z');
const DAY = 24 * 3600_000;
const daysAgo = (d: number) => new Date(NOW - d * DAY).toISOString();
const environments = [
  { name: 'staging', tier: 'staging' as const, order: 0 },
  { name: 'production', tier: 'production' as const, order: 1 },
];

function deploy(
  service: string,
  id: string,
  d: string,
  ago: number,
  extra: Record<string, unknown> = {},
): GreenlightEvent {
  return {
    id: `evt-${id}`,
    type: 'deployment.finished',
    serviceId: service,
    deployment: {
      id,
      environment: 'production',
      status: 'succeeded',
      strategy: 'canary',
      intent: 'planned',
      artifactDigest: digest(d),
      commitSha: `${d}${d}${d}${d}${d}${d}${d}`,
      startedAt: daysAgo(ago),
      finishedAt: daysAgo(ago - 0.01),
      ...extra,
    },
  } as GreenlightEvent;
}

function tested(service: string, d: string, ago: number, outcome = 'passed'): GreenlightEvent {
  return {
    id: `evt-test-${d}-${ago}`,
    type: 'test.run',
    serviceId: service,
    testRun: { id: `test-${d}-${ago}`, suite: 'unit', outcome, artifactDigest: digest(d), finishedAt: daysAgo(ago) },
  } as GreenlightEvent;
}

/**
 * good: every production deployment tested first and canary; production runs a verified,
 *   traced artifact; SLO gates; its team reviewed DORA five days ago.
 * bad: an untested all-at-once deployment; production runs an artifact with an invalid
 *   attestation; no SLO; its team's review is 40 days old.
 * idle: never deployed to production and owned by a user.
 */
const history: GreenlightEvent[] = [
  deploy('good', 'good-old', '1', 120), // untested, but outside the 90-day window
  tested('good', '2', 30),
  deploy('good', 'good-1', '2', 20),
  tested('good', '3', 10),
  deploy('good', 'good-2', '3', 9, { strategy: 'blue-green' }),
  deploy('good', 'good-rollback', '2', 8, { strategy: 'all-at-once', intent: 'rollback', rollbackOf: 'good-2' }),
  tested('good', '3', 7.5),
  deploy('good', 'good-3', '3', 7),
  tested('bad', '4', 15),
  deploy('bad', 'bad-1', '4', 14),
  tested('bad', '5', 2), // passed only after bad-2 went out
  deploy('bad', 'bad-2', '5', 3, { strategy: 'all-at-once' }),
  tested('bad', '6', 1, 'failed'),
];

const entities: Record<string, Entity> = {
  good: component('good', { annotations: { 'greenlight.dev/slo': 'slo/good.yaml' } }),
  bad: component('bad', { owner: 'group:default/team-b' }),
  idle: component('idle', { owner: 'user:default/ada' }),
};

describe('production-grade checklist', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let checklist: ChecklistService;
    let rollbackMechanisms: string[];

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const store = new KnexLedgerStore(knex);
      const ingest = new IngestService(store, staticResolver, mockServices.logger.mock());
      await ingest.ingest({ source: 'native', events: history, actor: 'service:ci' });

      const verdict = (d: string, status: string, sourceCommit: string | null) => ({
        attestation_id: `att-${d}`,
        artifact_digest: digest(d),
        verifier: 'greenlight',
        status,
        reason: status === 'invalid' ? 'signature does not verify' : null,
        source_commit: sourceCommit,
        verified_at: NOW - DAY,
        policy_fingerprint: 'p1',
      });
      await knex('attestation_verdicts').insert([
        verdict('3', 'verified', '3333333'),
        verdict('5', 'verified', null),
        { ...verdict('5', 'invalid', null), attestation_id: 'att-5b' },
      ]);
      await knex('audit_log').insert([
        { at: NOW - 5 * DAY, actor: 'user:default/ada', action: 'dora.review.signed', subject_type: 'group', subject_id: 'group:default/team-a' },
        // too old to count
        { at: NOW - 40 * DAY, actor: 'user:default/bob', action: 'dora.review.signed', subject_type: 'group', subject_id: 'group:default/team-b' },
        // opening or exporting the figures is not a review
        { at: NOW - 2 * DAY, actor: 'user:default/bob', action: 'dora.review.viewed', subject_type: 'group', subject_id: 'group:default/team-b' },
        { at: NOW - 2 * DAY, actor: 'user:default/bob', action: 'dora.review.exported', subject_type: 'group', subject_id: 'group:default/team-b' },
        { at: NOW - DAY, actor: 'user:default/bob', action: 'dora.metrics.viewed', subject_type: 'group', subject_id: 'group:default/team-b' },
      ]);

      rollbackMechanisms = ['rollback executor argo'];
      checklist = new ChecklistService({
        ledger: new LedgerFacts(knex),
        provenance: new ProvenanceVerdicts(knex, new Set()),
        environments,
        rollbackMechanisms: () => rollbackMechanisms,
        now: () => NOW,
      });
    });
    afterAll(async () => {
      await knex.destroy();
    });

    const statuses = async (name: string) =>
      Object.fromEntries((await checklist.checklist(entities[name])).checks.map(c => [c.id, [c.status, c.reason]]));

    it('passes every check for a service that earns them', async () => {
      const result = await checklist.checklist(entities.good);
      expect(result.entityRef).toBe('component:default/good');
      expect(result.checks.map(c => [c.id, c.status])).toEqual([
        ['mandatory-tests', 'pass'],
        ['signed-traceable', 'pass'],
        ['progressive-rollback', 'pass'],
        ['dora-reviewed', 'pass'],
      ]);
      const checks = await statuses('good');
      expect(checks['mandatory-tests'][1]).toMatch(/all 4 production deployment\(s\)/);
      expect(checks['progressive-rollback'][1]).toMatch(/3 production deployment\(s\) were canary or blue-green/);
      expect(checks['dora-reviewed'][1]).toMatch(/group:default\/team-a review signed off by user:default\/ada/);
    });

    it('fails each check with the reason for a service that does not', async () => {
      const checks = await statuses('bad');
      expect(checks['mandatory-tests']).toEqual(['fail', expect.stringMatching(/1 of 2 production deployment\(s\).*: bad-2$/)]);
      expect(checks['signed-traceable']).toEqual(['fail', expect.stringMatching(/is invalid \(signature does not verify\)/)]);
      expect(checks['progressive-rollback']).toEqual([
        'fail',
        expect.stringMatching(/1 of 2 .*bad-2 \(all-at-once\); no SLO gates/),
      ]);
      expect(checks['dora-reviewed']).toEqual(['fail', expect.stringMatching(/group:default\/team-b has not signed off/)]);
    });

    it('fails the positive checks when nothing runs in production, and needs a team owner', async () => {
      const checks = await statuses('idle');
      expect(checks['mandatory-tests'][0]).toBe('pass');
      expect(checks['signed-traceable']).toEqual(['fail', 'nothing runs in production yet']);
      expect(checks['progressive-rollback'][1]).toMatch(/no production deployment in the last 90 days/);
      expect(checks['dora-reviewed']).toEqual(['fail', 'owned by user:default/ada, not a team']);
    });

    it('fails progressive rollback without an automated rollback mechanism', async () => {
      rollbackMechanisms = [];
      try {
        const checks = await statuses('good');
        expect(checks['progressive-rollback']).toEqual(['fail', expect.stringMatching(/no automated rollback/)]);
      } finally {
        rollbackMechanisms = ['rollback executor argo'];
      }
    });
  });
});
