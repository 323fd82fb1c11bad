/*
 * End to end: an automatic rollback reaches its owners on the portal's notifications page.
 * The real backend watches a canary whose SLO gate reads a Prometheus that reports a 50 %
 * error ratio; the watcher rolls it back through the webhook executor module, and the
 * notifications backend tells the owning team, whose member the guest is.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Browser, chromium } from 'playwright-core';
import {
  guestToken,
  PIPELINE_TOKEN,
  Portal,
  ROOT,
  startPortal,
  waitFor,
} from './portal';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ENTITY = 'component:default/rollback-notice';

/** One gate on the error ratio, evaluated every second; two failures in a row roll back. */
const SLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: rollback-notice-errors
  annotations:
    greenlight.dev/interval: 1s
    greenlight.dev/evaluations: '6'
    greenlight.dev/failure-rule: consecutive:2
spec:
  service: rollback-notice
  indicator:
    metadata: { name: errors }
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: sum(rate(http_requests_total{code="500"}[1m])) / sum(rate(http_requests_total[1m]))
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives:
    - { displayName: Error ratio, op: lt, value: 0.05, target: 0.99 }
`;

let portal: Portal;
let browser: Browser;
const servers: http.Server[] = [];
const rollbacks: string[] = [];

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

before(async () => {
  // A Prometheus whose every query answers a 50 % error ratio.
  const prometheus = await listen((req, res) => {
    const now = Date.now() / 1000;
    const data = req.url?.startsWith('/api/v1/query_range')
      ? {
          resultType: 'matrix',
          result: [{ metric: {}, values: [[now, '0.5']] }],
        }
      : { resultType: 'vector', result: [{ metric: {}, value: [now, '0.5'] }] };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data }));
  });
  // The delivery system: accepts every rollback it is asked for.
  const deploySystem = await listen((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      rollbacks.push(body);
      res.writeHead(202).end();
    });
  });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlight-e2e-notify-'));
  const entities = path.join(dir, 'entities.yaml');
  fs.writeFileSync(
    entities,
    `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: rollback-notice
spec:
  type: service
  lifecycle: production
  owner: group:default/release-managers
`,
  );
  portal = await startPortal(7078, 'sqlite', {
    catalog: {
      // Only what this test needs: the demo organisation (the guest is a release manager) and one service.
      locations: [
        { type: 'file', target: path.join(ROOT, 'examples/demo-org/org.yaml') },
        { type: 'file', target: entities },
      ],
    },
    greenlight: {
      metrics: { prometheus: { baseUrl: prometheus, timeoutMs: 2000 } },
      gates: { entities: [{ entityRef: ENTITY, slo: SLO }] },
      rollouts: {
        watchInterval: '1s',
        webhook: {
          url: `${deploySystem}/rollback`,
          secret: 'e2e-webhook-secret',
          timeoutMs: 2000,
        },
      },
    },
  });
  const userToken = await guestToken(portal.baseUrl);
  await waitFor('the service in the catalog', async () => {
    const res = await fetch(
      `${portal.baseUrl}/api/catalog/entities/by-name/component/default/rollback-notice`,
      {
        headers: { Authorization: `Bearer ${userToken}` },
      },
    );
    return res.ok ? true : undefined;
  });
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
  for (const server of servers) server.close();
});

test("an automatic rollback's outcome is on the owners' notifications page", async () => {
  const res = await fetch(`${portal.baseUrl}/api/greenlight/v1/events`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${PIPELINE_TOKEN}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      events: [
        {
          id: 'notice-canary-started',
          type: 'deployment.started',
          entityRef: ENTITY,
          deployment: {
            id: 'notice-canary',
            environment: 'production',
            status: 'started',
            strategy: 'canary',
            version: '2.0.0',
            startedAt: new Date().toISOString(),
          },
        },
      ],
    }),
  });
  assert.equal(res.status, 200, await res.text());
  await waitFor(
    'the webhook rollback',
    async () => (rollbacks.length > 0 ? true : undefined),
    90_000,
  );
  assert.match(rollbacks[0], /"deploymentId":"notice-canary"/);

  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 },
  });
  try {
    await page.goto(`${portal.baseUrl}/notifications`);
    const enter = page.getByRole('button', { name: 'Enter' });
    if (
      await enter.waitFor({ state: 'visible', timeout: 20_000 }).then(
        () => true,
        () => false,
      )
    ) {
      await enter.click();
    }
    await page
      .getByText(`Greenlight rolled back ${ENTITY}`)
      .first()
      .waitFor({ timeout: 60_000 });
    await page.screenshot({
      path: path.join(ROOT, 'docs/screenshots/rollback-notification.png'),
    });
  } catch (e) {
    const file = path.join(os.tmpdir(), 'greenlight-e2e-notifications.png');
    await page
      .screenshot({ path: file, fullPage: true })
      .catch(() => undefined);
    const text = (await page.innerText('body').catch(() => '')).slice(0, 2000);
    process.stderr.write(
      `Screenshot of the failure: ${file}\nPage text:\n${text}\n`,
    );
    throw e;
  } finally {
    await page.close();
  }
});
