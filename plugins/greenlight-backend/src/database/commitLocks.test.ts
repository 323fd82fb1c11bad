import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { insertNewEvents } from './eventWriter';
import { NewEventRow } from './LedgerStore';
import { applyMigrations } from './migrations';
import { reproject, writeTransaction } from './projectionWriter';
import { createTestDatabases } from '@greenlight/test-utils';

// Migrations on a fresh PostgreSQL database alone can take seconds on a busy CI runner.
jest.setTimeout(60_000);

const SHA = 'a'.repeat(40);

/** A successful production deployment of `svc` carrying commit SHA, finished at `at`. */
function deployment(id: string, at: string): NewEventRow {
  const event: GreenlightEvent = {
    id: `e-${id}`,
    type: 'deployment.finished',
    serviceId: 'svc',
    deployment: {
      id,
      environment: 'production',
      status: 'succeeded',
      strategy: 'all-at-once',
      intent: 'planned',
      commitSha: SHA,
      finishedAt: at,
    },
  } as GreenlightEvent;
  return {
    id: `native:e-${id}`,
    source: 'native',
    subjectKey: `deployment:${id}`,
    eventTime: Date.parse(at),
    receivedAt: Date.now(),
    actor: 'service:test',
    entityRef: 'component:default/svc',
    mappingKeys: { serviceId: 'svc' },
    event,
  };
}

describe('first arrivals of a commit written by two transactions at once', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'on %p, name the earlier deployment, whichever transaction commits last',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      // The earlier deployment's transaction writes first and commits last; without the
      // commit lock the later one, seeing only its own deployment, would record itself as
      // the commit's first arrival.
      const earlier = await knex.transaction();
      await insertNewEvents(earlier, [
        deployment('d-early', '2026-05-01T10:00:00Z'),
      ]);
      await reproject(earlier, ['deployment:d-early']);

      let laterDone = false;
      const later =
        knex.client.config.client === 'pg'
          ? writeTransaction(knex, async (tx, locking) => {
              await insertNewEvents(tx, [
                deployment('d-late', '2026-05-02T10:00:00Z'),
              ]);
              // Started again, with the entity's links locked, when they are held.
              await reproject(tx, ['deployment:d-late'], locking);
              laterDone = true;
            })
          : Promise.resolve();
      await new Promise(r => setTimeout(r, 300));
      const finishedBeforeEarlierCommitted = laterDone;
      await earlier.commit();
      await later;
      if (knex.client.config.client !== 'pg') {
        // SQLite admits one writer at a time: the later deployment simply comes second.
        await knex.transaction(async tx => {
          await insertNewEvents(tx, [
            deployment('d-late', '2026-05-02T10:00:00Z'),
          ]);
          await reproject(tx, ['deployment:d-late']);
        });
      }

      expect(finishedBeforeEarlierCommitted).toBe(false);
      expect(
        await knex('environment_commits').select(
          'environment',
          'commit_sha',
          'first_deployment_id',
        ),
      ).toEqual([
        {
          environment: 'production',
          commit_sha: SHA,
          first_deployment_id: 'd-early',
        },
      ]);
      await knex.destroy();
    },
  );
});
