/*
 * How long the Delivery tab takes to show a service's first release-history row in a real
 * headless Chromium, against the real backend serving the built app, on a service with 180
 * days of history. Three measurements, each with 2 warm-up loads that are not counted:
 *
 * - in-app: the Overview of the entity is open and settled; time from the click on the
 *   Delivery tab to the first release row on screen (what a person does);
 * - cold: a full page load of the Delivery tab's URL in a tab that shows nothing yet (as when
 *   a link to the tab is opened); time from the start of the navigation to the first release
 *   row on screen (the app, sign-in and entity load included);
 * - cold over an open tab: the same load, made while the Delivery tab is already open in that
 *   tab (a reload): the open page's teardown falls inside the timing.
 *
 * Beside the first row, the time to the whole first page of releases is reported, and for cold
 * loads when the catalog's answer with the entity arrived: Backstage renders no part of an entity
 * page before it, so it is the floor of any entity tab's cold load on that machine.
 *
 * Times are taken in the page: a mutation observer notes when each landmark enters the DOM and
 * the next animation frame (the frame that paints it) is the time recorded.
 *
 * Run: ./scripts/yarn workspace app bench:delivery   (after `./scripts/yarn workspace app build`)
 * GREENLIGHT_BENCH_POSTGRES=off: SQLite only. BENCH_DELIVERY_LOADS: counted loads (default 20).
 * BENCH_DELIVERY_TRACE=on: also print the waterfall of one cold load and one in-app load
 * (every request with its start and end, long tasks, landmarks) on each database.
 */
import { generateHistory, GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import fs from 'node:fs';
import os from 'node:os';
import { Browser, chromium, Page, Request } from 'playwright-core';
import { guestToken, PIPELINE_TOKEN, startPortal, waitFor } from './portal';

const LOADS = Number(process.env.BENCH_DELIVERY_LOADS ?? 20);
const WARM_UP = 2;
const TRACE = process.env.BENCH_DELIVERY_TRACE === 'on';
/**
 * With the trace: also a CPU profile and a performance trace of the traced click, and a
 * performance trace (with JavaScript samples) of the traced cold load, written to this directory.
 */
const PROFILE_DIR = process.env.BENCH_DELIVERY_PROFILE_DIR;
const DAY = 86_400_000;
const ENTITY_PATH = '/catalog/default/component/payments-api';

type Landmark = 'shell' | 'header' | 'environments' | 'firstRow' | 'fullPage';
const LANDMARK_NAMES: Record<Landmark, string> = {
  shell: 'app shell (sidebar)',
  header: 'entity header',
  environments: 'environments strip (production)',
  firstRow: 'first release row',
  fullPage: 'whole first page of releases',
};
/** Releases on the tab's first page (its default page size). */
const PAGE_SIZE = 25;

type BenchState = {
  /** When each landmark was first painted, in ms of the page's clock. */
  painted: Partial<Record<Landmark, number>>;
  longTasks: Array<{ start: number; duration: number }>;
  /** When the armed click happened (in-app measurement). */
  clickAt?: number;
  armed: boolean;
};

/** Runs in the page before any of its scripts. */
function instrument(pageSize: number) {
  const w = window as unknown as { __bench: BenchState & { arm(): void } };
  const state: BenchState = { painted: {}, longTasks: [], armed: false };
  performance.setResourceTimingBufferSize(5000);
  const seen: Record<string, true> = {};
  const found: Record<Landmark, () => Element | null | undefined> = {
    shell: () => document.querySelector('nav'),
    header: () =>
      Array.from(document.querySelectorAll('h1, h2, [role="heading"]')).find(h =>
        h.textContent?.includes('payments-api'),
      ),
    environments: () => document.querySelector('[role="group"][aria-label="environment production" i]'),
    firstRow: () => document.querySelector('#greenlight-release-history tbody [data-release-detail]'),
    fullPage: () =>
      document.querySelectorAll('#greenlight-release-history tbody [data-release-detail]').length >= pageSize
        ? document.body
        : null,
  };
  const check = () => {
    for (const key of Object.keys(found) as Landmark[]) {
      if (!seen[key] && found[key]()) {
        seen[key] = true;
        requestAnimationFrame(() => {
          state.painted[key] = performance.now();
        });
      }
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) state.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no long-task timing in this browser
  }
  document.addEventListener(
    'click',
    () => {
      if (!state.armed) return;
      state.armed = false;
      state.clickAt = performance.now();
      state.painted = {};
      for (const key of Object.keys(seen)) delete seen[key];
    },
    true,
  );
  w.__bench = Object.assign(state, {
    arm() {
      state.armed = true;
    },
  });
}

function quantile(sorted: number[], q: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const loadAverage = () =>
  os
    .loadavg()
    .map(l => l.toFixed(2))
    .join(', ');

type Traced = { url: string; method: string; status: number; start: number; ttfb: number; end: number; bytes: number };

/** Every request of the page, on the page's clock (ms since its navigation started). */
function recordRequests(page: Page) {
  const requests: Array<{ request: Request; bytes?: number; status?: number }> = [];
  page.on('requestfinished', async request => {
    const entry: { request: Request; bytes?: number; status?: number } = { request };
    requests.push(entry);
    const response = await request.response().catch(() => null);
    entry.status = response?.status();
  });
  return async (timeOrigin: number, since = 0): Promise<Traced[]> => {
    await new Promise(r => setTimeout(r, 200));
    // bytes as sent (compressed), from the page's resource timing; the browser's cache sends none
    const sizes = new Map(
      await page.evaluate(() =>
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map(
          e => [e.name.replace(/^https?:\/\/[^/]+/, ''), e.encodedBodySize] as [string, number],
        ),
      ),
    );
    for (const entry of requests) entry.bytes = sizes.get(entry.request.url().replace(/^https?:\/\/[^/]+/, ''));
    return requests
      .map(({ request, bytes, status }) => {
        const t = request.timing();
        const start = t.startTime - timeOrigin;
        return {
          url: request.url().replace(/^https?:\/\/[^/]+/, ''),
          method: request.method(),
          status: status ?? 0,
          start,
          ttfb: t.responseStart >= 0 && t.requestStart >= 0 ? t.responseStart - t.requestStart : NaN,
          end: start + (t.responseEnd >= 0 ? t.responseEnd : 0),
          bytes: bytes ?? 0,
        };
      })
      .filter(r => r.start >= since - 1)
      .sort((a, b) => a.start - b.start);
  };
}

const bench = (page: Page) => page.evaluate(() => (window as unknown as { __bench: BenchState }).__bench);

async function waitForFirstRow(page: Page) {
  const painted = (landmark: Landmark) =>
    page.waitForFunction(
      key => (window as unknown as { __bench: BenchState }).__bench.painted[key] !== undefined,
      landmark,
      { timeout: 60_000, polling: 50 },
    );
  await painted('firstRow');
  // The benchmark's service has hundreds of releases, so its first page is always full.
  await painted('fullPage').catch(() => {
    throw new Error(`no page of ${PAGE_SIZE} releases was painted: the benchmark needs a service with a full page`);
  });
  return bench(page);
}

/** What the performance traces record: tasks, script, style, layout and paint, with stacks. */
const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.stack',
  'blink.user_timing',
];

/** A full page load of the Delivery tab: navigation start → first release row painted. */
async function coldLoad(page: Page, baseUrl: string, traceTo?: string, overOpenTab = false) {
  if (traceTo) {
    // A performance trace with JavaScript samples: script evaluation, tasks, style and layout.
    await page
      .context()
      .browser()!
      .startTracing(page, {
        path: traceTo,
        categories: [...TRACE_CATEGORIES, 'disabled-by-default-v8.cpu_profiler'],
      });
  }
  // Unless measuring a reload, the page before it is left first, outside the timing: a cold
  // load is then this page's own load, not the teardown of whichever page was open before it.
  if (!overOpenTab) await page.goto('about:blank');
  let state: BenchState;
  try {
    await page.goto(`${baseUrl}${ENTITY_PATH}/delivery`);
    state = await waitForFirstRow(page);
  } finally {
    if (traceTo) await page.context().browser()!.stopTracing();
  }
  // When the catalog's answer with the entity arrived: no part of the entity page, Greenlight's
  // tab included, can render before it.
  const entityMs = await page.evaluate(
    () =>
      (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find(e =>
        e.name.includes('/api/catalog/entities/by-name/'),
      )?.responseEnd,
  );
  return {
    ms: state.painted.firstRow!,
    fullMs: state.painted.fullPage!,
    entityMs,
    from: 0,
    state,
  };
}


/** The settled Overview, then a click on the Delivery tab: click → first release row painted. */
async function inAppLoad(page: Page, baseUrl: string, profileTo?: string) {
  await page.goto(`${baseUrl}${ENTITY_PATH}`);
  const tab = page.getByRole('tab', { name: 'Delivery' }).or(page.getByRole('link', { name: 'Delivery' })).first();
  await tab.waitFor({ timeout: 60_000 });
  // the Overview's own cards have loaded and the page is idle, as when a person reads it
  await page.getByRole('group', { name: 'environment production' }).first().waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle', { timeout: 60_000 }).catch(() => undefined);
  await page.waitForTimeout(300);
  await page.evaluate(() => (window as unknown as { __bench: { arm(): void } }).__bench.arm());
  const profiler = profileTo ? await page.context().newCDPSession(page) : undefined;
  if (profileTo) {
    // A performance trace too: style recalculation and layout, with the script that forced them.
    await page
      .context()
      .browser()!
      .startTracing(page, {
        path: profileTo.replace(/\.cpuprofile$/, '.trace.json'),
        categories: TRACE_CATEGORIES,
      });
  }
  if (profiler) {
    await profiler.send('Profiler.enable');
    await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
    await profiler.send('Profiler.start');
  }
  let state: BenchState;
  try {
    await tab.click();
    state = await waitForFirstRow(page);
    if (profiler) {
      // A CPU profile of the click, for DevTools (or any .cpuprofile reader) with the build's source maps.
      const { profile } = await profiler.send('Profiler.stop');
      fs.writeFileSync(profileTo!, JSON.stringify(profile));
    }
  } finally {
    if (profileTo) await page.context().browser()!.stopTracing();
  }
  return {
    ms: state.painted.firstRow! - state.clickAt!,
    fullMs: state.painted.fullPage! - state.clickAt!,
    // the entity was loaded before the click
    entityMs: undefined as number | undefined,
    from: state.clickAt!,
    state,
  };
}

async function newPage(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  await context.addInitScript(instrument, PAGE_SIZE);
  return context.newPage();
}

function waterfall(title: string, from: number, state: BenchState, requests: Traced[], nav?: Record<string, number>) {
  const rel = (t: number) => (t - from).toFixed(0);
  const lines = [`\n#### ${title}\n`];
  if (nav) {
    lines.push(
      `Navigation: response end ${nav.responseEnd.toFixed(0)} ms, DOMContentLoaded ${nav.domContentLoaded.toFixed(0)} ms, load ${nav.load.toFixed(0)} ms.\n`,
    );
  }
  lines.push(
    `Landmarks: ${(Object.keys(LANDMARK_NAMES) as Landmark[])
      .map(k => `${LANDMARK_NAMES[k]} ${state.painted[k] === undefined ? '—' : `${rel(state.painted[k]!)} ms`}`)
      .join(', ')}.\n`,
  );
  const tasks = state.longTasks.filter(t => t.start + t.duration >= from);
  lines.push(
    `Long tasks (${tasks.length}, ${tasks.reduce((s, t) => s + t.duration, 0).toFixed(0)} ms in all): ${
      tasks.map(t => `${rel(t.start)}+${t.duration.toFixed(0)}`).join(', ') || 'none'
    }.\n`,
  );
  lines.push('| start ms | end ms | server (TTFB) ms | kB sent | status | request |', '| ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of requests) {
    const url = r.url.length > 110 ? `${r.url.slice(0, 107)}…` : r.url;
    lines.push(
      `| ${rel(r.start)} | ${rel(r.end)} | ${Number.isNaN(r.ttfb) ? '' : r.ttfb.toFixed(0)} | ${(r.bytes / 1024).toFixed(1)} | ${r.status} | ${r.method} ${url.replace(/\|/g, '\\|')} |`,
    );
  }
  return lines.join('\n');
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
      services: [
        {
          serviceId: 'payments-api',
          repository: 'github.com/acme/payments-api',
          artifactPurl: 'pkg:oci/acme/payments-api',
          profile: 'elite',
        },
      ],
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

    // The release-history API alone, as the tab asks for its first page.
    const api: number[] = [];
    for (let i = 0; i < 20 + WARM_UP; i++) {
      const t0 = performance.now();
      const res = await fetch(
        `${portal.baseUrl}/api/greenlight/v1/releases?entityRef=${encodeURIComponent('component:default/payments-api')}&limit=25`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      await res.arrayBuffer();
      if (i >= WARM_UP) api.push(performance.now() - t0);
    }
    api.sort((a, b) => a - b);

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    const page = await newPage(browser);
    await page.goto(`${portal.baseUrl}${ENTITY_PATH}/delivery`);
    const enter = page.getByRole('button', { name: 'Enter' });
    await enter
      .waitFor({ timeout: 30_000 })
      .then(() => enter.click())
      .catch(() => undefined);
    await waitForFirstRow(page);

    const traces: string[] = [];
    const measure = async (kind: 'in-app' | 'cold' | 'reload') => {
      const times: number[] = [];
      const fullTimes: number[] = [];
      const entityTimes: number[] = [];
      /** From the catalog's entity to the first row, per load. */
      const afterEntity: number[] = [];
      /** Each counted load: first row, and when the catalog's entity arrived (cold loads). */
      const each: Array<{ ms: number; entityMs?: number }> = [];
      for (let i = 0; i < LOADS + WARM_UP; i++) {
        const r =
          kind === 'in-app'
            ? await inAppLoad(page, portal.baseUrl)
            : await coldLoad(page, portal.baseUrl, undefined, kind === 'reload');
        // the first loads warm caches and are not counted
        if (i >= WARM_UP) {
          times.push(r.ms);
          fullTimes.push(r.fullMs);
          each.push({ ms: r.ms, entityMs: r.entityMs });
          if (r.entityMs !== undefined) {
            entityTimes.push(r.entityMs);
            afterEntity.push(r.ms - r.entityMs);
          }
        }
      }
      times.sort((a, b) => a - b);
      fullTimes.sort((a, b) => a - b);
      entityTimes.sort((a, b) => a - b);
      afterEntity.sort((a, b) => a - b);
      return {
        entity:
          entityTimes.length > 0
            ? {
                p50: quantile(entityTimes, 0.5),
                p95: quantile(entityTimes, 0.95),
                afterP50: quantile(afterEntity, 0.5),
                afterP95: quantile(afterEntity, 0.95),
              }
            : undefined,
        loads: times.length,
        p50: quantile(times, 0.5),
        p95: quantile(times, 0.95),
        fullP50: quantile(fullTimes, 0.5),
        fullP95: quantile(fullTimes, 0.95),
        /** Every counted load, in the order run: where the tail is, and when. */
        all: each,
      };
    };
    const loadavgBefore = loadAverage();
    const inApp = await measure('in-app');
    const cold = await measure('cold');
    const reload = await measure('reload');
    const loadavgAfter = loadAverage();

    if (TRACE) {
      // One more of each, on a fresh tab of the same signed-in browser, traced.
      for (const kind of ['cold', 'in-app'] as const) {
        const traced = await page.context().newPage();
        const requests = recordRequests(traced);
        const profileTo = PROFILE_DIR && kind === 'in-app' ? `${PROFILE_DIR}/in-app-${db}.cpuprofile` : undefined;
        const r =
          kind === 'cold'
            ? await coldLoad(traced, portal.baseUrl, PROFILE_DIR && `${PROFILE_DIR}/cold-${db}.trace.json`)
            : await inAppLoad(traced, portal.baseUrl, profileTo);
        await traced.waitForTimeout(1500);
        const timeOrigin = await traced.evaluate(() => performance.timeOrigin);
        const nav =
          kind === 'cold'
            ? await traced.evaluate(() => {
                const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
                return { responseEnd: n.responseEnd, domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd };
              })
            : undefined;
        traces.push(
          waterfall(
            `${db}: ${kind === 'cold' ? 'cold load of the Delivery tab (times from navigation start)' : 'click on the Delivery tab from the Overview (times from the click)'} — first row at ${r.ms.toFixed(0)} ms`,
            r.from,
            await bench(traced),
            await requests(timeOrigin, r.from),
            nav,
          ),
        );
        await traced.close();
      }
    }
    await browser.close();
    return { db, releases, inApp, cold, reload, api, loadavgBefore, loadavgAfter, traces };
  } finally {
    await portal.stop();
  }
}

/** Benchmark output is the product of this script, hence stdout. */
const print = (text: string) => process.stdout.write(`${text}\n`);

async function main() {
  const rows = [];
  const dbs: Array<'sqlite' | 'postgres'> =
    process.env.GREENLIGHT_BENCH_POSTGRES === 'off' ? ['sqlite'] : ['sqlite', 'postgres'];
  for (const db of dbs) rows.push(await run(db));
  const date = new Date().toISOString().slice(0, 10);
  const cpu = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`;
  print(`\n### Delivery tab in a real browser (${date}; ${cpu})\n`);
  print(
    `Command: \`./scripts/yarn workspace app bench:delivery\` (after \`./scripts/yarn workspace app build\`). The built app served by the real backend, headless Chromium, a service with 180 days of history. In-app: the entity's Overview is open and idle, then the Delivery tab is clicked; time from the click to the first release-history row painted. Cold: a full page load of the Delivery tab's URL in a tab that shows nothing yet (a link opened); time from the start of the navigation to the first release-history row painted. Cold over an open Delivery tab: the same load while the tab is open there (a reload), so that page's teardown is inside the timing. ${LOADS} loads of each after ${WARM_UP} warm-up loads.\n`,
  );
  print('| database | releases of the service | measurement | loads | p50 ms | p95 ms | load average (1, 5, 15 min) before → after |');
  print('| --- | ---: | --- | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    const load = `${r.loadavgBefore} → ${r.loadavgAfter}`;
    print(`| ${r.db} | ${r.releases} | in-app: click → first row | ${r.inApp.loads} | ${r.inApp.p50.toFixed(0)} | ${r.inApp.p95.toFixed(0)} | ${load} |`);
    print(`| ${r.db} | ${r.releases} | cold: page load → first row | ${r.cold.loads} | ${r.cold.p50.toFixed(0)} | ${r.cold.p95.toFixed(0)} | ${load} |`);
    print(`| ${r.db} | ${r.releases} | in-app: click → whole first page (${PAGE_SIZE} rows) | ${r.inApp.loads} | ${r.inApp.fullP50.toFixed(0)} | ${r.inApp.fullP95.toFixed(0)} | ${load} |`);
    if (r.cold.entity) {
      print(`| ${r.db} | ${r.releases} | cold: page load → the catalog's entity arrived (Backstage's start, before which no entity page renders) | ${r.cold.loads} | ${r.cold.entity.p50.toFixed(0)} | ${r.cold.entity.p95.toFixed(0)} | ${load} |`);
      print(`| ${r.db} | ${r.releases} | cold: the catalog's entity arrived → first row (the entity page and the tab rendered) | ${r.cold.loads} | ${r.cold.entity.afterP50.toFixed(0)} | ${r.cold.entity.afterP95.toFixed(0)} | ${load} |`);
    }
    print(`| ${r.db} | ${r.releases} | cold: page load → whole first page (${PAGE_SIZE} rows) | ${r.cold.loads} | ${r.cold.fullP50.toFixed(0)} | ${r.cold.fullP95.toFixed(0)} | ${load} |`);
    print(`| ${r.db} | ${r.releases} | cold over an open Delivery tab (a reload): page load → first row | ${r.reload.loads} | ${r.reload.p50.toFixed(0)} | ${r.reload.p95.toFixed(0)} | ${load} |`);
  }
  print(
    "\nFirst release row, every counted load (ms, in the order run; for cold loads the catalog's entity's arrival in brackets):\n",
  );
  for (const r of rows) {
    for (const [kind, m] of [['in-app', r.inApp], ['cold', r.cold], ['cold over an open tab', r.reload]] as const) {
      const each = m.all.map(t => (t.entityMs === undefined ? t.ms.toFixed(0) : `${t.ms.toFixed(0)} (${t.entityMs.toFixed(0)})`));
      print(`- ${r.db}, ${kind}: ${each.join(', ')}`);
    }
  }
  print('\n`GET /v1/releases?limit=25` (the first page) alone, from Node, 20 requests after 2 warm-up ones:\n');
  print('| database | p50 ms | p95 ms |');
  print('| --- | ---: | ---: |');
  for (const r of rows) print(`| ${r.db} | ${quantile(r.api, 0.5).toFixed(0)} | ${quantile(r.api, 0.95).toFixed(0)} |`);
  for (const r of rows) for (const t of r.traces) print(t);
  process.exit(0);
}

main().catch(e => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
