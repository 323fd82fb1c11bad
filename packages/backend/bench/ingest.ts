/*
 * Ingestion and release-history benchmark against a real backend over HTTP.
 * Run: ./scripts/yarn workspace backend bench:ingest
 */
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { generateHistory } from '@greenlight/backstage-plugin-greenlight-common';
import { cpuSince } from './cpuTime';
import { insertFloor, keysetFloor } from './floors';
import { availableDatabases, machine, postEvents as post, quantile, startBenchBackend } from './harness';
import { queryProfile } from './queryProfile';

const profile = queryProfile();

const BATCH = 500;
const INGEST_EVENTS = Number(process.env.BENCH_INGEST_EVENTS ?? 50_000);
const HISTORY_RELEASES = Number(process.env.BENCH_HISTORY_RELEASES ?? 50_000);
const PAGE_REQUESTS = 300;
/** Batches in flight at once, as several pipelines (or one pipeline's parallel jobs) send them. */
const SENDERS = Number(process.env.BENCH_INGEST_SENDERS ?? 1);

function historyOf(serviceId: string, releases: number): GreenlightEvent[] {
  const start = Date.parse('2020-01-01T00:00:00Z');
  return Array.from({ length: releases }, (_, i) => ({
    id: `hist-${i}`,
    type: 'deployment.finished' as const,
    serviceId,
    deployment: {
      id: `hist-dep-${i}`,
      environment: ['development', 'staging', 'production'][i % 3],
      status: i % 17 === 0 ? ('failed' as const) : ('succeeded' as const),
      strategy: 'canary' as const,
      intent: 'planned' as const,
      artifactDigest: `sha256:${i.toString(16).padStart(64, '0')}`,
      commitSha: i.toString(16).padStart(40, 'a'),
      startedAt: new Date(start + i * 600_000).toISOString(),
      finishedAt: new Date(start + i * 600_000 + 300_000).toISOString(),
    },
  }));
}

async function run(db: 'sqlite' | 'postgres') {
  const services = Array.from({ length: 40 }, (_, i) => ({
    serviceId: `bench-${i}`,
    repository: `github.com/acme/bench-${i}`,
    artifactPurl: `pkg:oci/acme/bench-${i}`,
    profile: (['elite', 'high', 'medium', 'low'] as const)[i % 4],
  }));
  const backend = await startBenchBackend({
    db,
    port: Number(process.env.BENCH_PORT ?? 7300) + (db === 'sqlite' ? 1 : 2),
    entities: [...services.map(s => ({ name: s.serviceId, serviceId: s.serviceId })), { name: 'history', serviceId: 'history' }],
  });
  try {
    const events = generateHistory({ seed: 1, services, start: Date.parse('2024-01-01T00:00:00Z'), days: 900 }).slice(0, INGEST_EVENTS);
    const batchTimes: number[] = [];
    profile.record(true);
    const cpu = cpuSince();
    const t0 = performance.now();
    let next = 0;
    const sender = async () => {
      for (let i = next; i < events.length; i = next) {
        next += BATCH;
        const b0 = performance.now();
        await post(backend.baseUrl, events.slice(i, i + BATCH));
        batchTimes.push(performance.now() - b0);
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, sender));
    const seconds = (performance.now() - t0) / 1000;
    const spent = cpu();
    profile.record(false);
    profile.report(`${db} ingestion`, Number(process.env.BENCH_PROFILE_TOP ?? 20), { unit: 'batch', count: batchTimes.length });
    batchTimes.sort((a, b) => a - b);

    const history = historyOf('history', HISTORY_RELEASES);
    for (let i = 0; i < history.length; i += BATCH) await post(backend.baseUrl, history.slice(i, i + BATCH));

    const pageTimes: number[] = [];
    profile.record(true);
    let cursor: string | undefined;
    for (let i = 0; i < PAGE_REQUESTS; i++) {
      const params = new URLSearchParams({ entityRef: 'component:default/history', limit: '25' });
      if (i % 3 === 1) params.set('environment', 'production');
      if (cursor && i % 3 === 2) params.set('cursor', cursor);
      const p0 = performance.now();
      const res = await fetch(`${backend.baseUrl}/api/greenlight/v1/releases?${params}`, {
        headers: { Authorization: `Bearer ${backend.userToken}` },
      });
      const body: any = await res.json();
      pageTimes.push(performance.now() - p0);
      if (res.status !== 200 || body.items.length !== 25) throw new Error(`page answered ${res.status}`);
      cursor = i % 3 === 0 ? body.nextCursor : cursor;
    }
    profile.record(false);
    profile.report(`${db} release pages`);
    pageTimes.sort((a, b) => a - b);

    const plugin = backend.openPluginDatabase();
    const floor = {
      eventsPerSecond: await insertFloor(plugin, events, BATCH),
      page: await keysetFloor(plugin, 'component:default/history', PAGE_REQUESTS),
    };
    await plugin.destroy();
    return {
      db,
      events: events.length,
      eventsPerSecond: Math.round(events.length / seconds),
      // CPU per 1,000 events: the backend's process (with the sender in it) and PostgreSQL's.
      backendCpu: (1000 * spent.processMs) / events.length,
      databaseCpu: db === 'postgres' && spent.postgresMs !== undefined ? (1000 * spent.postgresMs) / events.length : undefined,
      batchP50: quantile(batchTimes, 0.5),
      batchP95: quantile(batchTimes, 0.95),
      pageP50: quantile(pageTimes, 0.5),
      pageP95: quantile(pageTimes, 0.95),
      floor,
    };
  } finally {
    await backend.stop();
  }
}

async function main() {
  const rows = [];
  for (const db of availableDatabases()) rows.push(await run(db));
  const date = new Date().toISOString().slice(0, 10);
  console.log(`\n### Ingestion and release history (${date}; ${machine()})\n`);
  console.log(`Command: \`./scripts/yarn workspace backend bench:ingest\`. Native API over HTTP, batches of ${BATCH}, ${SENDERS === 1 ? 'sequential' : `${SENDERS} in flight at once (BENCH_INGEST_SENDERS)`}; release-history pages of 25 for an entity with ${HISTORY_RELEASES.toLocaleString('en')} releases (first pages, environment-filtered pages and cursor pages).\n`);
  console.log('| database | events | events/s | bare insert events/s | % of bare insert | batch p50 ms | batch p95 ms | backend CPU ms per 1,000 events | PostgreSQL CPU ms per 1,000 events | history page p50 ms | history page p95 ms | bare keyset page p95 ms | page p95 ÷ bare |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const share = (100 * r.eventsPerSecond) / r.floor.eventsPerSecond;
    const multiple = r.pageP95 / r.floor.page.p95;
    console.log(
      `| ${r.db} | ${r.events} | ${r.eventsPerSecond} | ${r.floor.eventsPerSecond} | ${share.toFixed(0)} % | ${r.batchP50.toFixed(1)} | ${r.batchP95.toFixed(1)} | ${r.backendCpu.toFixed(0)} | ${r.databaseCpu === undefined ? '—' : r.databaseCpu.toFixed(0)} | ${r.pageP50.toFixed(1)} | ${r.pageP95.toFixed(1)} | ${r.floor.page.p95.toFixed(2)} | ${multiple.toFixed(1)} |`,
    );
  }
  console.log(`\nThe floors are measured in the same run on the same database: **bare insert** is a multi-row INSERT of the same events in the same batches of ${BATCH} into a table shaped like \`events\` (on PostgreSQL the faster of a \`VALUES\` list and one JSON parameter per batch; no validation, entity lookup, projection, listeners or HTTP); **bare keyset page** is the keyset query of the same pages on \`deployments\` alone (no joins, new-commit counts, enrichers, authorisation or HTTP). **CPU per 1,000 events** is counted over the ingestion alone: the backend's process (the sender runs in it too) and, for a PostgreSQL server on this machine, the server's processes. It shows how the work divides between the two; on a virtual machine whose cores are shared with other work it rises and falls with the wall time, so it does not remove that noise.`);
  process.exit(0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
