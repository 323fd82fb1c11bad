import {
  evaluateControl,
  evaluateMandatoryTests,
  GreenlightEvent,
  ReadinessFacts,
} from '@greenlight/backstage-plugin-greenlight-common';
import { createTestDatabases } from '@greenlight/test-utils';
import { Knex } from 'knex';
import { ingestByEntityRef } from '../__testUtils__/ingestByEntityRef';
import { KnexLedgerStore } from '../database/KnexLedgerStore';
import { applyMigrations } from '../database/migrations';
import { ChecklistService } from './checklistService';
import { component, digest } from './__testUtils__/backend';
import { ChangeIdentity, LedgerFacts } from './ledgerFacts';
import { ProvenanceVerdicts } from './provenanceVerdicts';

jest.setTimeout(120_000);

const A = 'component:default/team-a-service';
const B = 'component:default/team-b-service';
/** A's artifact, and the commit it was built from, which B shares (a monorepo). */
const D = digest('d');
const SHA = 'ad'.repeat(20);
const identity: ChangeIdentity = { artifactDigest: D, commitSha: SHA };

const NOW = Date.parse('2026-11-20T12:00:00Z');
const HOUR = 3600_000;
const at = (hoursAgo: number) => new Date(NOW - hoursAgo * HOUR).toISOString();
const environments = [
  { name: 'production', tier: 'production' as const, order: 0 },
];

const run = (
  id: string,
  entityRef: string | undefined,
  suite: string,
  tie: { artifactDigest?: string; commitSha?: string },
): GreenlightEvent =>
  ({
    id: `evt-${id}`,
    type: 'test.run',
    ...(entityRef ? { entityRef } : {}),
    testRun: { id, suite, outcome: 'passed', ...tie, finishedAt: at(3) },
  } as GreenlightEvent);

/** A's production deployment of D, started after every run below finished. */
const deployed: GreenlightEvent = {
  id: 'evt-a-prod',
  type: 'deployment.finished',
  entityRef: A,
  deployment: {
    id: 'a-prod',
    environment: 'production',
    status: 'succeeded',
    strategy: 'all-at-once',
    intent: 'planned',
    artifactDigest: D,
    commitSha: SHA,
    startedAt: at(2),
    finishedAt: at(1),
  },
} as GreenlightEvent;

/**
 * A test run is evidence a pipeline asserts. Read by artifact, build or commit alone, team B's
 * pipeline, allowed to write only its own entity, could post passing runs of team A's digest or
 * commit under B's entity and pass A's readiness controls and checklist.
 */
describe('test runs count as evidence for their own entity', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let ledger: LedgerFacts;
    let send: (events: GreenlightEvent[]) => Promise<unknown>;

    const facts = async (entityRef: string): Promise<ReadinessFacts> => ({
      environment: 'production',
      evidence: {},
      rollbackMechanisms: [],
      change: identity,
      testRuns: await ledger.testRuns(identity, entityRef),
      provenance: { status: 'unknown' },
    });
    const controls = async (entityRef: string) => {
      const f = await facts(entityRef);
      return {
        'security-scan': evaluateControl('security-scan', f).satisfied,
        'compatibility-tests': evaluateControl('compatibility-tests', f)
          .satisfied,
        'mandatory-tests': evaluateMandatoryTests(f).satisfied,
      };
    };
    const checklistOfA = async () => {
      const checklist = new ChecklistService({
        ledger,
        provenance: new ProvenanceVerdicts(knex, new Set()),
        environments,
        rollbackMechanisms: () => [],
        now: () => NOW,
      });
      const { checks } = await checklist.checklist(component('team-a-service'));
      const check = checks.find(c => c.id === 'mandatory-tests')!;
      return [check.status, check.reason];
    };
    /** The test runs A's release detail lists (the Delivery tab's drawer). */
    const releaseTestsOfA = async () =>
      (await new KnexLedgerStore(knex).getRelease('a-prod'))!.tests
        .map(t => t.id)
        .sort();
    const untestedOfA = async () =>
      (
        await ledger.untestedDeployments(
          A,
          ['production'],
          NOW - 24 * HOUR,
          NOW + 1,
        )
      ).map(d => d.id);

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await applyMigrations(knex);
      ledger = new LedgerFacts(knex);
      const ingest = ingestByEntityRef(knex);
      send = events =>
        ingest.ingest({
          source: 'native',
          actor: 'service:pipeline',
          events,
          authorize: async () => {},
        });
      await send([deployed]);
      // B's pipeline posts passing runs of A's digest and of the shared commit, under B.
      await send([
        run('b-trivy', B, 'trivy', { artifactDigest: D }),
        run('b-pact', B, 'pact', { artifactDigest: D }),
        run('b-unit', B, 'unit', { commitSha: SHA }),
      ]);
    });
    afterAll(async () => {
      await knex.destroy();
    });

    it('leaves another team’s passing runs of the entity’s digest and commit out of its readiness controls', async () => {
      expect(await controls(A)).toEqual({
        'security-scan': false,
        'compatibility-tests': false,
        'mandatory-tests': false,
      });
      expect(await ledger.testRuns(identity, A)).toEqual([]);
      // B still reads its own runs.
      expect(
        (await ledger.testRuns(identity, B)).map(r => r.id).sort(),
      ).toEqual(['b-pact', 'b-trivy', 'b-unit']);
    });

    it('leaves them out of its production-grade checklist', async () => {
      expect(await checklistOfA()).toEqual([
        'fail',
        expect.stringMatching(/a-prod$/),
      ]);
      expect(await untestedOfA()).toEqual(['a-prod']);
    });

    it('leaves them out of its release detail', async () => {
      expect(await releaseTestsOfA()).toEqual([]);
    });

    it('counts the entity’s own runs and those that matched no entity', async () => {
      await send([run('a-trivy', A, 'trivy', { artifactDigest: D })]);
      expect(
        (await ledger.testRuns(identity, A)).map(r => [r.id, r.matchedBy]),
      ).toEqual([['a-trivy', 'artifact']]);
      expect(await controls(A)).toEqual({
        'security-scan': true,
        'compatibility-tests': false,
        'mandatory-tests': true,
      });
      expect(await untestedOfA()).toEqual([]);
      expect((await checklistOfA())[0]).toBe('pass');

      // A run no entity matched (only an unscoped service can write one) is every entity's evidence.
      await send([
        run('unmatched-pact', undefined, 'pact', { commitSha: SHA }),
      ]);
      expect(
        await knex('test_runs')
          .where('id', 'unmatched-pact')
          .first('entity_ref'),
      ).toEqual({ entity_ref: null });
      expect(
        (await ledger.testRuns(identity, A)).map(r => r.id).sort(),
      ).toEqual(['a-trivy', 'unmatched-pact']);
      expect((await controls(A))['compatibility-tests']).toBe(true);
      expect(await releaseTestsOfA()).toEqual(['a-trivy', 'unmatched-pact']);
    });
  });
});
