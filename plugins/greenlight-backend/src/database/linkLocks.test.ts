import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { insertNewEvents } from './eventWriter';
import { NewEventRow } from './LedgerStore';
import { applyMigrations } from './migrations';
import { reproject, writeTransaction } from './projectionWriter';
import { lockForWrite } from './subjectLocks';
import { IncidentAttributions } from '../incidents/IncidentAttributions';
import { createTestDatabases } from '@greenlight/test-utils';

const ENTITY = 'component:default/svc';
const DIGEST = `sha256:${'d'.repeat(64)}`;
const SHA = 'c'.repeat(40);
/** Two databases are set up per case, and a writer is made to wait on purpose. */
const TIMEOUT_MS = 60_000;

function row(subjectKey: string, at: string, event: object): NewEventRow {
  const e = event as GreenlightEvent;
  return {
    id: `native:${e.id}`,
    source: 'native',
    subjectKey,
    eventTime: Date.parse(at),
    receivedAt: Date.now(),
    actor: 'service:test',
    entityRef: ENTITY,
    mappingKeys: {},
    event: e,
  };
}

/** A deployment of DIGEST to production that names no commit of its own. */
const deployment = row('deployment:d1', '2026-05-01T10:00:00Z', {
  id: 'e-d1',
  type: 'deployment.finished',
  entityRef: ENTITY,
  deployment: {
    id: 'd1',
    environment: 'production',
    status: 'succeeded',
    strategy: 'all-at-once',
    intent: 'planned',
    artifactDigest: DIGEST,
    startedAt: '2026-05-01T09:55:00Z',
    finishedAt: '2026-05-01T10:00:00Z',
  },
});

/** An incident that names where it hit (production, DIGEST) but no deployment. */
const incident = row('incident:i1', '2026-05-01T11:00:00Z', {
  id: 'e-i1',
  type: 'incident.opened',
  entityRef: ENTITY,
  incident: {
    id: 'i1',
    detectedAt: '2026-05-01T11:00:00Z',
    environment: 'production',
    artifactDigest: DIGEST,
    entityRefs: [ENTITY],
  },
});

/** The artifact DIGEST, built from commit SHA. */
const artifact = row(`artifact:${DIGEST}`, '2026-05-01T09:00:00Z', {
  id: 'e-a1',
  type: 'artifact',
  entityRef: ENTITY,
  artifact: { digest: DIGEST, name: 'svc', commitSha: SHA },
});

/**
 * Writes `first` in a transaction left open while `second` is written in another, then
 * commits `first`. Neither side's rows are visible to the other until it commits, so
 * without locks on the links between them each would miss the other.
 */
async function writeBothAtOnce(
  knex: Knex,
  first: NewEventRow,
  second: NewEventRow,
) {
  const open = await knex.transaction();
  await insertNewEvents(open, [first]);
  await reproject(open, [first.subjectKey]);
  let secondDone = false;
  const write = (value: NewEventRow) =>
    writeTransaction(knex, async (tx, locking) => {
      await insertNewEvents(tx, [value]);
      await reproject(tx, [value.subjectKey], locking);
    });
  const later =
    knex.client.config.client === 'pg'
      ? write(second).then(() => {
          secondDone = true;
        })
      : Promise.resolve();
  await new Promise(r => setTimeout(r, 300));
  const finishedFirst = secondDone;
  await open.commit();
  await later;
  // SQLite admits one writer at a time: the second simply comes after.
  if (knex.client.config.client !== 'pg') await write(second);
  return { secondFinishedWhileFirstWasOpen: finishedFirst };
}

/** Writes one event in a ledger write of its own. */
async function writeAlone(knex: Knex, value: NewEventRow) {
  await writeTransaction(knex, async (tx, locking) => {
    await insertNewEvents(tx, [value]);
    await reproject(tx, [value.subjectKey], locking);
  });
}

describe('rows linked across subjects, written by two transactions at once', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'on %p, an incident placed by environment and artifact finds the deployment written beside it',
    async databaseId => {
      for (const [first, second] of [
        [incident, deployment],
        [deployment, incident],
      ]) {
        const knex = await databases.init(databaseId);
        await applyMigrations(knex);
        const { secondFinishedWhileFirstWasOpen } = await writeBothAtOnce(
          knex,
          first,
          second,
        );
        expect(secondFinishedWhileFirstWasOpen).toBe(false);
        expect(await knex('incidents').select('id', 'deployment_id')).toEqual([
          { id: 'i1', deployment_id: 'd1' },
        ]);
        await knex.destroy();
      }
    },
    TIMEOUT_MS,
  );

  it.each(databases.eachSupportedId())(
    "on %p, a deployment that names no commit gets its artifact's, whichever is written first",
    async databaseId => {
      for (const [first, second] of [
        [artifact, deployment],
        [deployment, artifact],
      ]) {
        const knex = await databases.init(databaseId);
        await applyMigrations(knex);
        await writeBothAtOnce(knex, first, second);
        expect(
          await knex('deployment_commits').select(
            'deployment_id',
            'commit_sha',
          ),
        ).toEqual([{ deployment_id: 'd1', commit_sha: SHA }]);
        await knex.destroy();
      }
    },
    TIMEOUT_MS,
  );

  it.each(databases.eachSupportedId())(
    'on %p, a subject linked only after the locks were taken is locked before it is re-derived',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      await writeAlone(knex, incident);
      if (knex.client.config.client !== 'pg') {
        await knex.destroy();
        return;
      }
      // Another writer holds the incident while the deployment, which links to it, is
      // written: the deployment's write must wait for it rather than re-derive it unlocked.
      const holder = await knex.transaction();
      await lockForWrite(holder, 'subject', ['incident:i1']);
      let done = false;
      const write = writeTransaction(knex, async (tx, locking) => {
        await insertNewEvents(tx, [deployment]);
        await reproject(tx, [deployment.subjectKey], locking);
      }).then(() => {
        done = true;
      });
      await new Promise(r => setTimeout(r, 300));
      expect(done).toBe(false);
      await holder.commit();
      await write;
      expect(await knex('incidents').select('id', 'deployment_id')).toEqual([
        { id: 'i1', deployment_id: 'd1' },
      ]);
      await knex.destroy();
    },
    TIMEOUT_MS,
  );
});

describe('writers PostgreSQL aborts', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'on %p, a transaction aborted as a deadlock victim is run again and both writes land',
    async databaseId => {
      const knex = await databases.init(databaseId);
      if (knex.client.config.client !== 'pg') {
        await knex.destroy();
        return;
      }
      await knex.raw(
        'create table deadlock_probe (writer text primary key, runs int)',
      );
      // Each writer locks one key, waits until the other holds its own, then asks for the
      // other's: a deadlock PostgreSQL breaks by aborting one of them (40P01).
      let holding = 0;
      const bothHold = async () => {
        holding += 1;
        while (holding < 2) await new Promise(r => setTimeout(r, 10));
      };
      const runs = { a: 0, b: 0 };
      const writer = (name: 'a' | 'b', mine: string, theirs: string) =>
        writeTransaction(knex, async tx => {
          runs[name] += 1;
          await lockForWrite(tx, 'subject', [mine]);
          if (runs[name] === 1) await bothHold();
          await lockForWrite(tx, 'subject', [theirs]);
          await tx('deadlock_probe').insert({ writer: name, runs: runs[name] });
        });
      const results = await Promise.allSettled([
        writer('a', 'deployment:left', 'deployment:right'),
        writer('b', 'deployment:right', 'deployment:left'),
      ]);
      expect(results.map(r => r.status)).toEqual(['fulfilled', 'fulfilled']);
      // One of the two was the victim and ran twice; its first run left nothing behind.
      expect(runs.a + runs.b).toBe(3);
      expect(
        await knex('deadlock_probe').orderBy('writer').select('writer'),
      ).toEqual([{ writer: 'a' }, { writer: 'b' }]);
      await knex.destroy();
    },
    TIMEOUT_MS,
  );

  it.each(databases.eachSupportedId())(
    "on %p, a person's attribution of a placed incident waits for a writer of the entity's links",
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      await writeAlone(knex, incident);
      const attributions = new IncidentAttributions(knex, {
        windowMs: 86_400_000,
        productionEnvironments: ['production'],
      });
      // A batch writing a deployment of the entity holds its links while the person decides.
      // (SQLite admits one writer at a time: there the decision simply runs.)
      const holder =
        knex.client.config.client === 'pg'
          ? await knex.transaction()
          : undefined;
      if (holder) await lockForWrite(holder, 'subject', [`links:${ENTITY}`]);
      let done = false;
      const decided = attributions
        .attribute(
          'i1',
          { notCausedByChange: true, note: 'a load test' },
          'user:default/olivia',
        )
        .then(change => {
          done = true;
          return change;
        });
      let finishedWhileHeld = false;
      if (holder) {
        await new Promise(r => setTimeout(r, 300));
        finishedWhileHeld = done;
        await holder.commit();
      }
      expect(finishedWhileHeld).toBe(false);
      const change = await decided;
      expect(change.attribution?.verdict).toBe('not-a-change');
      expect(
        await knex('incident_attributions').select('incident_id', 'verdict'),
      ).toEqual([{ incident_id: 'i1', verdict: 'not-a-change' }]);
      await knex.destroy();
    },
    TIMEOUT_MS,
  );
});
