/*
 * How long the Delivery tab takes to show a service's environments and release history in
 * a real headless Chromium, against the real backend serving the built app.
 * Run: ./scripts/yarn workspace app bench:delivery   (after `yarn workspace app build`)
 */
import { generateHistory, GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import os from 'node:os';
import { chromium } from 'playwright-core';
import { guestToken, PIPELINE_TOKEN, startPortal, waitFor } from './portal';

const LOADS = Number(process.env.BENCH_DELIVERY_LOADS ?? 20);
const DAY = 86_400_000;

function quantile(sorted: number[], q: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

async function run(db: 'sqlite' | 'postgres') {
  const portal = await startPortal(db === 'sqlite' ? 7181 : 7182, db);
  try {
    const token = await guestToken(portal.baseUrl);
    await waitFor('the demo catalog', async () => {
      const res = await fetch(`${portal.baseUrl}/api/catalog/entities/by-name/component/default/payments-api`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      return res.ok ? true : undefined;
    });
    const events: GreenlightEvent[] = generateHistory({
      seed: 7,
      services: [{ serviceId: 'payments-api', repository: 'github.com/acme/payments-api', artifactPurl: 'pkg:oci/acme/payments-api', profile: 'elite' }],
      start: Date.now() - 180 * DAY,
      days: 179,
    });
    for (let i = 0; i < events.length; i += 500) {
      const res = await fetch(`${portal.baseUrl}/api/greenlight/v1/events`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${PIPELINE_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ events: events.slice(i, i + 500) }),
      });
      if (!res.ok) throw new Error(`ingest answered ${res.status}`);
    }
    const releases = events.filter(e => e.type === 'deployment.finished').length;

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    const url = `${portal.baseUrl}/catalog/default/component/payments-api/delivery`;
    await page.goto(url);
    const enter = page.getByRole('button', { name: 'Enter' });
    await enter.waitFor({ timeout: 30_000 }).then(() => enter.click()).catch(() => undefined);
    await page.getByRole('group', { name: 'environment production' }).waitFor({ timeout: 60_000 });

    const times: number[] = [];
    for (let i = 0; i < LOADS + 2; i++) {
      const t0 = performance.now();
      await page.goto(url);
      await page.getByRole('group', { name: 'environment production' }).waitFor({ timeout: 60_000 });
      // a status chip of the first release-history row
      await page.getByText('Succeeded').first().waitFor({ timeout: 60_000 });
      // the first two loads warm caches and are not counted
      if (i >= 2) times.push(performance.now() - t0);
    }
    await browser.close();
    times.sort((a, b) => a - b);
    return { db, releases, loads: times.length, p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
  } finally {
    await portal.stop();
  }
}

/** Benchmark output is the product of this script, hence stdout. */
const print = (text: string) => process.stdout.write(`${text}\n`);

async function main() {
  const rows = [];
  const dbs: Array<'sqlite' | 'postgres'> = process.env.GREENLIGHT_BENCH_POSTGRES === 'off' ? ['sqlite'] : ['sqlite', 'postgres'];
  for (const db of dbs) rows.push(await run(db));
  const date = new Date().toISOString().slice(0, 10);
  const cpu = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`;
  print(`\n### Delivery tab in a real browser (${date}; ${cpu})\n`);
  print(
    `Command: \`./scripts/yarn workspace app bench:delivery\` (after \`./scripts/yarn workspace app build\`). The built app served by the real backend, headless Chromium; each load navigates to the Delivery tab of a service with 180 days of history and waits until the production environment and the first release-history row are on screen. ${LOADS} loads after 2 warm-up loads.\n`,
  );
  print('| database | releases of the service | loads | p50 ms | p95 ms |');
  print('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) print(`| ${r.db} | ${r.releases} | ${r.loads} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} |`);
  process.exit(0);
}

main().catch(e => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
