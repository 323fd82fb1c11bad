/*
 * Two backend instances on one PostgreSQL database taking ingestion traffic at once.
 * Run: ./scripts/yarn workspace backend bench:ingest-pair
 */
import { generateHistory } from '@greenlight/backstage-plugin-greenlight-common';
import { insertFloor } from './floors';
import { machine, postEvents, startBenchBackend } from './harness';

const BATCH = 500;
const EVENTS = Number(process.env.BENCH_INGEST_EVENTS ?? 50_000);

async function main() {
  const services = Array.from({ length: 40 }, (_, i) => ({
    serviceId: `bench-${i}`,
    repository: `github.com/acme/bench-${i}`,
    artifactPurl: `pkg:oci/acme/bench-${i}`,
    profile: (['elite', 'high', 'medium', 'low'] as const)[i % 4],
  }));
  const entities = services.map(s => ({
    name: s.serviceId,
    serviceId: s.serviceId,
  }));
  const port = Number(process.env.BENCH_PORT ?? 7300);
  const first = await startBenchBackend({
    db: 'postgres',
    port: port + 3,
    entities,
  });
  const second = await startBenchBackend({
    db: 'postgres',
    port: port + 4,
    entities,
    databaseName: first.databaseName,
  });
  try {
    const events = generateHistory({
      seed: 1,
      services,
      start: Date.parse('2024-01-01T00:00:00Z'),
      days: 900,
    }).slice(0, EVENTS);
    const batches: Array<typeof events> = [];
    for (let i = 0; i < events.length; i += BATCH)
      batches.push(events.slice(i, i + BATCH));
    // Each instance takes every other batch, one at a time, both at once: two pipelines'
    // replicas behind a load balancer.
    const t0 = performance.now();
    await Promise.all(
      [first, second].map(async (backend, which) => {
        for (let i = which; i < batches.length; i += 2)
          await postEvents(backend.baseUrl, batches[i]);
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const plugin = first.openPluginDatabase();
    const [{ n }] = await plugin('events').count('* as n');
    const floor = await insertFloor(plugin, events, BATCH);
    await plugin.destroy();
    if (Number(n) !== events.length)
      throw new Error(`${n} events stored, ${events.length} sent`);

    const perSecond = Math.round(events.length / seconds);
    const date = new Date().toISOString().slice(0, 10);
    console.log(
      `\n### Two instances on one PostgreSQL (${date}; ${machine()})\n`,
    );
    console.log(
      `Command: \`./scripts/yarn workspace backend bench:ingest-pair\`. Two backends on one database; each takes every other batch of ${BATCH}, one at a time, both at once.\n`,
    );
    console.log(
      '| events | events/s of the pair | bare insert events/s | % of bare insert |',
    );
    console.log('| ---: | ---: | ---: | ---: |');
    console.log(
      `| ${events.length} | ${perSecond} | ${floor} | ${(
        (100 * perSecond) /
        floor
      ).toFixed(0)} % |`,
    );
  } finally {
    await second.stop();
    await first.stop();
  }
  process.exit(0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
