/* Starts a real Greenlight backend (catalog, auth, permissions, Greenlight) for benchmarks. */
import { createBackend } from '@backstage/backend-defaults';
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PIPELINE_TOKEN = 'bench-pipeline-token';

export type BenchDatabase = 'sqlite' | 'postgres';

export function availableDatabases(): BenchDatabase[] {
  const dbs: BenchDatabase[] = [];
  if (process.env.GREENLIGHT_BENCH_SQLITE !== 'off') dbs.push('sqlite');
  if (process.env.GREENLIGHT_BENCH_POSTGRES !== 'off') dbs.push('postgres');
  return dbs;
}

/** The benchmark's PostgreSQL server (`POSTGRES_*`, else the local one), on `database`. */
export function pgConnection(database: string) {
  return {
    host: process.env.POSTGRES_HOST ?? '127.0.0.1',
    port: Number(process.env.POSTGRES_PORT ?? 5432),
    user: process.env.POSTGRES_USER ?? 'postgres',
    password: process.env.POSTGRES_PASSWORD ?? '',
    database,
  };
}

/** Backstage's database config for a benchmark backend: SQLite files in `dir`, or a PostgreSQL database. */
export function databaseConfig(db: BenchDatabase, dir: string, name?: string) {
  if (db === 'sqlite') {
    return { client: 'better-sqlite3', connection: { directory: path.join(dir, 'sqlite') } };
  }
  return {
    client: 'pg',
    pluginDivisionMode: 'schema',
    connection: pgConnection(name ?? `greenlight_bench_${Date.now()}`),
  };
}

/**
 * Drops a benchmark's PostgreSQL database once its backends have stopped: each run loads
 * about 100,000 events, and kept databases fill the disk of a machine that runs the
 * benchmarks often. `BENCH_KEEP_DATABASE=1` keeps it for inspection (EXPLAIN on its data).
 */
export async function dropBenchDatabase(name: string) {
  if (process.env.BENCH_KEEP_DATABASE) {
    console.log(`kept PostgreSQL database ${name} (BENCH_KEEP_DATABASE)`);
    return;
  }
  const admin = knexFactory({ client: 'pg', connection: pgConnection('postgres') });
  try {
    await admin.raw('drop database if exists ?? with (force)', [name]);
  } finally {
    await admin.destroy();
  }
}

export async function startBenchBackend(options: {
  db: BenchDatabase;
  port: number;
  entities: Array<{ name: string; serviceId: string }>;
  /** A PostgreSQL database to share with another instance, instead of a new one. */
  databaseName?: string;
}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlight-bench-'));
  fs.mkdirSync(path.join(dir, 'sqlite'));
  const catalogFile = path.join(dir, 'entities.yaml');
  fs.writeFileSync(
    catalogFile,
    options.entities
      .map(
        e => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${e.name}
  annotations:
    greenlight.dev/service-id: ${e.serviceId}
spec:
  type: service
  lifecycle: production
  owner: group:default/bench
`,
      )
      .join('---\n'),
  );
  const baseUrl = `http://localhost:${options.port}`;
  const databaseName = options.db === 'postgres' ? (options.databaseName ?? `greenlight_bench_${Date.now()}`) : undefined;
  const database = databaseConfig(options.db, dir, databaseName);
  const config = new ConfigReader({
    app: { baseUrl },
    backend: {
      baseUrl,
      listen: { port: options.port },
      database,
      auth: {
        externalAccess: [
          { type: 'static', options: { token: PIPELINE_TOKEN, subject: 'bench' } },
        ],
      },
    },
    auth: { providers: { guest: { userEntityRef: 'user:default/guest', dangerouslyAllowOutsideDevelopment: true } } },
    catalog: {
      rules: [{ allow: ['Component', 'User', 'Group', 'Location'] }],
      locations: [{ type: 'file', target: catalogFile }],
      processingInterval: { minutes: 30 },
    },
    permission: { enabled: true },
    greenlight: { ingest: { maxBodySize: '20mb' } },
  });

  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => config,
    }),
  );
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(import('../src/permissions/module'));
  backend.add(import('@greenlight/backstage-plugin-greenlight-backend'));
  await backend.start();

  const userToken = await guestToken(baseUrl);
  await waitForEntities(baseUrl, userToken, options.entities.length);
  return {
    baseUrl,
    userToken,
    databaseName,
    /** A separate connection to the Greenlight plugin's own tables, for floor measurements. */
    openPluginDatabase(): Knex {
      if (options.db === 'sqlite') {
        return knexFactory({
          client: 'better-sqlite3',
          connection: { filename: path.join(dir, 'sqlite', 'greenlight.sqlite') },
          useNullAsDefault: true,
        });
      }
      return knexFactory({ client: 'pg', connection: pgConnection(databaseName!), searchPath: ['greenlight'] });
    },
    async stop() {
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      // The instance that made the database drops it; one sharing it leaves it alone.
      if (databaseName && !options.databaseName) await dropBenchDatabase(databaseName);
    },
  };
}

async function guestToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
  });
  const body: any = await res.json();
  return body.backstageIdentity.token;
}

async function waitForEntities(baseUrl: string, token: string, count: number) {
  for (let i = 0; i < 300; i++) {
    const res = await fetch(
      `${baseUrl}/api/catalog/entities/by-query?filter=kind=component&limit=1`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    const body: any = await res.json();
    if ((body.totalItems ?? 0) >= count) return;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error('catalog did not load the benchmark entities');
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export function machine() {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`;
}

/** Posts one batch of native events, as a pipeline with the benchmark's token does. */
export async function postEvents(baseUrl: string, events: GreenlightEvent[]) {
  const send = () =>
    fetch(`${baseUrl}/api/greenlight/v1/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${PIPELINE_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ events }),
    });
  // A kept-alive connection the server closed while idle fails once with ECONNRESET; the
  // batch is idempotent, so sending it again is what a pipeline would do.
  const res = await send().catch(send);
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
}
