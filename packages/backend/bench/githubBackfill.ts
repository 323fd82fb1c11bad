/*
 * GitHub backfill benchmark: 90 days of a repository with 2,000 deployments, read by the
 * GitHub backfill module from a local server that answers like GitHub's REST API and
 * enforces its limits (a primary limit of 5,000 requests per hour, and the secondary limit
 * of 900 points per minute with `Retry-After`). Reports the requests used against the
 * module's hourly budget, the time and the progress the backend showed on the way.
 * Run: ./scripts/yarn workspace backend bench:github-backfill
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test helpers are not published
import {
  generatedRepository,
  startFakeGithub,
} from '../../../plugins/greenlight-backend-module-github/src/__testUtils__/fakeGithub';
import {
  availableDatabases,
  BenchDatabase,
  databaseConfig,
  dropBenchDatabase,
  machine,
} from './harness';

process.env.LOG_LEVEL ??= 'warn';

const DEPLOYMENTS = Number(process.env.BENCH_BACKFILL_DEPLOYMENTS ?? 2000);
const DAYS = 90;
const BUDGET_PER_HOUR = 4500;
const PRIMARY_PER_HOUR = 5000;
const SECONDARY_PER_MINUTE = 900;
const TOKEN = 'bench-github-token';
const SERVICE_TOKEN = 'bench-service-token';
const ENTITY = 'component:default/bench-backfill';
const DAY_MS = 86_400_000;

type Progress = {
  phase: string;
  pages: number;
  deploymentsDone: number;
  deploymentsTotal?: number;
};

async function run(db: BenchDatabase, port: number) {
  // Every deployment inside the window: spread over 89 days, the newest a day ago.
  const repository = generatedRepository({
    fullName: 'acme/bench-backfill',
    deployments: DEPLOYMENTS,
    newest: Date.now() - DAY_MS,
    spacingMs: Math.floor((89 * DAY_MS) / DEPLOYMENTS),
  });
  const github = await startFakeGithub(repository, {
    token: TOKEN,
    primaryLimit: PRIMARY_PER_HOUR,
    secondaryLimit: SECONDARY_PER_MINUTE,
    secondaryWindowMs: 60_000,
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlight-bench-gh-'));
  fs.mkdirSync(path.join(dir, 'sqlite'));
  const catalogFile = path.join(dir, 'entities.yaml');
  fs.writeFileSync(
    catalogFile,
    `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: bench-backfill
  annotations:
    github.com/project-slug: acme/bench-backfill
spec:
  type: service
  lifecycle: production
  owner: group:default/bench
`,
  );
  const baseUrl = `http://localhost:${port}`;
  const databaseName = `greenlight_bench_gh_${Date.now()}`;
  const config = new ConfigReader({
    app: { baseUrl },
    backend: {
      baseUrl,
      listen: { port },
      database: databaseConfig(db, dir, databaseName),
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: SERVICE_TOKEN, subject: 'bench' },
          },
        ],
      },
    },
    catalog: {
      rules: [{ allow: ['Component', 'Location'] }],
      locations: [{ type: 'file', target: catalogFile }],
      processingInterval: { minutes: 30 },
    },
    integrations: {
      github: [{ host: 'github.com', apiBaseUrl: github.url, token: TOKEN }],
    },
    greenlight: {
      sources: {
        github: {
          days: DAYS,
          requestsPerHour: BUDGET_PER_HOUR,
          schedule: {
            frequency: { seconds: 10 },
            timeout: { hours: 1 },
            initialDelay: { seconds: 1 },
          },
        },
      },
    },
  });
  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => config,
    }),
  );
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(import('../src/permissions/module'));
  backend.add(import('@greenlight/backstage-plugin-greenlight-backend'));
  backend.add(
    import('@greenlight/backstage-plugin-greenlight-backend-module-github'),
  );
  const t0 = Date.now();
  await backend.start();
  const samples: Array<{ s: number; progress: Progress }> = [];
  let done: Progress | undefined;
  try {
    while (!done) {
      await new Promise(r => setTimeout(r, 2000));
      const res = await fetch(`${baseUrl}/api/greenlight/v1/sources`, {
        headers: { Authorization: `Bearer ${SERVICE_TOKEN}` },
      });
      const body = (await res.json()) as {
        items: Array<{
          id: string;
          progress: Array<{ key: string; value: Progress }>;
        }>;
      };
      const progress = body.items
        .find(i => i.id === 'github')
        ?.progress.find(p => p.key === ENTITY)?.value;
      if (progress) {
        samples.push({ s: (Date.now() - t0) / 1000, progress });
        if (progress.phase === 'done') done = progress;
      }
      if (Date.now() - t0 > 3_600_000)
        throw new Error('backfill took over an hour');
    }
    const seconds = (Date.now() - t0) / 1000;
    return {
      db,
      seconds,
      done,
      stats: { ...github.stats },
      samples,
    };
  } finally {
    await backend.stop();
    await github.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (db === 'postgres') await dropBenchDatabase(databaseName);
  }
}

async function main() {
  const rows = [];
  for (const [i, db] of availableDatabases().entries()) {
    rows.push(await run(db, 7500 + i));
  }
  const day = new Date().toISOString().slice(0, 10);
  console.log(`### GitHub backfill of 90 days (${day}; ${machine()})\n`);
  console.log(
    'Command: `./scripts/yarn workspace backend bench:github-backfill`. ' +
      `A repository with ${DEPLOYMENTS} deployments in the last ${DAYS} days (staging then production of ${Math.ceil(
        DEPLOYMENTS / 2,
      )} changes, one merged pull request each), ` +
      'served by a local server that answers like GitHub’s REST API (2022-11-28) with pagination, ETags, ' +
      `a primary limit of ${PRIMARY_PER_HOUR} requests per hour and the secondary limit of ${SECONDARY_PER_MINUTE} points per minute (403 with Retry-After). ` +
      `The benchmark sets the module’s \`requestsPerHour\` to ${BUDGET_PER_HOUR} (its default is 4,000); the time runs from the backend’s start to the progress \`done\` in \`GET /v1/sources\`.\n`,
  );
  console.log(
    '| database | deployments | requests | of the hourly budget | secondary-limit refusals | time s | requests/min | within budget |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    const perMinute = r.stats.requests / (r.seconds / 60);
    const ok =
      r.stats.requests <= BUDGET_PER_HOUR && r.stats.primaryLimited === 0
        ? 'yes'
        : 'no';
    console.log(
      `| ${r.db} | ${r.done!.deploymentsDone} | ${
        r.stats.requests
      } | ${Math.round((100 * r.stats.requests) / BUDGET_PER_HOUR)} % | ${
        r.stats.secondaryLimited
      } | ${r.seconds.toFixed(0)} | ${perMinute.toFixed(0)} | ${ok} |`,
    );
  }
  console.log('\nProgress as `GET /v1/sources` showed it (first database):\n');
  console.log('| s | phase | pages listed | deployments written |');
  console.log('| ---: | --- | ---: | ---: |');
  const samples = rows[0]?.samples ?? [];
  const step = Math.max(1, Math.floor(samples.length / 8));
  for (const [i, s] of samples.entries()) {
    if (i % step !== 0 && i !== samples.length - 1) continue;
    console.log(
      `| ${s.s.toFixed(0)} | ${s.progress.phase} | ${s.progress.pages} | ${
        s.progress.deploymentsDone
      } of ${s.progress.deploymentsTotal ?? '?'} |`,
    );
  }
  console.log(
    `\nRequests by route (first database): ${Object.entries(
      rows[0]?.stats.byRoute ?? {},
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  );
  process.exit(0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
