import {
  DoraResponse,
  GreenlightEvent,
} from '@greenlight/backstage-plugin-greenlight-common';
import { createTestDatabases } from '@greenlight/test-utils';
import {
  component,
  deployment,
  HOUR,
  startDoraBackend,
} from './__testUtils__/doraBackend';
import { shuffled } from './__testUtils__/cdeventsStream';

jest.setTimeout(180_000);

/*
 * An incident that names the environment and artifact it hit, and no deployment, is placed on
 * the deployment running that artifact there when it was detected (docs/dora.md, Inputs), a
 * rollout under way included: a canary hurts users before it finishes.
 *
 *   canary: c0 runs A in production from 03-02 10:00. The canary c1 of B starts 03-03 10:00 and
 *     succeeds at 12:00. An incident on production / B is detected 11:00, resolved 13:00: B was
 *     running there at 11:00, as the canary → c1 is a failed change.
 *     Change fail rate 1 / 2 (c0, c1). Recovery of c1: start = min(12:00 finish, 11:00
 *     detection) = 11:00; end = min(13:00 resolution, no later success) = 13:00 → 2 h.
 *   stable: the same rollout, the incident names A: A still served the rest of the traffic at
 *     11:00, from s0, the last finished deployment → s0 is the failed change, not the canary.
 *   stale: t0 of B was reported started 03-01 and never finished; t1 of A finished 03-02 10:00.
 *     An incident on B at 03-03 11:00: t0 began before the last finished deployment, so it was
 *     not what ran then → unattributed.
 */
const at = (day: string, time: string) => `2026-03-${day}T${time}:00Z`;
const window = { from: '2026-03-01T00:00:00Z', to: '2026-03-15T00:00:00Z' };
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

function ofArtifact(event: GreenlightEvent, digest: string): GreenlightEvent {
  const e = event as Extract<GreenlightEvent, { type: 'deployment.finished' }>;
  return { ...e, deployment: { ...e.deployment, artifactDigest: digest } };
}

function started(
  id: string,
  entity: string,
  digest: string,
  startedAt: string,
): GreenlightEvent {
  return {
    id: `${id}-started`,
    type: 'deployment.started',
    entityRef: `component:default/${entity}`,
    deployment: {
      id,
      environment: 'production',
      status: 'started',
      strategy: 'canary',
      intent: 'planned',
      artifactDigest: digest,
      startedAt,
    },
  };
}

function placedIncident(
  id: string,
  entity: string,
  digest: string,
  resolved: boolean,
): GreenlightEvent {
  return {
    id: `${id}-${resolved ? 'resolved' : 'opened'}`,
    type: resolved ? 'incident.resolved' : 'incident.opened',
    entityRef: `component:default/${entity}`,
    incident: {
      id,
      entityRefs: [`component:default/${entity}`],
      detectedAt: at('03', '11:00'),
      ...(resolved ? { resolvedAt: at('03', '13:00') } : {}),
      environment: 'production',
      artifactDigest: digest,
    },
  };
}

const rollout = (
  entity: string,
  prefix: string,
  blamed: string,
): GreenlightEvent[] => [
  ofArtifact(
    deployment(
      `${prefix}0`,
      entity,
      'production',
      'succeeded',
      at('02', '10:00'),
    ),
    A,
  ),
  started(`${prefix}1`, entity, B, at('03', '10:00')),
  ofArtifact(
    deployment(
      `${prefix}1`,
      entity,
      'production',
      'succeeded',
      at('03', '12:00'),
      {
        startedAt: at('03', '10:00'),
      },
    ),
    B,
  ),
  placedIncident(`${prefix}i`, entity, blamed, false),
  placedIncident(`${prefix}i`, entity, blamed, true),
];

const events: GreenlightEvent[] = [
  ...rollout('canary', 'c', B),
  ...rollout('stable', 's', A),
  // undone: u0 runs A; the canary u1 of B starts 03-03 10:00 and never reports a finish; a
  // rollback (naming nothing) runs 11:20–11:30 and the rule marks u1 rolled back. The incident
  // on A at 11:00: A still served the rest of the traffic, from u0 → u0, whether the incident
  // arrives before the rollback or after it.
  ofArtifact(
    deployment('u0', 'undone', 'production', 'succeeded', at('02', '10:00')),
    A,
  ),
  started('u1', 'undone', B, at('03', '10:00')),
  deployment('ur', 'undone', 'production', 'succeeded', at('03', '11:30'), {
    intent: 'rollback',
    startedAt: at('03', '11:20'),
  }),
  placedIncident('ui', 'undone', A, false),
  started('t0', 'stale', B, at('01', '10:00')),
  ofArtifact(
    deployment('t1', 'stale', 'production', 'succeeded', at('02', '10:00')),
    A,
  ),
  placedIncident('ti', 'stale', B, false),
];

const ORDERS = [
  'in order',
  'reversed',
  'shuffled 7',
  'shuffled 42',
  // The canary reported only once it finished, after the incident: its finish must place
  // the incident recorded before it.
  'with the canary finished last',
] as const;
function inOrder(order: (typeof ORDERS)[number]): GreenlightEvent[] {
  if (order === 'in order') return events;
  if (order === 'reversed') return [...events].reverse();
  if (order === 'with the canary finished last') {
    const finished = events.find(e => e.id === 'c1-finished')!;
    return [...events.filter(e => !e.id.startsWith('c1-')), finished];
  }
  return shuffled(events, Number(order.split(' ')[1]));
}

describe('incidents placed on a rollout under way', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it.each(ORDERS)(
      'are attributed to the canary running the artifact, sent %s',
      async order => {
        const knex = await databases.init(databaseId);
        const backend = await startDoraBackend({
          knex,
          entities: ['canary', 'stable', 'stale', 'undone'].map(name =>
            component(name, 'group:default/a'),
          ),
        });
        // One event per request, so that every order is also an order of arrival.
        for (const event of inOrder(order)) await backend.post([event]);

        const attributed = Object.fromEntries(
          (await knex('incidents').select('id', 'deployment_id')).map(r => [
            r.id,
            r.deployment_id,
          ]),
        );
        expect(attributed).toEqual({
          ci: 'c1',
          si: 's0',
          ti: null,
          ui: 'u0',
        });

        await backend.refresh();
        const res = await backend.get('/v1/dora', {
          entityRef: 'component:default/canary',
          ...window,
        });
        const m = (res.body as DoraResponse).current;
        expect([
          m.changeFailRate.numerator,
          m.changeFailRate.denominator,
        ]).toEqual([1, 2]);
        expect(m.failedDeploymentRecoveryTime.n).toBe(1);
        // Rollups keep quantiles in a sketch: within 1 % of the exact 2 h (docs/dora.md).
        expect(
          Math.abs(m.failedDeploymentRecoveryTime.medianMs! - 2 * HOUR),
        ).toBeLessThanOrEqual(0.01 * 2 * HOUR);
      },
    );
  });
});
