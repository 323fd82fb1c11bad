/*
 * End to end: a person finishes the attribution of an incident that no evidence tied to a
 * deployment, and the entity's DORA card counts it. The real backend serves the built app;
 * the history is posted through the public ingestion API; a real headless Chromium clicks.
 */
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Browser, chromium, Page } from 'playwright-core';
import {
  guestToken,
  PIPELINE_TOKEN,
  Portal,
  ROOT,
  startPortal,
  waitFor,
} from './portal';

const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE_SOURCE = fs.readFileSync(
  require.resolve('axe-core/axe.min.js'),
  'utf8',
);
const HOUR = 3_600_000;
const ENTITY = 'component:default/payments-api';
const TITLE = 'Payments 502s after 2.8.0';

let portal: Portal;
let browser: Browser;
let userToken: string;
// Thursday of last week, 10:00 UTC, so every deployment is well inside the card's 90 days.
const detectedAt =
  Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 4 * 24 * HOUR + 10 * HOUR;
const iso = (hoursBeforeDetection: number) =>
  new Date(detectedAt - hoursBeforeDetection * HOUR).toISOString();

const deployment = (
  id: string,
  hoursBefore: number,
  version: string,
): GreenlightEvent =>
  ({
    id: `e2e-${id}`,
    type: 'deployment.finished',
    entityRef: ENTITY,
    deployment: {
      id,
      environment: 'production',
      status: 'succeeded',
      version,
      finishedAt: iso(hoursBefore),
    },
  } as GreenlightEvent);

/** Four production deployments, one incident that names a version but no deployment. */
const history: GreenlightEvent[] = [
  deployment('pay-1', 72, '2.5.0'),
  deployment('pay-2', 48, '2.6.0'),
  deployment('pay-3', 22, '2.7.0'),
  deployment('pay-4', 1, '2.8.0'),
  {
    id: 'e2e-inc-1',
    type: 'incident.opened',
    entityRef: ENTITY,
    incident: {
      id: 'pay-inc-1',
      title: TITLE,
      severity: 'P1',
      environment: 'production',
      detectedAt: iso(0),
      resolvedAt: iso(-1.5),
    },
  } as GreenlightEvent,
];

async function dora(): Promise<any> {
  const res = await fetch(
    `${portal.baseUrl}/api/greenlight/v1/dora?entityRef=${encodeURIComponent(
      ENTITY,
    )}&from=${iso(24 * 30)}&to=${iso(-48)}`,
    { headers: { Authorization: `Bearer ${userToken}` } },
  );
  assert.equal(res.status, 200);
  return res.json();
}

async function onFailure<T>(
  page: Page,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const file = path.join(os.tmpdir(), `greenlight-e2e-${name}.png`);
    await page
      .screenshot({ path: file, fullPage: true })
      .catch(() => undefined);
    const text = (await page.innerText('body').catch(() => '')).slice(0, 2000);
    process.stderr.write(
      `Screenshot of the failure: ${file}\nPage text:\n${text}\n`,
    );
    throw e;
  }
}

async function openSignedIn(page: Page, url: string) {
  await page.goto(url);
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

/** axe-core's serious or critical findings inside `selector`, described; empty when none. */
async function seriousA11yViolations(
  page: Page,
  selector: string,
): Promise<string> {
  if (!(await page.evaluate(() => 'axe' in window)))
    await page.addScriptTag({ content: AXE_SOURCE });
  const violations: Array<{
    id: string;
    impact?: string;
    help: string;
    nodes: Array<{ target: unknown[] }>;
  }> = await page.evaluate(async sel => {
    const result = await (window as any).axe.run(document.querySelector(sel), {
      resultTypes: ['violations'],
    });
    return result.violations;
  }, selector);
  return violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(
      v =>
        `${v.impact} ${v.id}: ${v.help} ${JSON.stringify(
          v.nodes.slice(0, 3).map(n => n.target),
        )}`,
    )
    .join('\n');
}

/** The change fail rate as the entity's DORA card on the overview shows it. */
async function cardChangeFailRate(page: Page): Promise<string> {
  await openSignedIn(
    page,
    `${portal.baseUrl}/catalog/default/component/payments-api`,
  );
  const row = page.getByRole('row', { name: /Change fail rate/ });
  await row.waitFor({ timeout: 60_000 });
  return row.innerText();
}

before(async () => {
  portal = await startPortal(7078);
  userToken = await guestToken(portal.baseUrl);
  await waitFor('the demo catalog', async () => {
    const res = await fetch(
      `${portal.baseUrl}/api/catalog/entities/by-name/component/default/payments-api`,
      {
        headers: { Authorization: `Bearer ${userToken}` },
      },
    );
    return res.ok ? true : undefined;
  });
  const res = await fetch(`${portal.baseUrl}/api/greenlight/v1/events`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${PIPELINE_TOKEN}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ events: history }),
  });
  assert.equal(res.status, 200, await res.text());
  // The scheduled rollup task picks the new history up within a minute.
  await waitFor('the DORA rollups', async () =>
    (await dora()).current.changeFailRate.denominator === 4 ? true : undefined,
  );
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
    ],
  });
});

after(async () => {
  await browser?.close();
  await portal?.stop();
});

test('attributing an incident to a deployment changes the DORA card at once', async () => {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 1000 },
    bypassCSP: true,
  });

  const rateBefore = await onFailure(page, 'incidents-before', () =>
    cardChangeFailRate(page),
  );
  assert.match(
    rateBefore,
    /0\.0%/,
    'no failure is counted while the incident is unattributed',
  );
  assert.match(
    await page.getByText(/1 incident is not attributed/).innerText(),
    /count as no failure/,
  );

  await onFailure(page, 'incidents-card', async () => {
    await page.getByRole('link', { name: 'Attribute them' }).click();
    const incident = page.getByRole('region', { name: TITLE });
    await incident.waitFor({ timeout: 60_000 });
    const row = incident.getByRole('row', { name: /pay-4/ });
    assert.match(await row.innerText(), /names version 2\.8\.0/);
    assert.match(await row.innerText(), /running in production/);
    // The best-supported candidate comes first.
    assert.match(await incident.getByRole('row').nth(1).innerText(), /pay-4/);
  });
  const card = page.locator('#greenlight-unattributed-incidents');
  await card.scrollIntoViewIfNeeded();
  await page.waitForTimeout(1000);
  await card.screenshot({
    path: path.join(SCREENSHOTS, 'incident-attribution.png'),
  });
  await onFailure(page, 'incidents-a11y', async () =>
    assert.equal(
      await seriousA11yViolations(page, '#greenlight-unattributed-incidents'),
      '',
    ),
  );

  await onFailure(page, 'incidents-attribute', async () => {
    const incident = page.getByRole('region', { name: TITLE });
    await incident
      .getByLabel('Note')
      .fill('2.8.0 changed the upstream timeout');
    await incident
      .getByRole('row', { name: /pay-4/ })
      .getByRole('button', { name: 'Caused by this deployment' })
      .click();
    await page
      .getByText(`${TITLE}: caused by pay-4`)
      .waitFor({ timeout: 30_000 });
  });

  const rateAfter = await onFailure(page, 'incidents-after', () =>
    cardChangeFailRate(page),
  );
  assert.match(
    rateAfter,
    /25\.0%/,
    'one of four deployments is now a failed change',
  );
  const figures = await dora();
  assert.equal(figures.current.changeFailRate.numerator, 1);
  await page.close();
});
