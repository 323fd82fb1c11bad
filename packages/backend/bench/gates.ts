/*
 * Rollout watcher benchmark: 2,000 concurrent rollouts with 3 gates each, every gate due
 * every 30 s, against a metric provider (registered through the extension point) that
 * answers each query in 50 ms. Measures how late evaluations start after they are due.
 * Run: ./scripts/yarn workspace backend bench:gates
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type { MetricQueryResult } from '@greenlight/backstage-plugin-greenlight-common';
import {
  greenlightMetricProvidersExtensionPoint,
  type MetricProvider,
} from '@greenlight/backstage-plugin-greenlight-node';
import { knex as createKnex, Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  availableDatabases,
  BenchDatabase,
  machine,
  PIPELINE_TOKEN,
  postEvents,
  quantile,
} from './harness';

process.env.LOG_LEVEL ??= 'warn';

const ROLLOUTS = Number(process.env.BENCH_GATES_ROLLOUTS ?? 2000);
const GATES = ['errors', 'latency', 'saturation'];
const INTERVAL_S = 30;
const QUERY_MS = 50;
/** How long the rollouts are watched after the last one started. */
const OBSERVE_S = Number(process.env.BENCH_GATES_OBSERVE_SECONDS ?? 100);
const CREATE_PARALLEL = 16;
const ENTITY = 'component:default/bench-gates';

/** Answers every query after 50 ms with a passing value; counts queries and their overlap. */
class SlowProvider implements MetricProvider {
  readonly id = 'bench';
  queries = 0;
  inFlight = 0;
  maxInFlight = 0;
  async query(): Promise<MetricQueryResult> {
    this.queries++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise(r => setTimeout(r, QUERY_MS));
    this.inFlight--;
    return { status: 'ok', samples: [{ labels: {}, value: 0.01 }] };
  }
  async queryRange(): Promise<never> {
    throw new Error('not used by the benchmark');
  }
}

const slo = (name: string) => ({
  apiVersion: 'openslo/v1',
  kind: 'SLO',
  metadata: {
    name,
    annotations: {
      'greenlight.dev/interval': `${INTERVAL_S}s`,
      // Far more than the run lasts: every rollout stays under watch throughout.
      'greenlight.dev/evaluations': '1000',
    },
  },
  spec: {
    service: 'bench',
    indicator: {
      metadata: { name },
      spec: {
        thresholdMetric: {
          metricSource: { type: 'bench', spec: { query: `${name}_ratio` } },
        },
      },
    },
    timeWindow: [{ duration: '28d', isRolling: true }],
    budgetingMethod: 'Occurrences',
    objectives: [{ displayName: name, op: 'lt', value: 0.05, target: 0.99 }],
  },
});

function databaseConfig(db: BenchDatabase, dir: string, pgDatabase: string) {
  if (db === 'sqlite') {
    return {
      client: 'better-sqlite3',
      connection: { directory: path.join(dir, 'sqlite') },
    };
  }
  return {
    client: 'pg',
    pluginDivisionMode: 'schema',
    connection: { ...pgConnection(), database: pgDatabase },
  };
}

function pgConnection() {
  return {
    host: process.env.POSTGRES_HOST ?? '127.0.0.1',
    port: Number(process.env.POSTGRES_PORT ?? 5432),
    user: process.env.POSTGRES_USER ?? 'postgres',
    password: process.env.POSTGRES_PASSWORD ?? '',
  };
}

async function startBackend(
  db: BenchDatabase,
  port: number,
  provider: SlowProvider,
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlight-bench-gates-'));
  fs.mkdirSync(path.join(dir, 'sqlite'));
  const catalogFile = path.join(dir, 'entities.yaml');
  fs.writeFileSync(
    catalogFile,
    `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: bench-gates
spec:
  type: service
  lifecycle: production
  owner: group:default/bench
`,
  );
  const pgDatabase = `greenlight_bench_gates_${Date.now()}`;
  const baseUrl = `http://localhost:${port}`;
  const config = new ConfigReader({
    app: { baseUrl },
    backend: {
      baseUrl,
      listen: { port },
      database: databaseConfig(db, dir, pgDatabase),
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: PIPELINE_TOKEN, subject: 'bench' },
          },
        ],
      },
    },
    catalog: {
      rules: [{ allow: ['Component', 'Location'] }],
      locations: [{ type: 'file', target: catalogFile }],
      processingInterval: { minutes: 30 },
    },
    permission: { enabled: true },
    greenlight: { rollouts: { watchInterval: '5s', concurrency: 32 } },
  });
  const providers = createBackendModule({
    pluginId: 'greenlight',
    moduleId: 'bench-metrics',
    register(env) {
      env.registerInit({
        deps: { metrics: greenlightMetricProvidersExtensionPoint },
        async init({ metrics }) {
          metrics.addMetricProvider(provider);
        },
      });
    },
  });

  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => config,
    }),
  );
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(import('../src/permissions/module'));
  backend.add(import('@greenlight/backstage-plugin-greenlight-backend'));
  backend.add(providers);
  await backend.start();
  await waitForEntity(baseUrl);
  return {
    baseUrl,
    async stop() {
      await backend.stop();
    },
    /** Every rollout's start and every evaluation's due and start times, read after the run. */
    async readEvaluations() {
      const reader: Knex =
        db === 'sqlite'
          ? createKnex({
              client: 'better-sqlite3',
              connection: {
                filename: path.join(dir, 'sqlite', 'greenlight.sqlite'),
              },
              useNullAsDefault: true,
            })
          : createKnex({
              client: 'pg',
              connection: { ...pgConnection(), database: pgDatabase },
              searchPath: ['greenlight'],
            });
      try {
        return {
          rollouts: await reader('rollouts').select('id', 'started_at'),
          evaluations: await reader('rollout_evaluations').select(
            'rollout_id',
            'gate_id',
            'at',
            'due_at',
          ),
        };
      } finally {
        await reader.destroy();
      }
    },
    async cleanUp() {
      fs.rmSync(dir, { recursive: true, force: true });
      if (db === 'postgres') {
        const admin = createKnex({
          client: 'pg',
          connection: { ...pgConnection(), database: 'postgres' },
        });
        await admin.raw('drop database if exists ?? with (force)', [
          pgDatabase,
        ]);
        await admin.destroy();
      }
    },
  };
}

async function waitForEntity(baseUrl: string) {
  for (let i = 0; i < 300; i++) {
    const res = await fetch(
      `${baseUrl}/api/catalog/entities/by-name/component/default/bench-gates`,
      {
        headers: { Authorization: `Bearer ${PIPELINE_TOKEN}` },
      },
    );
    if (res.status === 200) return;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error('catalog did not load the benchmark entity');
}

/**
 * The canary deployments the rollouts watch, as a pipeline reports them: a rollout may only
 * watch a deployment the ledger holds, still in flight (`POST /v1/rollouts`).
 */
async function startDeployments(baseUrl: string, db: BenchDatabase) {
  const startedAt = new Date().toISOString();
  const events = Array.from({ length: ROLLOUTS }, (_, i) => ({
    id: `bench-${db}-${i}-started`,
    type: 'deployment.started' as const,
    entityRef: ENTITY,
    deployment: {
      id: `bench-${db}-${i}`,
      environment: 'production',
      status: 'started' as const,
      strategy: 'canary' as const,
      startedAt,
    },
  }));
  for (let i = 0; i < events.length; i += 500) {
    await postEvents(baseUrl, events.slice(i, i + 500) as any);
  }
}

async function createRollouts(baseUrl: string, db: BenchDatabase) {
  const gates = GATES.map(slo);
  let next = 0;
  const worker = async () => {
    while (next < ROLLOUTS) {
      const i = next++;
      const res = await fetch(`${baseUrl}/api/greenlight/v1/rollouts`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${PIPELINE_TOKEN}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          entityRef: ENTITY,
          environment: 'production',
          deploymentId: `bench-${db}-${i}`,
          strategy: 'canary',
          gates,
        }),
      });
      // 200: the ingestion listener already started the deployment's rollout.
      if (res.status !== 201 && res.status !== 200)
        throw new Error(
          `POST /v1/rollouts answered ${res.status}: ${await res.text()}`,
        );
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CREATE_PARALLEL }, worker));
}

async function run(db: BenchDatabase) {
  const provider = new SlowProvider();
  const backend = await startBackend(
    db,
    7400 + (db === 'sqlite' ? 1 : 2),
    provider,
  );
  try {
    await startDeployments(backend.baseUrl, db);
    const t0 = Date.now();
    await createRollouts(backend.baseUrl, db);
    const createdIn = (Date.now() - t0) / 1000;
    await new Promise(r => setTimeout(r, OBSERVE_S * 1000));
    // Evaluations due in the last seconds may still be in flight; judge those due before.
    const cut = Date.now() - 5_000;
    await backend.stop();
    const { rollouts, evaluations } = await backend.readEvaluations();

    let expected = 0;
    for (const r of rollouts) {
      expected +=
        GATES.length *
        Math.max(
          0,
          Math.floor((cut - Number(r.started_at)) / (INTERVAL_S * 1000)),
        );
    }
    const judged = evaluations.filter(e => Number(e.due_at) <= cut);
    const lags = judged
      .map(e => (Number(e.at) - Number(e.due_at)) / 1000)
      .sort((a, b) => a - b);
    const perGateDue = new Set(
      judged.map(e => `${e.rollout_id}/${e.gate_id}@${e.due_at}`),
    );
    return {
      db,
      rollouts: rollouts.length,
      createdIn,
      evaluations: judged.length,
      expected,
      missed: expected - perGateDue.size,
      duplicates: judged.length - perGateDue.size,
      p50: quantile(lags, 0.5),
      p95: quantile(lags, 0.95),
      max: lags[lags.length - 1] ?? NaN,
      queries: provider.queries,
      maxInFlight: provider.maxInFlight,
    };
  } finally {
    await backend.stop().catch(() => undefined);
    await backend.cleanUp();
  }
}

async function main() {
  const rows = [];
  for (const db of availableDatabases()) rows.push(await run(db));
  const date = new Date().toISOString().slice(0, 10);
  console.log(`\n### Rollout watchers (${date}; ${machine()})\n`);
  console.log(
    `Command: \`./scripts/yarn workspace backend bench:gates\`. A real backend; ${ROLLOUTS.toLocaleString(
      'en',
    )} rollouts ` +
      `started through \`POST /v1/rollouts\` (${CREATE_PARALLEL} at a time), ${GATES.length} threshold gates each, every gate due ` +
      `every ${INTERVAL_S} s; a metric provider registered through the extension point answers each query in ${QUERY_MS} ms. ` +
      `Watcher defaults: a run every 5 s, 32 rollouts evaluated at once. Watched for ${OBSERVE_S} s after the last start; ` +
      'lag is the start of an evaluation minus the time it was due, over evaluations due up to 5 s before the end.\n',
  );
  console.log(
    '| database | rollouts | started in s | evaluations | due | missed | repeated | lag p50 s | lag p95 s | lag max s | queries in flight, max | every gate within 30 s |',
  );
  console.log(
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const r of rows) {
    const ok = r.missed === 0 && r.max < INTERVAL_S ? 'yes' : 'no';
    console.log(
      `| ${r.db} | ${r.rollouts} | ${r.createdIn.toFixed(1)} | ${
        r.evaluations
      } | ${r.expected} | ${r.missed} | ${r.duplicates} | ${r.p50.toFixed(
        2,
      )} | ${r.p95.toFixed(2)} | ${r.max.toFixed(2)} | ${
        r.maxInFlight
      } | ${ok} |`,
    );
  }
  process.exit(0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
