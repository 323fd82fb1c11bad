import { mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { createTestDatabases } from '@greenlight/test-utils';
import { Knex } from 'knex';
import { KnexLedgerStore } from '../database/KnexLedgerStore';
import { applyMigrations } from '../database/migrations';
import { IngestService } from './IngestService';

jest.setTimeout(120_000);

const A = 'component:default/team-a-service';
const B = 'component:default/team-b-service';

const deployment = (
  eventId: string,
  entityRef: string,
  id: string,
  status: 'started' | 'succeeded' | 'failed',
  extra: { rollbackOf?: string } = {},
): GreenlightEvent =>
  ({
    id: eventId,
    type: status === 'started' ? 'deployment.started' : 'deployment.finished',
    entityRef,
    deployment: {
      id,
      environment: 'production',
      status,
      strategy: 'all-at-once',
      intent: extra.rollbackOf ? 'rollback' : 'planned',
      artifactDigest: `sha256:${(entityRef === A ? 'a' : 'b').repeat(64)}`,
      startedAt: '2026-06-01T10:00:00Z',
      ...(status === 'started' ? {} : { finishedAt: '2026-06-01T10:05:00Z' }),
      ...extra,
    },
  } as GreenlightEvent);

const incident = (
  eventId: string,
  entityRefs: string[],
  deploymentId?: string,
): GreenlightEvent => ({
  id: eventId,
  type: 'incident.opened',
  entityRef: entityRefs[0],
  incident: {
    id: eventId,
    entityRefs,
    detectedAt: '2026-06-01T11:00:00Z',
    ...(deploymentId ? { deploymentId } : {}),
  },
});

/**
 * What a permission policy allowing `allowed` alone decides, for every entity of each event
 * ('(none)' for an event that matches no entity, or a deployment not recorded yet).
 */
function only(...allowed: string[]) {
  const calls: string[][] = [];
  const authorize = async (
    entityRefs: Array<string | null>,
    touched: Array<Array<string | null>>,
  ) => {
    const all = entityRefs.flatMap((ref, i) => [
      ref ?? '(none)',
      ...touched[i].map(other => other ?? '(none)'),
    ]);
    calls.push(all);
    const refused = all.filter(ref => !allowed.includes(ref));
    if (refused.length > 0)
      throw new NotAllowedError(`not allowed on ${refused.join(', ')}`);
  };
  return Object.assign(authorize, { calls });
}

async function ledger(knex: Knex) {
  await applyMigrations(knex);
  return new IngestService(
    new KnexLedgerStore(knex),
    { resolve: async (keys: { entityRef?: string }) => keys.entityRef ?? null },
    mockServices.logger.mock(),
  );
}

const counts = async (knex: Knex) => ({
  events: Number((await knex('events').count({ n: '*' }))[0].n),
  deployments: Number((await knex('deployments').count({ n: '*' }))[0].n),
  incidents: Number((await knex('incidents').count({ n: '*' }))[0].n),
  audit: Number((await knex('audit_log').count({ n: '*' }))[0].n),
});

describe('events that would change another entity’s records', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'do not include commit details of a commit another entity deployed, which count for the reporter alone, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const ingest = await ledger(knex);
      const DEPLOYED = 'ab'.repeat(20);
      const NOT_YET = 'cd'.repeat(20);
      const finished = deployment('b-2-finished', B, 'b-2', 'succeeded');
      await ingest.ingest({
        source: 'native',
        actor: 'service:team-b',
        events: [
          {
            ...finished,
            deployment: {
              ...(finished as any).deployment,
              commitSha: DEPLOYED,
            },
          } as GreenlightEvent,
        ],
        authorize: only(B),
      });
      const commits = (id: string, entityRef: string, sha: string) =>
        ({
          id,
          type: 'commits',
          entityRef,
          commits: [
            {
              sha,
              repository: 'github.com/acme/a',
              committedAt: '2001-01-01T00:00:00Z',
            },
          ],
        } as GreenlightEvent);

      // A's report of the SHA B deployed, with an earlier time: checked on A alone, since it
      // counts for A alone (commit details are read for the deploying entity).
      const disguised = only(A);
      await ingest.ingest({
        source: 'native',
        actor: 'service:team-a',
        events: [commits('a-commits-1', A, DEPLOYED)],
        authorize: disguised,
      });
      expect(disguised.calls).toEqual([[A]]);
      expect(
        await knex('commits').where('sha', DEPLOYED).pluck('entity_ref'),
      ).toEqual([A]);
      const release = await new KnexLedgerStore(knex).getRelease('b-2');
      expect(release?.commits).toEqual([
        expect.objectContaining({ sha: DEPLOYED, committedAt: null }),
      ]);

      // A commit nobody deployed yet, and the deploying entity's own report.
      for (const [id, entityRef, sha] of [
        ['a-commits-2', A, NOT_YET],
        ['b-commits-1', B, DEPLOYED],
      ]) {
        const own = only(entityRef);
        await ingest.ingest({
          source: 'native',
          actor: 'service:pipeline',
          events: [commits(id, entityRef, sha)],
          authorize: own,
        });
        expect(own.calls).toEqual([[entityRef]]);
      }
      expect(
        await knex('commits')
          .orderBy(['sha', 'entity_ref'])
          .select('sha', 'entity_ref'),
      ).toEqual([
        { sha: DEPLOYED, entity_ref: A },
        { sha: DEPLOYED, entity_ref: B },
        { sha: NOT_YET, entity_ref: A },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'are checked on that entity too, and write nothing when refused, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const ingest = await ledger(knex);
      await ingest.ingest({
        source: 'native',
        actor: 'service:team-b',
        events: [deployment('b-1-started', B, 'b-1', 'started')],
        authorize: only(B),
      });
      const before = await counts(knex);
      const row = await knex('deployments').where('id', 'b-1').first();

      // Team B's deployment, reported failed by team A under A's own entity.
      const hijack = only(A);
      await expect(
        ingest.ingest({
          source: 'native',
          actor: 'service:team-a',
          events: [deployment('a-says-b-1-failed', A, 'b-1', 'failed')],
          authorize: hijack,
        }),
      ).rejects.toThrow(`not allowed on ${B}`);
      // Allowed at first (its own entity), refused once the write found B's events under the lock.
      expect(hijack.calls).toEqual([[A], [A, B]]);

      // A rollback of B's deployment, an incident blaming it, an incident naming B.
      for (const event of [
        deployment('a-2-finished', A, 'a-2', 'succeeded', {
          rollbackOf: 'b-1',
        }),
        incident('a-incident-1', [A], 'b-1'),
        incident('a-incident-2', [A, B]),
      ]) {
        const check = only(A);
        await expect(
          ingest.ingest({
            source: 'native',
            actor: 'service:team-a',
            events: [event],
            authorize: check,
          }),
        ).rejects.toThrow(`not allowed on ${B}`);
        expect(check.calls).toEqual([[A, B]]);
      }

      expect(await counts(knex)).toEqual(before);
      expect(await knex('deployments').where('id', 'b-1').first()).toEqual(row);

      // A caller allowed on both may link them, and its own records need no other entity.
      await ingest.ingest({
        source: 'native',
        actor: 'service:release-managers',
        events: [incident('both-incident', [A, B], 'b-1')],
        authorize: only(A, B),
      });
      const own = only(A);
      await ingest.ingest({
        source: 'native',
        actor: 'service:team-a',
        events: [
          deployment('a-3-finished', A, 'a-3', 'succeeded'),
          incident('a-incident-3', [A], 'a-3'),
        ],
        authorize: own,
      });
      expect(own.calls).toEqual([[A, A]]);
      expect(await counts(knex)).toEqual({
        ...before,
        events: before.events + 3,
        deployments: before.deployments + 1,
        incidents: before.incidents + 2,
        audit: before.audit + 2,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'include a deployment not recorded yet, which whoever records it later would be blamed for, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const ingest = await ledger(knex);
      const before = await counts(knex);
      /** Sends the events as `entityRef`'s pipeline, allowed on that entity alone. */
      const sendAs = async (entityRef: string, events: GreenlightEvent[]) => {
        const check = only(entityRef);
        await ingest.ingest({
          source: 'native',
          actor: `service:${entityRef}`,
          events,
          authorize: check,
        });
        return check.calls;
      };
      const rollback = (id: string, of: string) =>
        deployment(`${id}-finished`, A, id, 'succeeded', { rollbackOf: of });

      // Team A names team B's next deployment before team B reports it: a rollback of it, an
      // incident blaming it. Recorded later by B, either would count against B's DORA figures.
      for (const event of [
        rollback('a-1', 'b-next'),
        incident('a-incident-next', [A], 'b-next'),
      ]) {
        await expect(sendAs(A, [event])).rejects.toThrow(
          'not allowed on (none)',
        );
      }
      expect(await counts(knex)).toEqual(before);

      // A deployment recorded without an entity (an unscoped writer's, matching none yet) may
      // be attached to B later: naming it needs the same trust, even beside an event of A's
      // own for that id.
      await ingest.ingest({
        source: 'native',
        actor: 'service:platform',
        events: [
          deployment(
            'unmapped-started',
            undefined as unknown as string,
            'unmapped-1',
            'started',
          ),
        ],
      });
      await expect(
        sendAs(A, [
          deployment('a-says-unmapped-1', A, 'unmapped-1', 'succeeded'),
          rollback('a-6', 'unmapped-1'),
        ]),
      ).rejects.toThrow('not allowed on (none)');

      // Nor in two requests: A's own event for that id first, to make the record A's, is
      // refused as well; the unscoped writer may still add to it.
      await expect(
        sendAs(A, [
          deployment('a-says-unmapped-1', A, 'unmapped-1', 'succeeded'),
        ]),
      ).rejects.toThrow('not allowed on (none)');
      await ingest.ingest({
        source: 'native',
        actor: 'service:platform',
        events: [
          deployment(
            'unmapped-finished',
            undefined as unknown as string,
            'unmapped-1',
            'succeeded',
          ),
        ],
        authorize: async () => {},
      });
      expect(
        await knex('deployments')
          .where('id', 'unmapped-1')
          .select('entity_ref', 'status'),
      ).toEqual([{ entity_ref: null, status: 'succeeded' }]);

      // A deployment in the same batch is touched with its own entity: A's own rollback of
      // A's own deployment needs A alone, of B's deployment B too.
      expect(
        await sendAs(A, [
          deployment('a-2-finished', A, 'a-2', 'succeeded'),
          rollback('a-3', 'a-2'),
        ]),
      ).toEqual([[A, A]]);
      await expect(
        sendAs(A, [
          deployment('b-2-finished', B, 'b-2', 'succeeded'),
          rollback('a-4', 'b-2'),
        ]),
      ).rejects.toThrow(`not allowed on ${B}`);

      // B records its deployment; A's rollback of it is then checked on B, as before.
      await sendAs(B, [
        deployment('b-next-finished', B, 'b-next', 'succeeded'),
      ]);
      await expect(sendAs(A, [rollback('a-5', 'b-next')])).rejects.toThrow(
        `not allowed on ${B}`,
      );
      expect(
        await knex('deployments')
          .whereIn('rollback_of', ['b-next', 'b-2'])
          .pluck('id'),
      ).toEqual([]);
      expect(
        await knex('incidents').where('deployment_id', 'b-next').pluck('id'),
      ).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'belong to one entity when two entities’ writers report the same id at once, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const ingest = await ledger(knex);
      const outcomes: string[] = [];
      for (let round = 0; round < 16; round++) {
        const id = `shared-${round}`;
        const send = (entityRef: string) =>
          ingest
            .ingest({
              source: 'native',
              actor: `service:${entityRef}`,
              // Each writer's own event ids, so neither is a duplicate of the other.
              events: [
                deployment(
                  `${id}-${entityRef}-started`,
                  entityRef,
                  id,
                  'started',
                ),
                deployment(
                  `${id}-${entityRef}-finished`,
                  entityRef,
                  id,
                  round % 2 ? 'failed' : 'succeeded',
                ),
              ],
              authorize: only(entityRef),
            })
            .then(
              () => 'written',
              (e: Error) => e.name,
            );
        const results = await Promise.all([send(A), send(B), send(A), send(B)]);
        outcomes.push(...results);
        // Whoever wrote first owns the record; every writer of the other entity was refused.
        const owner = (await knex('deployments').where('id', id).first())
          .entity_ref;
        const refused = results.filter(r => r !== 'written');
        expect(refused.length).toBe(2);
        expect(
          refused.every(r => r === 'NotAllowedError' || r === 'ConflictError'),
        ).toBe(true);
        expect([A, B]).toContain(owner);
      }
      const mixed = await knex('events')
        .select('subject_key')
        .groupBy('subject_key')
        .havingRaw('count(distinct entity_ref) > 1');
      expect(mixed).toEqual([]);
      expect(outcomes.filter(o => o === 'written')).toHaveLength(32);
    },
  );
});
