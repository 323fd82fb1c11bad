import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  generateHistory,
  GreenlightEvent,
  seededRandom,
} from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import request from 'supertest';
import { sampleServices } from '../__testUtils__/demoServices';
import { ledgerSnapshot } from '../__testUtils__/ledgerSnapshot';
import { greenlightPlugin } from '../plugin';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(600_000);

const pipeline = mockCredentials.service.header();
const SERVICES = sampleServices(12);
const IN_FLIGHT = 10;

const entities = SERVICES.map(s => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: s.serviceId,
    namespace: 'default',
    annotations: { 'greenlight.dev/service-id': s.serviceId },
  },
  spec: {
    type: 'service',
    owner: 'group:default/team-a',
    lifecycle: 'production',
  },
}));

async function startBackend(knex: Knex) {
  return startTestBackend({
    features: [
      greenlightPlugin,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: { greenlight: { ingest: { maxBodySize: '20mb' } } },
      }),
    ],
  });
}

type Outcome = { status: number; body: any; events: GreenlightEvent[] };

async function post(server: any, events: GreenlightEvent[]): Promise<Outcome> {
  const res = await request(server)
    .post('/api/greenlight/v1/events')
    .set('Authorization', pipeline)
    .send({ events });
  return { status: res.status, body: res.body, events };
}

/**
 * The traffic of several pipelines and replicas at once: the stream shuffled and cut into
 * batches of 20 to 120 events; every third batch sent twice at the same moment; a batch of
 * events picked from anywhere in the stream after every fourth (overlapping others still in
 * flight); and, once everything has answered, a few batches retried whole.
 */
function concurrentTraffic(stream: GreenlightEvent[], seed: number) {
  const random = seededRandom(seed);
  const shuffled = random.shuffle(stream);
  const batches: GreenlightEvent[][] = [];
  for (let i = 0; i < shuffled.length; ) {
    const size = random.int(20, 120);
    batches.push(shuffled.slice(i, i + size));
    i += size;
  }
  const waves: GreenlightEvent[][] = [];
  batches.forEach((batch, i) => {
    waves.push(batch);
    if (i % 3 === 0) waves.push(batch);
    if (i % 4 === 0)
      waves.push(Array.from({ length: 40 }, () => random.pick(stream)));
  });
  const retries = Array.from({ length: 5 }, () => random.pick(batches));
  return { batches, waves, retries };
}

/** Sends every batch with `IN_FLIGHT` requests outstanding at all times, round-robin over servers. */
async function sendConcurrently(servers: any[], waves: GreenlightEvent[][]) {
  const outcomes: Outcome[] = new Array(waves.length);
  let next = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const worker = async () => {
    while (next < waves.length) {
      const i = next++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      outcomes[i] = await post(servers[i % servers.length], waves[i]);
      inFlight--;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { outcomes, maxInFlight };
}

/** How many times each native event id was reported accepted, over every answer. */
function acceptedCounts(outcomes: Outcome[]) {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    for (const r of o.body.results ?? []) {
      if (r.status === 'accepted')
        counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
    }
  }
  return counts;
}

describe('concurrent writers of one ledger', () => {
  const databases = createTestDatabases();
  const stream = generateHistory({
    seed: 42,
    services: SERVICES,
    start: Date.parse('2026-01-01T00:00:00Z'),
    days: 400,
  }).slice(0, 3000);

  /** The serial fold: the stream in order, one batch of 500 after another. */
  async function referenceOf(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const backend = await startBackend(knex);
    for (let i = 0; i < stream.length; i += 500) {
      const outcome = await post(backend.server, stream.slice(i, i + 500));
      expect(outcome.status).toBe(200);
    }
    const snapshot = await ledgerSnapshot(knex);
    await backend.stop();
    return snapshot;
  }

  async function expectConvergence(
    knex: Knex,
    servers: any[],
    seed: number,
    reference: object,
  ) {
    const traffic = concurrentTraffic(stream, seed);
    // Started and finished events of many deployments travel in different requests.
    const batchOf = new Map<string, number>();
    traffic.batches.forEach((b, i) => b.forEach(e => batchOf.set(e.id, i)));
    const split = new Set(
      stream
        .filter(e => e.type === 'deployment.finished')
        .filter(e => {
          const started = stream.find(
            s =>
              s.type === 'deployment.started' &&
              s.deployment.id === (e as any).deployment.id,
          );
          return started && batchOf.get(started.id) !== batchOf.get(e.id);
        }),
    );
    expect(split.size).toBeGreaterThan(100);

    const { outcomes, maxInFlight } = await sendConcurrently(
      servers,
      traffic.waves,
    );
    expect(maxInFlight).toBeGreaterThanOrEqual(8);
    const retried = await Promise.all(
      traffic.retries.map((b, i) => post(servers[i % servers.length], b)),
    );
    const all = [...outcomes, ...retried];

    expect(
      all.filter(o => o.status !== 200).map(o => [o.status, o.body]),
    ).toEqual([]);
    // Each event was accepted by exactly one request; every other sending was a duplicate.
    const counts = acceptedCounts(all);
    expect(
      stream.filter(e => !counts.has(`native:${e.id}`)).map(e => e.id),
    ).toEqual([]);
    expect(counts.size).toBe(stream.length);
    expect([...counts.values()].every(n => n === 1)).toBe(true);
    expect(retried.every(o => o.body.accepted === 0)).toBe(true);
    const [{ n }] = await knex('events').count('* as n');
    expect(Number(n)).toBe(stream.length);

    expect(await ledgerSnapshot(knex)).toEqual(reference);
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let reference: object;
    beforeAll(async () => {
      reference = await referenceOf(databaseId);
    });

    it('converges to the serial fold under shuffled, overlapping, duplicated batches', async () => {
      expect((reference as any).deployments.length).toBeGreaterThan(300);
      const knex = await databases.init(databaseId);
      const backend = await startBackend(knex);
      await expectConvergence(knex, [backend.server], 11, reference);
      await backend.stop();
    });

    it('converges the same with two backend instances taking the traffic', async () => {
      expect.hasAssertions();
      const knex = await databases.init(databaseId);
      const first = await startBackend(knex);
      const second = await startBackend(knex);
      await expectConvergence(
        knex,
        [first.server, second.server],
        12,
        reference,
      );
      await first.stop();
      await second.stop();
    });
  });
});
