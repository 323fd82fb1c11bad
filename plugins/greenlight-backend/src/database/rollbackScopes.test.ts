/* eslint-disable jest/no-standalone-expect -- the PostgreSQL-only test is declared through `onPostgres` */
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { createTestDatabases, onPostgresOnly } from '@greenlight/test-utils';
import { insertNewEvents } from './eventWriter';
import { NewEventRow } from './LedgerStore';
import { applyMigrations } from './migrations';
import { reproject, writeTransaction } from './projectionWriter';
import {
  DeploymentScope,
  ruleUpdates,
  ScopeCheck,
  scopesWithLaterRollbacks,
  scopesWithLaterRollbacksPortable,
} from './rollbackProjection';

// Migrations on a fresh PostgreSQL database alone can take seconds on a busy CI runner.
jest.setTimeout(120_000);

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ (t + t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENTITY = 'component:default/svc';
const DIGEST = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const T0 = Date.parse('2026-05-01T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/** The stored row of one deployment event, the `n`th of the stream. */
function row(
  eventId: string,
  type: 'deployment.started' | 'deployment.finished',
  deployment: { id: string; [field: string]: unknown },
  n: number,
): NewEventRow {
  const event = {
    id: eventId,
    type,
    serviceId: 'svc',
    deployment,
  } as GreenlightEvent;
  return {
    id: `native:${eventId}`,
    source: 'native',
    subjectKey: `deployment:${deployment.id}`,
    eventTime: T0 + n,
    receivedAt: T0 + n,
    actor: 'service:test',
    entityRef: ENTITY,
    mappingKeys: { serviceId: 'svc' },
    event,
  };
}

/**
 * A history of two environments with rollbacks of every kind: naming what they undo or not,
 * naming an artifact or not, some still running; deployments whose start and finish arrive
 * as separate events, and some whose start is moved by a later event.
 */
function history(seed: number): NewEventRow[] {
  const next = random(seed);
  const rows: NewEventRow[] = [];
  const ids: string[] = [];
  let n = 0;
  for (let i = 0; i < 40; i++) {
    const id = `d-${i}`;
    const environment = next() < 0.7 ? 'production' : 'staging';
    const start = Math.floor(next() * 600);
    const rollback = i > 3 && next() < 0.25;
    const named =
      rollback && next() < 0.4
        ? ids[Math.floor(next() * ids.length)]
        : undefined;
    const status = (
      ['succeeded', 'succeeded', 'succeeded', 'failed', 'cancelled'] as const
    )[Math.floor(next() * 5)];
    const deployment = {
      id,
      environment,
      status: 'started' as const,
      strategy: 'all-at-once' as const,
      intent: rollback ? ('rollback' as const) : ('planned' as const),
      startedAt: at(start),
      ...(rollback ? {} : { artifactDigest: DIGEST(i), version: `1.${i}.0` }),
      ...(rollback && next() < 0.2 ? { artifactDigest: DIGEST(99) } : {}),
      ...(named ? { rollbackOf: named } : {}),
    };
    rows.push(row(`s-${id}`, 'deployment.started', deployment, n++));
    if (next() < 0.8) {
      const finished = { ...deployment, status, finishedAt: at(start + 5) };
      rows.push(row(`f-${id}`, 'deployment.finished', finished, n++));
    }
    if (next() < 0.1) {
      // A correction that moves the deployment's start, later in the stream.
      const moved = { ...deployment, startedAt: at(Math.floor(next() * 600)) };
      rows.push(row(`m-${id}`, 'deployment.started', moved, n++));
    }
    ids.push(id);
  }
  return rows;
}

function shuffledBatches(rows: NewEventRow[], seed: number): NewEventRow[][] {
  const next = random(seed);
  const shuffled = [...rows];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const batches: NewEventRow[][] = [];
  for (let i = 0; i < shuffled.length; ) {
    const size = 1 + Math.floor(next() * 8);
    batches.push(shuffled.slice(i, i + size));
    i += size;
  }
  return batches;
}

describe('the rollback rule re-applied only where a write could change its results', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'on %p, leaves every environment as the whole rule would, after every write of shuffled histories',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      let restored = 0;
      // Thirty histories: with either condition of the check left out (a rollback at or after
      // the change, a rollback naming it), some of them end with an environment the whole
      // rule would change.
      for (const seed of Array.from({ length: 30 }, (_, i) => i + 1)) {
        await knex('deployments').delete();
        await knex('deployment_commits').delete();
        await knex('events').delete();
        for (const [b, batch] of shuffledBatches(
          history(seed),
          seed * 31,
        ).entries()) {
          await writeTransaction(knex, async (tx, locking) => {
            const inserted = await insertNewEvents(tx, batch);
            const fresh = batch.filter(r => inserted.has(r.id));
            await reproject(
              tx,
              fresh.map(r => r.subjectKey),
              { ...locking, written: fresh },
            );
          });
          // The rule applied to every environment, from scratch, would change nothing.
          const whole = await knex.transaction(tx =>
            ruleUpdates(
              tx,
              ['production', 'staging'].map(environment => ({
                entityRef: ENTITY,
                environment,
              })),
              new Set(),
            ),
          );
          expect({ seed, batch: b, updates: whole.updates }).toEqual({
            seed,
            batch: b,
            updates: [],
          });
        }
        const [{ n }] = await knex('deployments')
          .whereNotNull('restored_from')
          .count({ n: '*' });
        restored += Number(n);
      }
      // And the histories did exercise the rule: rollbacks restored what ran before them.
      expect(restored).toBeGreaterThan(30);
    },
  );
});

describe('the dependency check in one statement on PostgreSQL', () => {
  const databases = createTestDatabases();
  // The statement is PostgreSQL's own; SQLite runs the portable form alone.
  const onPostgres = onPostgresOnly(databases);

  onPostgres(
    'on %p, finds the same due scopes as one OR term per scope, across entities and environments',
    async databaseId => {
      const knex = await databases.init(databaseId as 'POSTGRES_15');
      await applyMigrations(knex);
      const next = random(7);
      const entities = Array.from(
        { length: 6 },
        (_, i) => `component:default/svc-${i}`,
      );
      const environments = ['development', 'staging', 'production'];
      const rows = Array.from({ length: 600 }, (_, i) => {
        const rollback = next() < 0.15;
        const start = Math.floor(next() * 10_000);
        return {
          id: `d-${i}`,
          entity_ref: entities[Math.floor(next() * entities.length)],
          environment: environments[Math.floor(next() * environments.length)],
          strategy: 'all-at-once',
          status: 'succeeded',
          intent: rollback ? 'rollback' : 'planned',
          // Some rollbacks report no start: the check falls back to their sort time.
          started_at: rollback && next() < 0.3 ? null : start,
          sort_time: start + 5,
          // A rollback may name a deployment of any environment, even another entity's.
          rollback_of:
            rollback && next() < 0.5 ? `d-${Math.floor(next() * i)}` : null,
        };
      });
      for (let i = 0; i < rows.length; i += 100) {
        await knex('deployments').insert(rows.slice(i, i + 100));
      }
      const rollbacks = rows.filter(r => r.intent === 'rollback');
      // Thresholds on a rollback's own start (or its sort time when it reports none) test
      // the boundary: a rollback at the earliest change is after it.
      const threshold = () =>
        next() < 0.4
          ? (({ started_at, sort_time }) => started_at ?? sort_time)(
              rollbacks[Math.floor(next() * rollbacks.length)],
            )
          : Math.floor(next() * 11_000);
      let due = 0;
      for (let round = 0; round < 40; round++) {
        // Scopes with a random threshold and random changed ids, some from other scopes.
        const checks: ScopeCheck[] = [];
        for (const entityRef of entities) {
          for (const environment of environments) {
            if (next() < 0.3) continue;
            const ids = new Set(
              Array.from(
                { length: Math.floor(next() * 6) },
                () => `d-${Math.floor(next() * rows.length)}`,
              ),
            );
            checks.push({
              scope: { entityRef, environment },
              since: threshold(),
              ids,
            });
          }
        }
        const sorted = (scopes: DeploymentScope[]) =>
          scopes.map(s => `${s.entityRef} ${s.environment}`).sort();
        const [arrays, portable] = await knex.transaction(async tx => [
          sorted(await scopesWithLaterRollbacks(tx, checks)),
          sorted(await scopesWithLaterRollbacksPortable(tx, checks)),
        ]);
        expect({ round, due: arrays }).toEqual({ round, due: portable });
        due += arrays.length;
      }
      // Both conditions produced answers, and not every scope was due.
      expect(due).toBeGreaterThan(40);
    },
  );
});
