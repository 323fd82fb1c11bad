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
import knexFactory, { Knex } from 'knex';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import request from 'supertest';
import { sampleServices } from '../__testUtils__/demoServices';
import { ledgerSnapshot } from '../__testUtils__/ledgerSnapshot';
import { greenlightPlugin } from '../plugin';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(600_000);

const pipeline = mockCredentials.service.header();
const SERVICES = sampleServices(12);
const IN_FLIGHT = 10;
/** Tags each request, so the server side of the test can tell which request it is serving. */
const TAG_HEADER = 'x-concurrent-ingestion-test';

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

function isPostgres(knex: Knex) {
  return ['pg', 'postgres', 'postgresql'].includes(
    String(knex.client.config.client),
  );
}

/** Another knex, with a pool of its own, on the same database as `knex`. */
function separatePool(knex: Knex, pool?: Knex.PoolConfig) {
  const config = knex.client.config as Knex.Config;
  return knexFactory({ ...config, ...(pool ? { pool } : {}) });
}

type Interval = { start: number; end: number };

type Outcome = Interval & {
  tag: string;
  status: number;
  body: any;
  events: GreenlightEvent[];
};

/** One request; `start` and `end` are taken around the awaited call, on the client. */
async function post(
  server: Server,
  events: GreenlightEvent[],
  tag: string,
): Promise<Outcome> {
  const start = performance.now();
  const res = await request(server)
    .post('/api/greenlight/v1/events')
    .set('Authorization', pipeline)
    .set(TAG_HEADER, tag)
    .send({ events });
  const end = performance.now();
  return { tag, start, end, status: res.status, body: res.body, events };
}

/** The most intervals open at one instant (intervals that only touch do not overlap). */
function peakOverlap(intervals: Interval[]) {
  const edges = intervals.flatMap(
    ({ start, end }): Array<[number, number]> => [
      [start, 1],
      [end, -1],
    ],
  );
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, step] of edges) {
    open += step;
    peak = Math.max(peak, open);
  }
  return peak;
}

function overlap(a?: Interval, b?: Interval) {
  return Boolean(a && b && a.start < b.end && b.start < a.end);
}

/**
 * The server's view: for each tagged ingest request, from the moment the HTTP server hands it
 * to the application until its response has been written.
 */
function recordServerIntervals(servers: Server[]) {
  const intervals = new Map<string, Interval>();
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const tag = req.headers[TAG_HEADER];
    if (typeof tag !== 'string') return;
    const start = performance.now();
    res.on('finish', () =>
      intervals.set(tag, { start, end: performance.now() }),
    );
  };
  const distinct = [...new Set(servers)];
  distinct.forEach(s => s.on('request', listener));
  return {
    intervals,
    stop: () => distinct.forEach(s => s.off('request', listener)),
  };
}

/**
 * Samples pg_stat_activity for the test database over a connection of its own, until stopped:
 * the peak of backends running a statement, of those waiting for a lock (the ledger's advisory
 * locks among them), and of those inside a transaction.
 */
function samplePostgresActivity(knex: Knex) {
  const monitor = separatePool(knex, { min: 0, max: 1 });
  const peak = { active: 0, lockWaiting: 0, inTransaction: 0, samples: 0 };
  let running = true;
  let failure: unknown;
  const loop = (async () => {
    while (running) {
      const { rows } = await monitor.raw(
        `select count(*) filter (where state = 'active')::int as active,
                count(*) filter (where wait_event_type = 'Lock')::int as waiting,
                count(*) filter (where xact_start is not null)::int as in_transaction
           from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()`,
      );
      peak.active = Math.max(peak.active, rows[0].active);
      peak.lockWaiting = Math.max(peak.lockWaiting, rows[0].waiting);
      peak.inTransaction = Math.max(peak.inTransaction, rows[0].in_transaction);
      peak.samples++;
      await new Promise(resolve => setTimeout(resolve, 5));
    }
  })().catch(error => {
    failure = error;
  });
  return {
    peak,
    stop: async () => {
      running = false;
      await loop;
      await monitor.destroy();
      if (failure) throw failure;
      return peak;
    },
  };
}

/**
 * A unit of work for one writer: a batch sent once; a batch sent twice at the same moment (a
 * `pair`, both copies in flight together); a `scatter` of events picked from anywhere; or a
 * `retry` of an earlier job's batch, queued a few jobs after it, so that it is sent while the
 * traffic (often the original itself) is still in flight.
 */
type Job = {
  kind: 'batch' | 'pair' | 'scatter' | 'retry';
  events: GreenlightEvent[];
  /** For a retry, the job it repeats. */
  of?: number;
};

/**
 * The traffic of several pipelines and replicas at once: the stream shuffled and cut into
 * batches of 20 to 120 events; every third batch sent twice at once; a third of the others
 * retried during the run; a scatter of 40 events after every fourth batch (overlapping others
 * still in flight); and, once everything has answered, a few batches retried whole. The
 * batches sent in pairs are sent by nothing else during the run, so each pair alone decides
 * which of its copies accepts each event.
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
  const paired = (i: number) => i % 3 === 0;
  const unpaired = batches.filter((_, i) => !paired(i)).flat();
  const jobs: Job[] = [];
  const delayed: Array<{ at: number; job: Job }> = [];
  const add = (job: Job) => {
    jobs.push(job);
    for (const d of delayed.filter(x => x.at <= jobs.length)) {
      jobs.push(d.job);
      delayed.splice(delayed.indexOf(d), 1);
    }
  };
  batches.forEach((batch, i) => {
    add({ kind: paired(i) ? 'pair' : 'batch', events: batch });
    if (i % 3 === 1) {
      const of = jobs.length - 1;
      delayed.push({
        at: jobs.length + random.int(0, 3),
        job: { kind: 'retry', events: batch, of },
      });
    }
    if (i % 4 === 0) {
      add({
        kind: 'scatter',
        events: Array.from({ length: 40 }, () => random.pick(unpaired)),
      });
    }
  });
  jobs.push(...delayed.map(d => d.job));
  const retries = Array.from({ length: 5 }, () => random.pick(batches));
  return { batches, jobs, retries };
}

/**
 * Sends every job with `IN_FLIGHT` writers, round-robin over servers; a pair's two copies go
 * out together from one writer (to two instances, when there are two).
 */
async function sendConcurrently(servers: Server[], jobs: Job[]) {
  const answers: Outcome[][] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      const copies = jobs[i].kind === 'pair' ? 2 : 1;
      answers[i] = await Promise.all(
        Array.from({ length: copies }, (_, c) =>
          post(servers[(i + c) % servers.length], jobs[i].events, `${i}.${c}`),
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return answers;
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

function statusesOf(outcome: Outcome) {
  return new Map<string, string>(
    (outcome.body.results ?? []).map((r: any) => [r.id, r.status]),
  );
}

describe('concurrent writers of one ledger', () => {
  const databases = createTestDatabases();
  const history = generateHistory({
    seed: 42,
    services: SERVICES,
    start: Date.parse('2026-01-01T00:00:00Z'),
    days: 400,
  }).slice(0, 3000);
  /**
   * Commits reported again with other details, as a pipeline run again after a title was
   * edited: of each commit, an untimed report (the generator's), a report stating an earlier
   * time and one stating a later time. Whatever order they arrive or commit in, the stored
   * details must be those of the later report, as in the serial fold.
   */
  const reReports = history
    .filter(
      (e): e is Extract<GreenlightEvent, { type: 'commits' }> =>
        e.type === 'commits',
    )
    .slice(0, 40)
    .flatMap(e => {
      const edited = (suffix: string, time: string) => ({
        ...e,
        id: `${e.id}-${suffix}`,
        time,
        commits: e.commits.map(c => ({
          ...c,
          title: `${c.title} (${suffix})`,
        })),
      });
      return [
        edited('edited-later', '2027-02-01T00:00:00Z'),
        edited('edited-earlier', '2027-01-01T00:00:00Z'),
      ];
    });
  const stream: GreenlightEvent[] = [...history, ...reReports];

  /** The serial fold: the stream in order, one batch of 500 after another. */
  async function referenceOf(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const backend = await startBackend(knex);
    for (let i = 0; i < stream.length; i += 500) {
      const outcome = await post(
        backend.server,
        stream.slice(i, i + 500),
        `serial.${i}`,
      );
      expect(outcome.status).toBe(200);
    }
    const snapshot = await ledgerSnapshot(knex);
    await backend.stop();
    return snapshot;
  }

  async function expectConvergence(
    knex: Knex,
    servers: Server[],
    seed: number,
    reference: object,
    label: string,
  ) {
    const traffic = concurrentTraffic(stream, seed);
    const { jobs } = traffic;
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

    const server = recordServerIntervals(servers);
    const activity = isPostgres(knex) ? samplePostgresActivity(knex) : null;
    let answers: Outcome[][];
    try {
      answers = await sendConcurrently(servers, jobs);
    } finally {
      server.stop();
    }
    const pg = await activity?.stop();
    // Once everything has answered: retried whole, nothing is new.
    const retried = await Promise.all(
      traffic.retries.map((b, i) =>
        post(servers[i % servers.length], b, `final.${i}`),
      ),
    );
    const during = answers.flat();
    const all = [...during, ...retried];

    expect(
      all.filter(o => o.status !== 200).map(o => [o.status, o.body]),
    ).toEqual([]);

    // Overlap, measured rather than configured: on the client, from each request's own start
    // and end; on the server, from when it received each request until it answered it.
    const serverIntervals = during.map(o => server.intervals.get(o.tag));
    expect(serverIntervals.filter(i => !i)).toEqual([]);
    const clientPeak = peakOverlap(during);
    const serverPeak = peakOverlap(serverIntervals as Interval[]);
    expect(clientPeak).toBeGreaterThanOrEqual(8);
    // better-sqlite3 answers synchronously, so on SQLite a request is served from start to
    // end in one turn of the event loop and the others wait in their sockets: the server
    // overlaps requests only on PostgreSQL, and only there is its overlap asserted.
    const serverOverlaps = isPostgres(knex);
    if (serverOverlaps) expect(serverPeak).toBeGreaterThanOrEqual(8);

    // Each pair's two copies accepted each of its events exactly once between them: one
    // copy reports it accepted, the other a duplicate.
    const pairs = answers.filter((_, i) => jobs[i].kind === 'pair');
    expect(pairs.length).toBeGreaterThan(10);
    const pairFaults = pairs.flatMap(copies => {
      const [a, b] = copies.map(statusesOf);
      return copies[0].events
        .map(e => `native:${e.id}`)
        .filter(id => {
          const statuses = [a.get(id), b.get(id)].sort();
          return statuses[0] !== 'accepted' || statuses[1] !== 'duplicate';
        })
        .map(id => [copies[0].tag, id, a.get(id), b.get(id)]);
    });
    expect(pairFaults).toEqual([]);
    const pairsOverlapping = pairs.filter(([a, b]) =>
      overlap(server.intervals.get(a.tag), server.intervals.get(b.tag)),
    ).length;
    if (serverOverlaps)
      expect(pairsOverlapping).toBeGreaterThanOrEqual(pairs.length / 2);

    // Retries went out during the run, on PostgreSQL while their original was still served.
    const retriesDuring = answers.filter((_, i) => jobs[i].kind === 'retry');
    expect(retriesDuring.length).toBeGreaterThan(5);
    const retriesOverlapping = answers.filter(
      ([retry], i) =>
        jobs[i].kind === 'retry' &&
        overlap(
          server.intervals.get(retry.tag),
          server.intervals.get(answers[jobs[i].of!][0].tag),
        ),
    ).length;
    if (serverOverlaps)
      expect(retriesOverlapping).toBeGreaterThanOrEqual(
        retriesDuring.length / 2,
      );

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
    // Each commit reported again holds its later report's details, not the last to arrive.
    const reReported = await knex('commits')
      .where('title', 'like', '%(edited-%')
      .pluck('title');
    expect(reReported.length).toBeGreaterThan(40);
    expect(reReported.filter(t => !t.endsWith('(edited-later)'))).toEqual([]);

    // Compared with the serial fold: the events table (id, subject key, entity, payload) and
    // the nine tables the ledger projects from events inside its write transaction
    // (ledgerSnapshot's PROJECTED: deployments, deployment_commits, environment_commits,
    // builds, artifacts, commits, incidents, incident_entities, test_runs), receipt times
    // left out. Not compared: the tables the ingest listeners write after a batch has
    // committed (DORA rollups and entities, rollouts and their evaluations, provenance
    // attestations and verdicts), outside the ledger's locks, whose failures are only logged
    // and caught up later by scheduled tasks; and audit_log, one entry per request by design.
    expect(await ledgerSnapshot(knex)).toEqual(reference);

    const figures = [
      `${during.length} requests during the run (${pairs.length} pairs, ${retriesDuring.length} retries) + ${retried.length} after`,
      `peak outstanding client ${clientPeak}, server ${serverPeak}`,
      `pairs overlapping on the server ${pairsOverlapping}/${pairs.length}`,
      `retries overlapping their original ${retriesOverlapping}/${retriesDuring.length}`,
    ];
    if (pg) {
      figures.push(
        `pg_stat_activity peaks over ${pg.samples} samples: active ${pg.active}, lock-waiting ${pg.lockWaiting}, in transaction ${pg.inTransaction}`,
      );
    }
    // eslint-disable-next-line no-console
    console.log(`${label}: ${figures.join('; ')}`);
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
      await expectConvergence(
        knex,
        [backend.server],
        11,
        reference,
        `${databaseId}, one instance`,
      );
      await backend.stop();
    });

    it('converges the same with two backend instances taking the traffic', async () => {
      expect.hasAssertions();
      const knex = await databases.init(databaseId);
      // On PostgreSQL the second instance has a connection pool of its own on the same
      // database, as a second process would. SQLite's test database lives in memory, per
      // connection, so there the two instances must share the one pool.
      const secondKnex = isPostgres(knex) ? separatePool(knex) : knex;
      try {
        const first = await startBackend(knex);
        const second = await startBackend(secondKnex);
        await expectConvergence(
          knex,
          [first.server, second.server],
          12,
          reference,
          `${databaseId}, two instances`,
        );
        await first.stop();
        await second.stop();
      } finally {
        if (secondKnex !== knex) await secondKnex.destroy();
      }
    });
  });
});
