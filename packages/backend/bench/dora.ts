/*
 * DORA query benchmark: a generated organisation behind a real backend, queried over HTTP.
 * Run: ./scripts/yarn workspace backend bench:dora
 *
 * The organisation (doraOrganisation.ts) is rolled up with the backend's own buildDailyRollups;
 * the rollup rows, the per-entity facts and the incidents the data-quality findings read are
 * written to the plugin's database in bulk with knex. Posting a million deployments through
 * the API would take hours.
 */
import { createBackend } from '@backstage/backend-defaults';
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { seededRandom } from '@greenlight/backstage-plugin-greenlight-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import {
  catalogYaml,
  DAYS,
  DEPARTMENTS,
  ENTITIES,
  entityName,
  generate,
  Generated,
  TEAMS,
  teamName,
  WINDOW,
} from './doraOrganisation';
import { databaseConfig, dropBenchDatabase, machine, pgConnection, quantile } from './harness';

const RUNS = { entity: 200, team: 100, department: 30, organization: 15 };
/** e.g. `organization` or `entity,team`: measure only these kinds (for profiling). */
const ONLY = process.env.BENCH_DORA_ONLY?.split(',');
const wanted = (kind: keyof typeof RUNS) => !ONLY || ONLY.includes(kind);

type Db = 'sqlite' | 'postgres';

/** A knex of our own on the plugin's database, to load the generated rows. */
function pluginKnex(db: Db, dir: string, database: string): Knex {
  if (db === 'sqlite') {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'sqlite', 'greenlight.sqlite') },
      useNullAsDefault: true,
    });
  }
  return knexFactory({ client: 'pg', connection: pgConnection(database), searchPath: ['greenlight'] });
}

async function load(knex: Knex, data: Generated) {
  const batch = 500;
  for (const [table, rows] of [
    ['dora_daily_rollups', data.rollups],
    ['dora_weekly_rollups', data.weeklyRollups],
    ['dora_entities', data.facts],
    ['incidents', data.incidents],
    ['incident_entities', data.incidentEntities],
  ] as const) {
    await knex.transaction(async tx => {
      for (let i = 0; i < rows.length; i += batch) await tx(table).insert(rows.slice(i, i + batch));
    });
  }
  await knex.raw('analyze');
}

async function startBackend(db: Db, port: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlight-bench-dora-'));
  fs.mkdirSync(path.join(dir, 'sqlite'));
  const catalogFile = path.join(dir, 'organisation.yaml');
  fs.writeFileSync(catalogFile, catalogYaml());
  const database = `greenlight_bench_dora_${Date.now()}`;
  const baseUrl = `http://localhost:${port}`;
  const config = new ConfigReader({
    app: { baseUrl },
    backend: { baseUrl, listen: { port }, database: databaseConfig(db, dir, database) },
    auth: { providers: { guest: { userEntityRef: 'user:default/guest', dangerouslyAllowOutsideDevelopment: true } } },
    catalog: {
      rules: [{ allow: ['Component', 'Group', 'User', 'Location'] }],
      locations: [{ type: 'file', target: catalogFile }],
      processingInterval: { minutes: 30 },
    },
    permission: { enabled: true },
    greenlight: {
      environments: [
        { name: 'production', tier: 'production' },
        { name: 'production-eu', tier: 'production' },
      ],
    },
  });
  const backend = createBackend();
  backend.add(createServiceFactory({ service: coreServices.rootConfig, deps: {}, factory: () => config }));
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(import('../src/permissions/module'));
  backend.add(import('@greenlight/backstage-plugin-greenlight-backend'));
  await backend.start();
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
  });
  const token: string = ((await res.json()) as any).backstageIdentity.token;
  return {
    baseUrl,
    token,
    knex: () => pluginKnex(db, dir, database),
    async stop() {
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      if (db === 'postgres') await dropBenchDatabase(database);
    },
  };
}

async function getJson(url: string, token: string) {
  const request = () => fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  // A keep-alive connection the server closed while the rows were loading is reset once.
  const res = await request().catch(request);
  const body: any = await res.json();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** The catalog has loaded and stitched the organisation: the last department knows its teams. */
async function waitForCatalog(baseUrl: string, token: string) {
  const started = Date.now();
  for (;;) {
    const components = await getJson(`${baseUrl}/api/catalog/entities/by-query?filter=kind=component&limit=1`, token);
    const dept = await fetch(`${baseUrl}/api/catalog/entities/by-name/group/default/dept-${DEPARTMENTS - 1}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const relations = dept.status === 200 ? ((await dept.json()) as any).relations ?? [] : [];
    const owned = await getJson(
      `${baseUrl}/api/catalog/entities/by-query?filter=relations.ownedBy=group:default/${teamName(TEAMS - 1)}&limit=1`,
      token,
    );
    if (
      components.totalItems >= ENTITIES &&
      relations.filter((r: any) => r.type === 'parentOf').length >= TEAMS / DEPARTMENTS &&
      owned.totalItems >= Math.floor(ENTITIES / TEAMS)
    ) {
      return (Date.now() - started) / 1000;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

/**
 * p50/p95 of one kind of request. `cold`: before each request (outside the timing) one
 * entity of the scope is marked rebuilt, so the answer is computed from the rollups again
 * instead of coming from the answer cache; `warm`: the same scope asked again and again.
 */
async function measure(options: {
  name: string;
  runs: number;
  url: (i: number) => string;
  token: string;
  check: (body: any) => void;
  invalidate?: (i: number) => Promise<void>;
}) {
  const { runs, url, token, check, invalidate } = options;
  for (let i = 0; i < 3; i++) check(await getJson(url(runs + i), token));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await invalidate?.(i);
    const t0 = performance.now();
    const body = await getJson(url(i), token);
    times.push(performance.now() - t0);
    check(body);
  }
  times.sort((a, b) => a - b);
  return { name: options.name, runs, p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

async function run(db: Db, data: Generated) {
  const backend = await startBackend(db, db === 'sqlite' ? 7311 : 7312);
  try {
    const catalogSeconds = await waitForCatalog(backend.baseUrl, backend.token);
    const knex = backend.knex();
    const t0 = performance.now();
    await load(knex, data);
    const loadSeconds = (performance.now() - t0) / 1000;

    const rng = seededRandom(7);
    const picks = (n: number, count: number) => Array.from({ length: count + 3 }, () => rng.int(0, n - 1));
    const entities = picks(ENTITIES, RUNS.entity);
    const teams = picks(TEAMS, RUNS.team);
    const departments = picks(DEPARTMENTS, RUNS.department);
    const q = (params: Record<string, string>) =>
      `${backend.baseUrl}/api/greenlight/v1/dora?${new URLSearchParams({ ...params, ...WINDOW })}`;
    // As if the scheduled task had just rebuilt this entity's rollups.
    const rebuilt = (index: number) => async () => {
      await knex('dora_entities')
        .where('entity_ref', `component:default/${entityName(index)}`)
        .update({ rebuilt_at: knex.raw('rebuilt_at + 1') });
    };
    const kinds = [
      {
        kind: 'entity' as const,
        name: 'entity (1 entity)',
        url: (i: number) => q({ entityRef: `component:default/${entityName(entities[i])}` }),
        member: (i: number) => entities[i],
        size: 1,
        scope: (b: any) => b.scope.entityRefs,
      },
      {
        kind: 'team' as const,
        name: `team (${ENTITIES / TEAMS} entities)`,
        url: (i: number) => q({ groupRef: `group:default/${teamName(teams[i])}` }),
        member: (i: number) => teams[i],
        size: ENTITIES / TEAMS,
        scope: (b: any) => b.breakdown.length,
      },
      {
        kind: 'department' as const,
        name: `department (${ENTITIES / DEPARTMENTS} entities in ${TEAMS / DEPARTMENTS} child teams)`,
        url: (i: number) => q({ groupRef: `group:default/dept-${departments[i]}` }),
        member: (i: number) => departments[i],
        size: ENTITIES / DEPARTMENTS,
        scope: (b: any) => b.breakdown.length,
      },
      {
        kind: 'organization' as const,
        name: `organisation (${ENTITIES} entities)`,
        url: () => q({}),
        member: (i: number) => i,
        size: ENTITIES,
        scope: (b: any) => b.scope.entityRefs,
      },
    ];
    const results = [];
    for (const k of kinds.filter(x => wanted(x.kind))) {
      const check = (b: any) => {
        if (k.scope(b) !== k.size) throw new Error(`${k.name}: scope had ${k.scope(b)}`);
      };
      // `member` is an entity of the scope: entity t is in team t, and in department t.
      results.push({
        ...(await measure({
          name: k.name,
          runs: RUNS[k.kind],
          url: k.url,
          token: backend.token,
          check,
          invalidate: i => rebuilt(k.member(i))(),
        })),
        cache: 'cold',
      });
      results.push({
        ...(await measure({ name: k.name, runs: RUNS[k.kind], url: k.url, token: backend.token, check })),
        cache: 'warm',
      });
    }
    await knex.destroy();
    return { db, catalogSeconds, loadSeconds, results };
  } finally {
    await backend.stop();
  }
}

async function main() {
  const t0 = performance.now();
  const data = generate();
  const generateSeconds = (performance.now() - t0) / 1000;
  const dbs: Db[] = process.env.GREENLIGHT_BENCH_POSTGRES === 'off' ? ['sqlite'] : ['sqlite', 'postgres'];
  const runs = [];
  for (const db of dbs) runs.push(await run(db, data));

  const date = new Date().toISOString().slice(0, 10);
  console.log(`\n### DORA queries (${date}; ${machine()})\n`);
  console.log(
    `Command: \`./scripts/yarn workspace backend bench:dora\`. Generated organisation: ${ENTITIES.toLocaleString('en')} components owned by ${TEAMS} teams under ${DEPARTMENTS} departments; ${data.deployments.toLocaleString('en')} production deployments and ${data.commits.toLocaleString('en')} commits over ${DAYS} days, ${data.incidents.length.toLocaleString('en')} incidents; ${data.rollups.length.toLocaleString('en')} daily and ${data.weeklyRollups.length.toLocaleString('en')} weekly rollup rows (generated and rolled up in ${generateSeconds.toFixed(0)} s). Each request is \`GET /v1/dora\` over HTTP as a signed-in user for a 90-day window with its previous period, weekly trend, per-entity breakdown and data-quality findings; the catalog lookups (scope resolution, visibility) go to the real catalog backend. Three warm-up requests per kind are not counted.\n`,
  );
  console.log('| database | query | answer cache | runs | p50 ms | p95 ms |');
  console.log('| --- | --- | --- | ---: | ---: | ---: |');
  for (const r of runs) {
    for (const m of r.results) {
      console.log(`| ${r.db} | ${m.name} | ${m.cache} | ${m.runs} | ${m.p50.toFixed(1)} | ${m.p95.toFixed(1)} |`);
    }
  }
  for (const r of runs) {
    console.log(`\n${r.db}: catalog ready in ${r.catalogSeconds.toFixed(0)} s, rows loaded in ${r.loadSeconds.toFixed(0)} s.`);
  }
  process.exit(0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
