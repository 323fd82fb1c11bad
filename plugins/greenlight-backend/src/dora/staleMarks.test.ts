import { ingestByEntityRef } from '../__testUtils__/ingestByEntityRef';
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { EnvironmentConfig } from '../config';
import { applyMigrations } from '../database/migrations';
import {
  deployment,
  ENVIRONMENTS,
  incident,
} from './__testUtils__/doraBackend';
import { StaleMark } from './DoraStore';
import { DeploymentRow, tierResolver, toDoraDeployment } from './ledgerInputs';
import { BatchFolds, NewEventRow } from '../database/LedgerStore';
import {
  changesOfBatch,
  changesOfDeployments,
  LedgerChanges,
  previousSuccessOf,
  previousSuccesses,
  staleMarksFor,
} from './staleMarks';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const tierOf = tierResolver(
  ENVIRONMENTS.map((e, order) => ({ ...e, order } as EnvironmentConfig)),
);
const ENTITIES = Array.from({ length: 30 }, (_, i) => `svc-${i}`);
const PLACES = ['production', 'production-eu', 'staging'];

const day = (d: number, hour = 10) =>
  new Date(Date.UTC(2026, 5, 1 + d, hour)).toISOString();

/**
 * Every entity in every environment: a run of deployments, some failed, some rolled back or
 * replaced by a hotfix, some blamed for an incident, with several successes between.
 */
function history(): GreenlightEvent[] {
  const events: GreenlightEvent[] = [];
  ENTITIES.forEach((entity, e) => {
    for (const environment of PLACES) {
      const id = (n: number) => `${entity}-${environment}-${n}`;
      for (let n = 0; n < 8; n++) {
        const failed = (n + e) % 5 === 3;
        events.push(
          deployment(
            id(n),
            entity,
            environment,
            failed ? 'failed' : 'succeeded',
            day(n * 2 + (e % 3), 10 + (n % 4)),
          ),
        );
      }
      if (e % 2 === 0) {
        events.push(
          deployment(id(90), entity, environment, 'succeeded', day(9, 12), {
            intent: 'hotfix',
            replaces: id(4),
          }),
        );
      }
      if (e % 3 === 0) {
        events.push(
          incident(`${id(5)}-incident`, [entity], day(12, 9), {
            deploymentId: id(5),
          }),
        );
      }
    }
  });
  return events;
}

async function setup(knex: Knex) {
  await applyMigrations(knex);
  const ingest = ingestByEntityRef(knex);
  const events = history();
  for (let i = 0; i < events.length; i += 200) {
    await ingest.ingest({
      source: 'native',
      events: events.slice(i, i + 200),
      actor: 'service:test',
    });
  }
}

/** The earliest marked day per entity, as the store keeps them. */
function earliest(marks: StaleMark[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of marks)
    if (!out[m.entityRef] || m.fromDay < out[m.entityRef])
      out[m.entityRef] = m.fromDay;
  return out;
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

describe('stale marks of a batch touching many entity-environments', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'equal the marks of each entity-environment on its own, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await setup(knex);

      // A later batch touching one deployment in the middle of every entity's every environment.
      const touched = ENTITIES.flatMap(entity =>
        PLACES.map(environment => `${entity}-${environment}-5`),
      );
      const changes = await changesOfDeployments(knex, touched);
      expect(changes.deployments).toHaveLength(ENTITIES.length * PLACES.length);

      const batched = await staleMarksFor(knex, tierOf, changes);
      const perPlace: StaleMark[] = [];
      for (const row of changes.deployments) {
        const one: LedgerChanges = { ...changes, deployments: [row] };
        perPlace.push(...(await staleMarksFor(knex, tierOf, one)));
      }
      expect(earliest(batched)).toEqual(earliest(perPlace));
      // Marks reach before the touched deployments: the previous successes and the failures
      // they may now restore are part of the answer.
      expect(Object.keys(earliest(batched))).toHaveLength(ENTITIES.length);

      const current = changes.deployments.map(row =>
        toDoraDeployment(row, tierOf),
      );
      const found = await previousSuccesses(knex, current);
      const expected: DeploymentRow[] = [];
      for (const d of current.filter(c => c.tier === 'production')) {
        // The lookup as one statement per entity and environment, as before batching.
        const [row] = await previousSuccessOf(knex, d);
        if (row) expected.push(row);
      }
      expect(expected.length).toBeGreaterThan(ENTITIES.length);
      expect([...found].sort(byId)).toEqual([...expected].sort(byId));
    },
  );
});

describe('the folds a write hands its listeners', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'equal the changes read back from the ledger after it, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await setup(knex);
      const heard: Array<{ rows: NewEventRow[]; folds: BatchFolds }> = [];
      const ingest = ingestByEntityRef(knex);
      ingest.onApplied(async (rows, folds) => {
        heard.push({ rows, folds });
      });
      await ingest.ingest({
        source: 'native',
        actor: 'service:test',
        events: [
          // a deployment the ledger holds, reported again as rolled back: before and after
          {
            ...deployment(
              'svc-1-production-2',
              'svc-1',
              'production',
              'rolled-back',
              day(5),
            ),
            id: 'svc-1-production-2-again',
          },
          // a new one: after only
          deployment(
            'svc-2-production-50',
            'svc-2',
            'production',
            'succeeded',
            day(20),
          ),
          // an incident the ledger holds, now resolved, and a new one placed on a deployment
          incident('svc-0-production-5-incident', ['svc-0'], day(12, 9), {
            deploymentId: 'svc-0-production-5',
            resolvedAt: day(13),
          }),
          incident('svc-3-new-incident', ['svc-3'], day(14), {
            deploymentId: 'svc-3-production-4',
          }),
        ],
      });
      expect(heard).toHaveLength(1);
      const [{ rows, folds }] = heard;
      const sorted = (c: Awaited<ReturnType<typeof changesOfBatch>>) => ({
        deployments: [...c.deployments].sort(byId),
        previousDeployments: [...c.previousDeployments].sort(byId),
        incidents: [...c.incidents].sort(byId),
        previousIncidents: [...c.previousIncidents].sort(byId),
        arrivedCommits: [...c.arrivedCommits].sort((a, b) =>
          a.sha.localeCompare(b.sha),
        ),
      });
      const readBack = sorted(await changesOfBatch(knex, rows));
      expect(sorted(await changesOfBatch(knex, rows, folds))).toEqual(readBack);
      expect(readBack.deployments.map(d => d.id)).toEqual([
        'svc-1-production-2',
        'svc-2-production-50',
      ]);
      expect(readBack.previousDeployments.map(d => d.id)).toEqual([
        'svc-1-production-2',
      ]);
      expect(readBack.incidents.map(i => i.id)).toEqual([
        'svc-0-production-5-incident',
        'svc-3-new-incident',
      ]);
      expect(readBack.previousIncidents.map(i => i.id)).toEqual([
        'svc-0-production-5-incident',
      ]);
    },
  );
});

describe('stale marks of commit details', () => {
  const databases = createTestDatabases();
  const SHA = 'ab'.repeat(20);
  const A = 'component:default/svc-a';
  const B = 'component:default/svc-b';

  it.each(databases.eachSupportedId())(
    'reach only the entity whose details they are, or every deployer for unmatched ones, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const ingest = ingestByEntityRef(knex);
      // Both entities deployed the same commit (a shared library pinned by SHA, a fork).
      await ingest.ingest({
        source: 'native',
        actor: 'service:test',
        events: [A, B].map(
          (entityRef, i): GreenlightEvent => ({
            id: `deployed-${i}`,
            type: 'deployment.finished',
            entityRef,
            deployment: {
              id: `d-${i}`,
              environment: 'production',
              status: 'succeeded',
              strategy: 'all-at-once',
              intent: 'planned',
              commitSha: SHA,
              finishedAt: day(i + 1),
            },
          }),
        ),
      });
      const marksOf = async (entityRef: string | null) =>
        earliest(
          await staleMarksFor(knex, tierOf, {
            ...(await changesOfDeployments(knex, [])),
            arrivedCommits: [{ sha: SHA, entityRef }],
          }),
        );
      // A's report changes only what A reads.
      expect(await marksOf(A)).toEqual({ [A]: '2026-06-02' });
      // A GitHub push that matched no entity leaves no details, so it marks nobody; unmatched
      // details an unscoped service reports are read by every entity without its own.
      const unmatched = (id: string): NewEventRow => ({
        id,
        source: id.split(':')[0],
        subjectKey: `commits:${id}`,
        eventTime: 0,
        receivedAt: 0,
        actor: 'test',
        entityRef: null,
        mappingKeys: {},
        event: {
          id,
          type: 'commits',
          commits: [
            { sha: SHA, repository: 'github.com/acme/x', committedAt: day(0) },
          ],
        },
      });
      expect(
        (await changesOfBatch(knex, [unmatched('github:push')])).arrivedCommits,
      ).toEqual([]);
      expect(
        (await changesOfBatch(knex, [unmatched('native:report')]))
          .arrivedCommits,
      ).toEqual([{ sha: SHA, entityRef: null }]);
      expect(await marksOf(null)).toEqual({
        [A]: '2026-06-02',
        [B]: '2026-06-03',
      });
    },
  );
});
