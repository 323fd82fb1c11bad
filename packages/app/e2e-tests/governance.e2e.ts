/*
 * End to end: the governance screens against the real backend serving the built app. Data
 * arrives through the public API as pipelines send it; a real headless Chromium signs in as the
 * guest (a release manager in the demo organisation), pulls and lifts the emergency stop,
 * reconciles a break-glass change and signs off a team's DORA review. Screenshots land in
 * docs/screenshots/.
 */
import {
  generateHistory,
  GreenlightEvent,
} from '@greenlight/backstage-plugin-greenlight-common';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Browser, chromium } from 'playwright-core';
import { onFailure, openSignedIn, seriousA11yViolations } from './pageChecks';
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
const PORT = Number(process.env.GREENLIGHT_E2E_GOVERNANCE_PORT ?? 7093);
const DAY = 86_400_000;
const PAYMENTS = 'component:default/payments-api';
const VIEWPORT = { width: 1280, height: 1000 };

let portal: Portal;
let browser: Browser;
let userToken: string;

async function call(
  method: string,
  pathAndQuery: string,
  body: unknown,
  token: string,
) {
  const res = await fetch(`${portal.baseUrl}/api/greenlight${pathAndQuery}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function post(events: GreenlightEvent[]) {
  for (let i = 0; i < events.length; i += 500) {
    const res = await call(
      'POST',
      '/v1/events',
      { events: events.slice(i, i + 500) },
      PIPELINE_TOKEN,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
}

before(async () => {
  portal = await startPortal(PORT);
  await waitFor('the demo catalog', async () => {
    const token = await guestToken(portal.baseUrl);
    const res = await fetch(
      `${portal.baseUrl}/api/catalog/entities/by-name/user/default/guest`,
      {
        headers: { Authorization: `Bearer ${token}` },
      },
    );
    return res.ok ? true : undefined;
  });
  // Signed in once the catalog knows the guest, so the token carries release-managers.
  userToken = await guestToken(portal.baseUrl);
  const end = Math.floor(Date.now() / DAY) * DAY;
  await post(
    generateHistory({
      seed: 7,
      services: [
        {
          serviceId: 'payments-api',
          repository: 'github.com/acme/payments-api',
          artifactPurl: 'pkg:oci/acme/payments-api',
          profile: 'elite',
        },
        {
          serviceId: 'ledger-service',
          repository: 'github.com/acme/ledger-service',
          artifactPurl: 'pkg:oci/acme/ledger-service',
          profile: 'high',
        },
        {
          serviceId: 'cart-service',
          repository: 'github.com/acme/cart-service',
          artifactPurl: 'pkg:oci/acme/cart-service',
          profile: 'medium',
        },
      ],
      start: end - 60 * DAY,
      days: 60,
    }).filter(e => !e.time || Date.parse(e.time) < end),
  );
  // An event no catalog entity claims yet: it waits for an owner on the Greenlight page.
  await post([
    {
      id: 'orphan-build-1',
      type: 'build',
      serviceId: 'search-indexer',
      build: {
        id: 'search-indexer-b1',
        status: 'succeeded',
        finishedAt: new Date(end - DAY).toISOString(),
      },
    },
  ]);

  // What a pipeline asks before shipping a schema change: blocked, then overridden by a person.
  const blocked = await call(
    'POST',
    '/v1/readiness',
    {
      entityRef: PAYMENTS,
      environment: 'production',
      change: { changedFiles: ['db/migrations/042_add_index.sql'] },
    },
    PIPELINE_TOKEN,
  );
  assert.equal(blocked.status, 200, JSON.stringify(blocked.body));
  assert.equal(blocked.body.decision, 'block');
  const overridden = await call(
    'POST',
    `/v1/readiness/${blocked.body.decisionId}/override`,
    { reason: 'The expand phase shipped in 1.8.0; the plan is in the runbook' },
    userToken,
  );
  assert.equal(overridden.status, 200, JSON.stringify(overridden.body));
  await call(
    'POST',
    '/v1/readiness',
    {
      entityRef: PAYMENTS,
      environment: 'staging',
      change: { changedFiles: ['src/handlers/refund.ts'] },
    },
    PIPELINE_TOKEN,
  );

  // A change made by hand during an incident, recorded by the pipeline on its author's behalf.
  const glass = await call(
    'POST',
    '/v1/break-glass',
    {
      entityRef: PAYMENTS,
      environment: 'production',
      what: 'Raised the database connection pool from 20 to 60 by hand',
      why: 'Connection exhaustion during the card-network incident',
      performedBy: 'user:default/ada',
    },
    PIPELINE_TOKEN,
  );
  assert.equal(glass.status, 201, JSON.stringify(glass.body));

  const drift = await call(
    'POST',
    '/v1/drift',
    {
      source: 'terraform-prod',
      entityRef: PAYMENTS,
      resources: [
        { address: 'aws_db_parameter_group.payments', drifted: true },
      ],
    },
    PIPELINE_TOKEN,
  );
  assert.equal(drift.status, 200, JSON.stringify(drift.body));

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

test('the Governance tab shows decisions, overrides, windows, drift and break-glass, and reconciles', async () => {
  const page = await browser.newPage({ viewport: VIEWPORT, bypassCSP: true });
  await onFailure(page, 'governance-tab', async () => {
    await openSignedIn(
      page,
      `${portal.baseUrl}/catalog/default/component/payments-api/governance`,
    );
    const decisions = page.getByRole('table', { name: 'Readiness decisions' });
    await decisions.waitFor({ timeout: 60_000 });
    assert.match(await decisions.innerText(), /expand-contract/);
    assert.match(await decisions.innerText(), /Allowed by override/);

    const overrides = page.getByRole('table', { name: 'Overrides' });
    assert.match(await overrides.innerText(), /user:default\/guest/);
    assert.match(
      await overrides.innerText(),
      /The expand phase shipped in 1\.8\.0/,
    );

    const windows = page.getByRole('table', {
      name: 'Change windows and freezes',
    });
    await windows.waitFor();
    assert.match(await windows.innerText(), /production/);

    await page.getByRole('table', { name: 'Open drift' }).waitFor();
    assert.match(
      await page.getByRole('table', { name: 'Open drift' }).innerText(),
      /aws_db_parameter_group\.payments/,
    );

    const checklist = page.getByRole('list', {
      name: 'Production-grade checklist',
    });
    await checklist.waitFor();
    assert.match(
      await checklist.innerText(),
      /The owning team reviewed its DORA metrics: Fail/,
    );
  });
  await page.waitForTimeout(1000);
  await page.screenshot({
    path: path.join(SCREENSHOTS, 'governance-tab.png'),
    fullPage: true,
  });
  await onFailure(page, 'governance-tab-a11y', async () =>
    assert.equal(await seriousA11yViolations(page, 'the Governance tab'), ''),
  );

  await onFailure(page, 'governance-reconcile', async () => {
    await page
      .getByRole('button', {
        name: /^Reconcile: Raised the database connection pool/,
      })
      .click();
    const dialog = page.getByRole('dialog', {
      name: 'Reconcile the break-glass change',
    });
    await dialog
      .getByLabel(/Link to the reconciling change/)
      .fill('https://github.com/acme/payments-api/pull/812');
    await dialog
      .getByLabel(/Note/)
      .fill('Pool size made permanent in the Helm values');
    assert.equal(await seriousA11yViolations(page, 'the reconcile dialog'), '');
    await dialog.getByRole('button', { name: 'Reconcile' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });
    const table = page.getByRole('table', { name: 'Break-glass changes' });
    await table.getByText('Reconciled').waitFor({ timeout: 30_000 });
    assert.match(await table.innerText(), /by user:default\/guest/);
  });
  const { body } = await call(
    'GET',
    `/v1/break-glass?entityRef=${PAYMENTS}`,
    undefined,
    userToken,
  );
  assert.equal(body.items[0].status, 'reconciled');
  assert.equal(
    body.items[0].reconciliation.link,
    'https://github.com/acme/payments-api/pull/812',
  );
  await page.close();
});

test("the team's Governance tab rolls up its services and takes the DORA review's sign-off", async () => {
  const page = await browser.newPage({ viewport: VIEWPORT, bypassCSP: true });
  await onFailure(page, 'team-governance', async () => {
    await openSignedIn(
      page,
      `${portal.baseUrl}/catalog/default/group/payments-team/governance`,
    );
    const services = page.getByRole('table', {
      name: "Governance of the team's services",
    });
    await services.waitFor({ timeout: 60_000 });
    // payments-api: its latest decision (a blocked code change), the one override, the open drift
    assert.match(
      await services.innerText(),
      /payments-api\s+Blocked\s+staging[^\n]*\s+1\s+1\s+0\s/,
    );
    const checks = page.getByRole('table', {
      name: "Checklist across the team's services",
    });
    assert.match(
      await checks.innerText(),
      /The owning team reviewed its DORA metrics\s+0\s+3/,
    );

    await page
      .getByLabel(/Notes on/)
      .fill('Lead time is steady; the refund path needs a canary before Q1.');
    await page.getByRole('button', { name: 'Sign off review' }).click();
    await page
      .getByRole('list', { name: 'Sign-offs' })
      .getByText(/Signed off by user:default\/guest/)
      .waitFor({ timeout: 30_000 });
  });
  // the sign-off is what the checklist counts
  const checklist = await call(
    'GET',
    `/v1/checklist?entityRef=${PAYMENTS}`,
    undefined,
    userToken,
  );
  const dora = checklist.body.checks.find((c: any) => c.id === 'dora-reviewed');
  assert.equal(dora.status, 'pass', dora.reason);
  await page.reload();
  await page
    .getByRole('table', { name: "Checklist across the team's services" })
    .waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1500);
  await page.screenshot({
    path: path.join(SCREENSHOTS, 'team-governance.png'),
    fullPage: true,
  });
  await onFailure(page, 'team-governance-a11y', async () =>
    assert.equal(
      await seriousA11yViolations(page, "the team's Governance tab"),
      '',
    ),
  );
  await page.close();
});

test('the Greenlight page shows the organisation and pulls and lifts the emergency stop', async () => {
  const page = await browser.newPage({ viewport: VIEWPORT, bypassCSP: true });
  await onFailure(page, 'greenlight-page', async () => {
    await openSignedIn(page, `${portal.baseUrl}/catalog`);
    // the sidebar leads there
    await page.getByRole('link', { name: 'Greenlight' }).first().click();
    await page.waitForURL(/\/greenlight$/, { timeout: 30_000 });
    const releases = page.getByRole('table', { name: 'Latest releases' });
    await releases.waitFor({ timeout: 60_000 });
    assert.match(
      await releases.innerText(),
      /payments-api|ledger-service|cart-service/,
    );
    await page
      .getByRole('table', { name: 'Readiness across teams' })
      .waitFor({ timeout: 60_000 });
    assert.match(
      await page.getByRole('table', { name: 'Unmapped events' }).innerText(),
      /orphan-build-1/,
    );
    await page
      .getByRole('table', { name: 'DORA across teams and systems' })
      .waitFor({ timeout: 60_000 });

    const status = page
      .getByRole('status')
      .filter({ hasText: /emergency stop/i });
    await status.getByText('No emergency stop').waitFor();
    await page
      .getByLabel('Reason', { exact: false })
      .first()
      .fill('Card network degraded: hold every change');
    await page.getByRole('button', { name: 'Pull the emergency stop' }).click();
    await page
      .getByText('Emergency stop in force')
      .waitFor({ timeout: 30_000 });
  });
  const pulled = await call('GET', '/v1/emergency-stop', undefined, userToken);
  assert.equal(pulled.body.stops.length, 1);
  assert.equal(pulled.body.stops[0].pulledBy, 'user:default/guest');
  // readiness now denies every change
  const denied = await call(
    'POST',
    '/v1/readiness',
    {
      entityRef: PAYMENTS,
      environment: 'staging',
      change: { changedFiles: ['README.md'] },
    },
    PIPELINE_TOKEN,
  );
  assert.equal(denied.body.decision, 'block');
  await page.waitForTimeout(1000);
  await page.screenshot({
    path: path.join(SCREENSHOTS, 'greenlight-page.png'),
    fullPage: true,
  });
  await onFailure(page, 'greenlight-page-a11y', async () =>
    assert.equal(await seriousA11yViolations(page, 'the Greenlight page'), ''),
  );

  await onFailure(page, 'greenlight-lift', async () => {
    await page
      .getByRole('button', { name: 'Lift the stop for the whole organisation' })
      .click();
    await page.getByText('No emergency stop').waitFor({ timeout: 30_000 });
  });
  const lifted = await call('GET', '/v1/emergency-stop', undefined, userToken);
  assert.deepEqual(lifted.body.stops, []);
  await page.close();
});
