/*
 * End to end: the real backend serving the built app, data posted through the public
 * ingestion API, and a real headless Chromium reading the pages a person would read.
 * Screenshots land in docs/screenshots/ for the README.
 */
import { generateHistory, GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Browser, chromium, Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import http from 'node:http';
import { AddressInfo } from 'node:net';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test helpers are not published
import { canaryEvidence } from '../../backend/src/demo/canaryEvidence';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test helpers are not published
import { loadDemoKeys, withDemoAttestations } from '../../backend/src/demo/attestations';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test helpers are not published
import { startPrometheus } from '../../../plugins/greenlight-backend/src/rollouts/__testUtils__/prometheus';
import { guestToken, PIPELINE_TOKEN, Portal, ROOT, startPortal, waitFor } from './portal';

const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DAY = 86_400_000;
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/**
 * The demo app's extension list as app-config.yaml writes it. A list in a later config file
 * replaces it whole, so the tests' own list starts with it: the pages are the demo's, laid out
 * as the demo lays them out.
 */
const DEMO_APP_EXTENSIONS: object[] = parseYaml(fs.readFileSync(path.join(ROOT, 'app-config.yaml'), 'utf8')).app.extensions;

let portal: Portal;
let browser: Browser;
let prometheus: { baseUrl: string; stop(): Promise<void> };
/** `rolledBackAt`: when the CD system began to report the rollback it was asked for. */
let cdSystem: { url: string; rolledBackAt?: number; close(): Promise<void> };

/**
 * The Delivery tab polls this seldom in the browser tests, so that an update seen sooner
 * can only have come through signals.
 */
const POLL_MS = 180_000;
const WATCHED_SERVICE = 'ledger-service';
/** The canary's error ratio, as the real Prometheus answers it: far above the 2 % objective. */
const CANARY_ERROR_RATIO = 0.083;
const WATCHED_SLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${WATCHED_SERVICE}-canary
  annotations:
    greenlight.dev/interval: 5s
    greenlight.dev/evaluations: '12'
    greenlight.dev/failure-rule: consecutive:2
spec:
  service: ${WATCHED_SERVICE}
  indicator:
    metadata: { name: ${WATCHED_SERVICE}-canary-errors }
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: vector(${CANARY_ERROR_RATIO})
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Timeslices
  objectives:
    - displayName: Error ratio
      op: lt
      value: 0.02
      target: 0.99
      timeSliceTarget: 0.99
`;

/**
 * Plays the CD system behind Greenlight's rollback webhook: asked to roll back, it reports
 * what a real one reports, the canary finished as rolled back and a rollback deployment
 * that names no artifact, through the public ingestion API.
 */
async function startCdSystem(): Promise<typeof cdSystem> {
  const state: { rolledBackAt?: number } = {};
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const request = JSON.parse(body);
    state.rolledBackAt = Date.now();
    const now = new Date(state.rolledBackAt).toISOString();
    await post([
      {
        id: `${request.deploymentId}-rolled-back`,
        type: 'deployment.finished',
        entityRef: request.entityRef,
        deployment: {
          id: request.deploymentId,
          environment: request.environment,
          status: 'rolled-back',
          strategy: 'canary',
          intent: 'planned',
          finishedAt: now,
        },
      },
      {
        id: `${request.deploymentId}-rollback`,
        type: 'deployment.finished',
        entityRef: request.entityRef,
        deployment: {
          id: `${request.deploymentId}-rollback`,
          environment: request.environment,
          status: 'succeeded',
          strategy: 'all-at-once',
          intent: 'rollback',
          rollbackOf: request.deploymentId,
          startedAt: now,
          finishedAt: now,
        },
      },
    ]).then(
      () => res.writeHead(200).end(),
      () => res.writeHead(503).end(),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rollback`,
    get rolledBackAt() {
      return state.rolledBackAt;
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
let userToken: string;
const windowEnd = Math.floor(Date.now() / DAY) * DAY;
const windowStart = windowEnd - 90 * DAY;

async function api<T = any>(pathAndQuery: string): Promise<T> {
  const res = await fetch(`${portal.baseUrl}/api/greenlight${pathAndQuery}`, {
    headers: { Authorization: `Bearer ${userToken}` },
  });
  assert.equal(res.status, 200, `${pathAndQuery} answered ${res.status}`);
  return (await res.json()) as T;
}

async function post(events: GreenlightEvent[]) {
  for (let i = 0; i < events.length; i += 500) {
    const res = await fetch(`${portal.baseUrl}/api/greenlight/v1/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${PIPELINE_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ events: events.slice(i, i + 500) }),
    });
    assert.equal(res.status, 200, await res.text());
  }
}

/** Keeps what the browser showed when a step failed, for the person reading the CI log. */
async function onFailure<T>(page: Page, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const file = path.join(os.tmpdir(), `greenlight-e2e-${name}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    const text = (await page.innerText('body').catch(() => '')).slice(0, 2000);
    process.stderr.write(`Screenshot of the failure: ${file}\nPage text:\n${text}\n`);
    throw e;
  }
}

async function openSignedIn(page: Page, url: string) {
  await page.goto(url);
  // The guest sign-in page appears once per browser context; after it the app remembers.
  const enter = page.getByRole('button', { name: 'Enter' });
  const signInShown = await enter
    .waitFor({ state: 'visible', timeout: 20_000 })
    .then(() => true)
    .catch(() => false);
  if (signInShown) {
    await enter.click();
    await page.waitForURL(url, { timeout: 30_000 }).catch(() => page.goto(url));
  }
}

type AxeViolation = { id: string; impact?: string; help: string; nodes: { target: unknown[]; failureSummary?: string }[] };

/** Runs axe-core in the page (on `selector`, or the whole document); describes its serious or critical findings. */
async function seriousA11yViolations(page: Page, what: string, selector?: string): Promise<string> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations: AxeViolation[] = await page.evaluate(async sel => {
    const axe = (window as any).axe;
    const result = await axe.run(sel ? document.querySelector(sel) : document, { resultTypes: ['violations'] });
    return result.violations;
  }, selector);
  const serious = violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  const describe = (v: AxeViolation) => {
    const nodes = v.nodes
      .slice(0, 5)
      .map(n => `    ${JSON.stringify(n.target)} ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`);
    return [`${v.impact} ${v.id}: ${v.help}`, ...nodes].join('\n');
  };
  const report = serious.map(describe).join('\n');
  return serious.length ? `axe found serious or critical violations on ${what}:\n${report}\n` : '';
}

async function focusedElement(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return undefined;
    const style = getComputedStyle(el);
    return {
      label: el.getAttribute('aria-label') ?? el.innerText?.trim().slice(0, 60) ?? '',
      releaseId: el.getAttribute('data-release-detail') ?? undefined,
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth) || 0,
    };
  });
}

/**
 * The release table at the page's width: whether anything in it scrolls sideways, and the
 * words of its cells that are broken across lines (a word whose rectangles sit on more than
 * one line), found with DOM ranges over each word of each cell's text.
 */
async function releaseTableLayout(page: Page) {
  const layout = await page.evaluate(() => {
    const history = document.getElementById('greenlight-release-history');
    if (!history) return undefined;
    const scrolling = [history, ...Array.from(history.querySelectorAll<HTMLElement>('*'))]
      // Only what a reader would scroll: clipped text (an ellipsis, text for screen readers) is not.
      .filter(el => el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
      .map(el => `${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}>${el.clientWidth}`);
    // Content that spills out of its cell over the next one: the table is narrower than it needs.
    const spilling = Array.from(history.querySelectorAll<HTMLElement>('tbody td'))
      .filter(td => td.scrollWidth > td.clientWidth + 1)
      .map(td => `${(td.innerText || '').slice(0, 30)} ${td.scrollWidth}>${td.clientWidth}`);
    scrolling.push(...spilling);
    // A table wider than its card, or the page itself scrolling sideways, which the checks
    // above cannot see when the part that overflows does not scroll on its own.
    const table = history.querySelector('table');
    const tableRight = table?.getBoundingClientRect().right ?? 0;
    const cardRight = history.getBoundingClientRect().right;
    if (tableRight > cardRight + 1) scrolling.push(`table ends at ${Math.round(tableRight)} px, its card at ${Math.round(cardRight)}`);
    const pageWidth = document.scrollingElement?.scrollWidth ?? 0;
    if (pageWidth > window.innerWidth + 1) scrolling.push(`page ${pageWidth}>${window.innerWidth}`);
    return { scrolling, rows: history.querySelectorAll('tbody tr').length };
  });
  return layout && { ...layout, broken: await brokenWords(page, '#greenlight-release-history tbody td') };
}

/** Words laid out on more than one line inside the elements `selector` finds. */
async function brokenWords(page: Page, selector: string) {
  return page.evaluate(sel => {
    const broken: string[] = [];
    for (const element of Array.from(document.querySelectorAll(sel))) {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of (node.textContent ?? '').matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, match.index!);
          range.setEnd(node, match.index! + match[0].length);
          const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
          if (tops.size > 1) broken.push(match[0]);
        }
      }
    }
    return broken;
  }, selector);
}

before(async () => {
  // No scrape target: the gate's query is a constant, which a real Prometheus evaluates.
  prometheus = await startPrometheus(9, 'vector(1)');
  cdSystem = await startCdSystem();
  portal = await startPortal(7077, 'sqlite', {
    app: {
      extensions: [
        ...DEMO_APP_EXTENSIONS,
        { 'entity-content:greenlight/delivery': { config: { pollIntervalMs: POLL_MS, signalsPollIntervalMs: POLL_MS } } },
      ],
    },
    greenlight: {
      metrics: { prometheus: { baseUrl: prometheus.baseUrl } },
      rollouts: { webhook: { url: cdSystem.url, secret: 'e2e-webhook-secret' } },
      gates: { entities: [{ entityRef: `component:default/${WATCHED_SERVICE}`, slo: WATCHED_SLO }] },
    },
  });
  userToken = await guestToken(portal.baseUrl);
  await waitFor('the demo catalog', async () => {
    const res = await fetch(`${portal.baseUrl}/api/catalog/entities/by-name/component/default/payments-api`, {
      headers: { Authorization: `Bearer ${userToken}` },
    });
    return res.ok ? true : undefined;
  });
  // The history a pipeline reports, with each artifact signed the way the living demo signs
  // that service: payments-api ships provenance from the demo release signer, which the
  // portal's app-config.yaml trusts, so the Delivery tab shows verified releases.
  await post(
    withDemoAttestations(
      generateHistory({
        seed: 2026,
        services: [
          { serviceId: 'payments-api', repository: 'github.com/acme/payments-api', artifactPurl: 'pkg:oci/acme/payments-api', profile: 'elite' },
          { serviceId: 'ledger-service', repository: 'github.com/acme/ledger-service', artifactPurl: 'pkg:oci/acme/ledger-service', profile: 'high' },
        ],
        start: windowStart - 30 * DAY,
        days: 120,
      }).filter(e => !e.time || Date.parse(e.time) < windowEnd),
      loadDemoKeys(path.join(ROOT, 'examples/demo-org/keys')),
    ),
  );
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  await browser?.close();
  await portal?.stop();
  await cdSystem?.close();
  await prometheus?.stop();
});

test('the Delivery tab shows what runs in production, as the API says', async () => {
  // The README's picture: production runs a verified artifact, promoted from staging, tested.
  const production = await waitFor('a verified artifact in production', async () => {
    const { environments } = await api('/v1/environments?entityRef=component:default/payments-api');
    const found = environments.find((e: any) => e.name === 'production');
    return found?.current?.provenance?.status === 'verified' ? found : undefined;
  }, 60_000);
  assert.ok(production?.current?.version, 'production has a current release');
  assert.equal(production.current.promotion, 'promoted', 'production runs the digest that passed staging');

  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, bypassCSP: true });
  await onFailure(page, 'delivery', async () => {
    await openSignedIn(page, `${portal.baseUrl}/catalog/default/component/payments-api/delivery`);
    const strip = page.getByRole('group', { name: 'environment production' });
    await strip.waitFor({ timeout: 60_000 });
    assert.match(await strip.innerText(), new RegExp(production.current.version.replace(/\./g, '\\.')));
    // The hero screenshot shows a verified service: never silently an unsigned one.
    await strip.getByLabel(/^Provenance: Verified/).first().waitFor({ timeout: 30_000 });
    assert.ok(await strip.getByLabel('Promotion: Promoted').first().isVisible(), 'production shows the promoted digest');
    assert.doesNotMatch(await strip.innerText(), /Unsigned|Invalid|Unverifiable/);
  });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'delivery-tab.png'), fullPage: true });
  await onFailure(page, 'delivery-table-layout', async () => {
    const layout = await releaseTableLayout(page);
    assert.ok(layout && layout.rows >= 10, `the release table shows a page of releases (${layout?.rows} rows)`);
    assert.deepEqual(layout.scrolling, [], 'nothing in the release table scrolls sideways at 1280 px');
    assert.deepEqual(layout.broken, [], 'no word in the release table is broken across lines');
    // The page says how many releases there are in all.
    await page.getByText(/^1–\d+ of \d+$/).waitFor({ timeout: 30_000 });
  });
  await onFailure(page, 'delivery-a11y', async () => {
    const onTab = await seriousA11yViolations(page, 'the Delivery tab');
    // The release drawer, opened on the newest release, once its detail has loaded.
    await page.getByRole('button', { name: /^Open release / }).first().click();
    const drawer = page.getByRole('dialog', { name: 'Release detail' });
    await drawer.waitFor({ timeout: 30_000 });
    await page.waitForLoadState('networkidle').catch(() => undefined);
    await page.waitForTimeout(1000);
    const inDrawer = await seriousA11yViolations(page, 'the release drawer', '[role="dialog"][aria-label="Release detail"]');
    assert.equal(onTab + inDrawer, '');
  });
  await page.close();
});

/**
 * The cards of the Overview's column that holds `cardTitle`, in the page's order, each with its
 * title and box. Greenlight's cards are Material UI InfoCards, the catalog's are Backstage UI
 * cards headed by a heading: a card's title is whichever it has.
 */
async function overviewColumn(page: Page, cardTitle: string) {
  return page.evaluate(wanted => {
    const titleOf = (card: Element) =>
      (card.querySelector('.MuiCardHeader-title, h1, h2, h3, h4, h5, h6')?.textContent ?? '').trim();
    const cards = Array.from(document.querySelectorAll('.MuiCard-root, article'));
    const card = cards.find(c => titleOf(c) === wanted);
    // The cards of a column are the children of one element, whatever kind of card each is.
    return Array.from(card?.parentElement?.children ?? []).map(c => {
      const box = c.getBoundingClientRect();
      return { title: titleOf(c), top: box.top, bottom: box.bottom, left: box.left, right: box.right };
    });
  }, cardTitle);
}

test("Greenlight's cards open the entity's Overview, Running where in the first screenful", async () => {
  const viewport = { width: 1280, height: 800 };
  const page = await browser.newPage({ viewport, bypassCSP: true });
  await onFailure(page, 'overview-cards', async () => {
    await openSignedIn(page, `${portal.baseUrl}/catalog/default/component/payments-api`);
    await page.getByRole('group', { name: 'Environment production' }).waitFor({ timeout: 60_000 });
    // Every card loads its code and data on its own: wait until the last of each kind is laid out.
    await page.getByRole('heading', { name: 'Relations', exact: true }).waitFor({ timeout: 30_000 });
    await page.getByText('DORA', { exact: true }).waitFor({ timeout: 30_000 });
    // Figures of the history seeded moments ago, not "no production deployment": a DORA read
    // rebuilds the rollups that new events made stale before it answers.
    await page.getByRole('table', { name: 'DORA metrics' }).waitFor({ timeout: 30_000 });

    const main = await overviewColumn(page, 'Running where');
    const titles = main.map(card => card.title);
    const runningWhere = main.find(card => card.title === 'Running where')!;
    assert.ok(
      runningWhere.top >= 0 && runningWhere.top + 100 <= viewport.height,
      `the Running where card starts ${Math.round(runningWhere.top)} px down: the first ${viewport.height} px show less than 100 px of it`,
    );
    assert.deepEqual(
      titles.slice(0, 3),
      ['Running where', 'Production readiness', 'DORA'],
      `Greenlight's cards lead the main column, which reads: ${titles.join(' | ')}`,
    );
    // The catalog's own content cards follow, below them in the page as well as in the list.
    assert.ok(titles.includes('Relations'), `the catalog's cards share the column: ${titles.join(' | ')}`);
    for (const card of main.filter(c => c !== runningWhere)) {
      assert.ok(card.top >= runningWhere.bottom, `${card.title} starts below Running where`);
      assert.ok(card.left === runningWhere.left && card.right === runningWhere.right, `${card.title} is in its column`);
    }
    // The DORA card's words stay whole at this width ("deployments", not "deployment s").
    assert.ok(await page.locator('table[aria-label="DORA metrics"] td').count(), 'the DORA card has figures');
    const brokenInDora = await brokenWords(page, 'table[aria-label="DORA metrics"]');
    assert.deepEqual(brokenInDora, [], 'no word in the DORA card is broken across lines');
    // The About card keeps its own column to the right.
    const info = await overviewColumn(page, 'About');
    assert.ok(info[0]?.left >= runningWhere.right, 'the About card sits in the column to the right');
  });
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(1000);
  // What a person sees first on opening the entity: the first screenful, not the whole page.
  await page.screenshot({ path: path.join(SCREENSHOTS, 'entity-overview.png') });
  await page.close();
});

test('a keyboard reaches a release in at most ten Tab presses, opens it with Enter and Esc comes back to it', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  await onFailure(page, 'keyboard', async () => {
    const url = `${portal.baseUrl}/catalog/default/component/payments-api/delivery`;
    await openSignedIn(page, url);
    const detailButton = page.getByRole('button', { name: /^Open release / }).first();
    // Signed in (and remembered) once the tab shows; then a fresh page load, as a keyboard user arrives.
    await detailButton.waitFor({ timeout: 60_000 });
    await page.goto(url);
    await detailButton.waitFor({ timeout: 60_000 });

    const visited: string[] = [];
    let reached: Awaited<ReturnType<typeof focusedElement>>;
    for (let presses = 1; presses <= 10 && !reached; presses++) {
      await page.keyboard.press('Tab');
      let focused = await focusedElement(page);
      visited.push(focused?.label ?? '(body)');
      // Skip links are followed with Enter: that is not a Tab press.
      if (focused && /^Skip to /.test(focused.label)) {
        await page.keyboard.press('Enter');
        focused = await focusedElement(page);
        visited.push(`→ ${focused?.label ?? '(body)'}`);
      }
      if (focused?.releaseId) reached = focused;
    }
    assert.ok(reached?.releaseId, `no release detail button within 10 Tab presses; focus went: ${visited.join(' | ')}`);
    assert.notEqual(reached.outlineStyle, 'none', 'the focused detail button shows a focus outline');
    assert.ok(reached.outlineWidth >= 2, `the focus outline is ${reached.outlineWidth}px wide`);

    await page.keyboard.press('Enter');
    const drawer = page.getByRole('dialog', { name: 'Release detail' });
    await drawer.waitFor({ timeout: 30_000 });
    assert.match(page.url(), new RegExp(`release=${encodeURIComponent(reached.releaseId)}`));

    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden', timeout: 10_000 });
    await waitFor('focus back on the release row', async () =>
      (await focusedElement(page))?.releaseId === reached!.releaseId ? true : undefined,
    10_000);
    assert.doesNotMatch(page.url(), /release=/);
  });
  await page.close();
});

test('after a rollback that names nothing, the open Delivery tab shows the restored artifact without a reload', async () => {
  const entityRef = 'component:default/payments-api';
  const { environments } = await api(`/v1/environments?entityRef=${entityRef}`);
  const previous = environments.find((e: any) => e.name === 'production').current;
  assert.ok(previous?.version && previous.artifactDigest, 'production runs a known artifact before the canary');

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  await onFailure(page, 'rollback', async () => {
    await openSignedIn(page, `${portal.baseUrl}/catalog/default/component/payments-api/delivery`);
    const production = page.getByRole('group', { name: 'Environment production' });
    await production.waitFor({ timeout: 60_000 });

    // A canary of a new artifact starts, then the CD system reports only "rolled back".
    const now = Date.now();
    await post([
      {
        id: 'e2e-canary-started',
        type: 'deployment.started',
        serviceId: 'payments-api',
        deployment: {
          id: 'e2e-canary',
          environment: 'production',
          status: 'started',
          strategy: 'canary',
          intent: 'planned',
          version: '9.9.9',
          artifactDigest: `sha256:${'e'.repeat(64)}`,
          startedAt: new Date(now - 60_000).toISOString(),
        },
      },
      {
        id: 'e2e-rollback-finished',
        type: 'deployment.finished',
        serviceId: 'payments-api',
        deployment: {
          id: 'e2e-rollback',
          environment: 'production',
          status: 'succeeded',
          strategy: 'all-at-once',
          intent: 'rollback',
          startedAt: new Date(now).toISOString(),
          finishedAt: new Date(now).toISOString(),
        },
      },
    ]);

    // Without a reload, the tab's refresh shows what the rollback restored, with its provenance.
    await production.getByText(/Restored by a rollback/).waitFor({ timeout: 30_000 });
    const text = await production.innerText();
    assert.match(text, new RegExp(previous.version.replace(/\./g, '\\.')));
    assert.doesNotMatch(text, /9\.9\.9/);
    assert.ok(await production.getByLabel(`Digest ${previous.artifactDigest}`, { exact: true }).isVisible());
    // The restored artifact brings its own provenance verdict back with it.
    assert.ok(previous.provenance?.status, 'the artifact production ran before the canary has a provenance verdict');
    const badge = (await production.getByLabel(/^Provenance: /).first().getAttribute('aria-label')) ?? '';
    assert.match(badge, new RegExp(`^Provenance: ${previous.provenance.status}\\b`, 'i'));

    // The table shows the canary as rolled back.
    // Its status, not the "rolled back by" link a rollback that names it would also show.
    const canaryRow = page.getByRole('row', { name: /9\.9\.9/ });
    await canaryRow.getByLabel('Status: Rolled back').waitFor({ timeout: 30_000 });

    const answer = await api(`/v1/environments?entityRef=${entityRef}`);
    const restored = answer.environments.find((e: any) => e.name === 'production').current;
    assert.equal(restored.releaseId, 'e2e-rollback');
    assert.equal(restored.artifactDigest, previous.artifactDigest);
    assert.equal(restored.provenance?.status, previous.provenance?.status);
  });
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'delivery-after-rollback.png'), fullPage: true });
  await page.close();
});

test('a canary the watcher rolls back shows on the open Delivery tab through signals, well before the next poll', async () => {
  const entityRef = `component:default/${WATCHED_SERVICE}`;
  const keys = loadDemoKeys(path.join(ROOT, 'examples/demo-org/keys'));
  const stable = { id: 'e2e-stable', version: '7.7.0', digest: `sha256:${'7'.repeat(64)}`, commitSha: '7'.repeat(40) };
  const canary = { id: 'e2e-watched-canary', version: '7.8.0', digest: `sha256:${'8'.repeat(64)}`, commitSha: '8'.repeat(40) };
  const deployed = (d: typeof stable, at: number, status: 'started' | 'succeeded', strategy: string) => ({
    id: `${d.id}-${status}`,
    type: status === 'started' ? ('deployment.started' as const) : ('deployment.finished' as const),
    serviceId: WATCHED_SERVICE,
    deployment: {
      id: d.id,
      environment: 'production',
      status,
      strategy,
      intent: 'planned',
      version: d.version,
      artifactDigest: d.digest,
      commitSha: d.commitSha,
      startedAt: new Date(at).toISOString(),
      ...(status === 'started' ? {} : { finishedAt: new Date(at).toISOString() }),
    },
  });

  // Production runs a signed artifact that traces to its commit.
  const now = Date.now();
  await post([
    ...canaryEvidence({ service: WATCHED_SERVICE, deploymentId: stable.id, digest: stable.digest, commitSha: stable.commitSha, at: now - 30 * 60_000, keys }),
    deployed(stable, now - 20 * 60_000, 'succeeded', 'all-at-once'),
  ] as GreenlightEvent[]);
  await waitFor('the stable artifact verified in production', async () => {
    const { environments } = await api(`/v1/environments?entityRef=${entityRef}`);
    const current = environments.find((e: any) => e.name === 'production')?.current;
    return current?.releaseId === stable.id && current.provenance?.status === 'verified' ? true : undefined;
  }, 60_000);

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  // When signals for the service reached the browser, to tell delivery from reloading.
  const signalsReceived: number[] = [];
  page.on('websocket', ws =>
    ws.on('framereceived', frame => {
      if (String(frame.payload).includes(`greenlight:entity:${entityRef}`)) signalsReceived.push(Date.now());
    }),
  );
  await onFailure(page, 'watcher-rollback', async () => {
    await openSignedIn(page, `${portal.baseUrl}/catalog/default/component/${WATCHED_SERVICE}/delivery`);
    const production = page.getByRole('group', { name: 'Environment production' });
    await production.getByText(stable.version).first().waitFor({ timeout: 60_000 });
    await page.getByText(/updates live/).waitFor({ timeout: 30_000 });
    // When the tab asked again where the service runs: each is a reload of the whole tab.
    const reloads: number[] = [];
    page.on('request', r => {
      if (r.url().includes('/api/greenlight/v1/environments')) reloads.push(Date.now());
    });
    // No poll can come before this: whatever changes on the page until then came as a signal.
    const nextPollAt = Date.now() + POLL_MS;

    // The pipeline reports the canary's evidence and starts it; Greenlight starts watching it.
    await post([
      ...canaryEvidence({ service: WATCHED_SERVICE, deploymentId: canary.id, digest: canary.digest, commitSha: canary.commitSha, at: Date.now() - 60_000, keys }),
      deployed(canary, Date.now(), 'started', 'canary'),
    ] as GreenlightEvent[]);
    const canaryStartedAt = Date.now();
    await page.getByText('Canary rollout to production').first().waitFor({ timeout: 20_000 });
    const rolloutShownAfter = Date.now() - canaryStartedAt;

    // The real Prometheus answers 8.3 % errors; the watcher rolls back after two failures and
    // calls the CD system, which reports the rollback. The page is not reloaded meanwhile.
    const rolledBack = page.getByText(/^Rolled back at .+: .+/).first();
    await rolledBack.waitFor({ timeout: 90_000 });
    await production.getByText(/Restored by a rollback/).waitFor({ timeout: 30_000 });
    const restoredShownAt = Date.now();
    assert.ok(cdSystem.rolledBackAt, 'the watcher called the rollback webhook');
    const restoredAfter = restoredShownAt - cdSystem.rolledBackAt!;
    const since = (times: number[]) =>
      times.filter(t => t >= cdSystem.rolledBackAt! && t <= restoredShownAt).map(t => t - cdSystem.rolledBackAt!).join(', ');
    process.stdout.write(
      `# signals: rollout shown ${rolloutShownAfter} ms after the canary started; after the rollback was reported, signals arrived at [${since(signalsReceived)}] ms, the tab reloaded at [${since(reloads)}] ms and showed the restored artifact at ${restoredAfter} ms (polling every ${POLL_MS} ms)\n`,
    );
    assert.ok(restoredShownAt < nextPollAt, 'the restored artifact showed before any poll could have run');
    assert.ok(restoredAfter < 30_000, `the restored artifact showed ${restoredAfter} ms after the rollback`);
    assert.ok(rolloutShownAfter < 30_000, `the rollout showed ${rolloutShownAfter} ms after it started`);

    // The rollout card says why; production runs the restored version and digest, verified.
    assert.match(await rolledBack.innerText(), /Rolled back at .+: .{8,}/);
    const text = await production.innerText();
    assert.match(text, /7\.7\.0/);
    assert.doesNotMatch(text, /7\.8\.0/);
    assert.ok(await production.getByLabel(`Digest ${stable.digest}`, { exact: true }).isVisible());
    assert.match((await production.getByLabel(/^Provenance: /).first().getAttribute('aria-label')) ?? '', /^Provenance: Verified\b/);

    // The release table shows the canary as rolled back.
    const canaryRow = page.getByRole('row', { name: /7\.8\.0/ }).first();
    await canaryRow.getByLabel('Status: Rolled back').waitFor({ timeout: 10_000 });
    assert.ok(Date.now() < nextPollAt, 'the table changed before any poll could have run');
  });
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'delivery-watcher-rollback.png'), fullPage: true });

  // The readiness card, a click away and still without a reload, passes the signed-artifact check.
  await onFailure(page, 'watcher-rollback-readiness', async () => {
    await page.getByRole('tab', { name: 'Overview' }).or(page.getByRole('link', { name: 'Overview' })).first().click();
    const signed = page.getByText('Production runs a signed artifact that traces to a commit: Pass');
    await signed.waitFor({ timeout: 30_000 });
  });
  await page.close();
});

test("a team's DORA review shows the numbers the API computes", async () => {
  // The review keeps its window in the URL as inclusive UTC days; the API takes instants.
  const fromDay = new Date(windowStart).toISOString().slice(0, 10);
  const toDay = new Date(windowEnd - DAY).toISOString().slice(0, 10);
  const from = new Date(windowStart).toISOString();
  const to = new Date(windowEnd).toISOString();
  const query = `/v1/dora?groupRef=group:default/payments-team&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&bucket=week`;
  // Rollups are refreshed by a scheduled task within a minute of ingestion: wait until settled.
  let previousCount = -1;
  const dora = await waitFor('settled DORA rollups', async () => {
    const body = await api(query);
    const count = body.current.deploymentFrequency.count;
    const settled = count > 0 && count === previousCount;
    previousCount = count;
    if (!settled) await new Promise(r => setTimeout(r, 10_000));
    return settled ? body : undefined;
  }, 150_000);
  const deployments = dora.current.deploymentFrequency.count;
  const commits = dora.current.changeLeadTime.n;
  assert.ok(deployments > 0, 'the team deployed in the window');

  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, bypassCSP: true });
  await onFailure(page, 'dora-review', async () => {
    await openSignedIn(
      page,
      `${portal.baseUrl}/catalog/default/group/payments-team/dora-review?from=${fromDay}&to=${toDay}&bucket=week`,
    );
    const table = page.getByRole('table', { name: 'DORA metrics compared with the previous window' });
    await table.waitFor({ timeout: 60_000 });
    const frequencyRow = table.getByRole('row', { name: /Deployment frequency/ });
    assert.match(await frequencyRow.innerText(), new RegExp(`\\b${deployments} deployments\\b`));
    const leadTimeRow = table.getByRole('row', { name: /Change lead time/ });
    assert.match(await leadTimeRow.innerText(), new RegExp(`\\b${commits} commits\\b`));
  });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'dora-review.png'), fullPage: true });
  await onFailure(page, 'dora-review-a11y', async () =>
    assert.equal(await seriousA11yViolations(page, "the team's DORA review"), ''),
  );
  await page.close();
});

test('the governed service templates are offered in the scaffolder', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await onFailure(page, 'scaffolder', async () => {
    await openSignedIn(page, `${portal.baseUrl}/create`);
    await page.getByText(/governed pipeline/i).first().waitFor({ timeout: 60_000 });
  });
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'scaffolder-template.png'), fullPage: true });
  await page.close();
});
