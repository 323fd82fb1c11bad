import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  computeDoraMetrics,
  DoraMetrics,
  DoraWindow,
  generateHistory,
  GreenlightEvent,
  MS_PER_DAY,
  seededRandom,
} from '@greenlight/backstage-plugin-greenlight-common';
import fc from 'fast-check';
import { Knex } from 'knex';
import { sampleServices, staticResolver } from '../__testUtils__/demoServices';
import { DEFAULT_ENVIRONMENTS } from '../config';
import { KnexLedgerStore } from '../database/KnexLedgerStore';
import { applyMigrations } from '../database/migrations';
import { IngestService } from '../service/IngestService';
import { rawDoraInput } from './__testUtils__/rawOracle';
import { IncidentFindings } from './dataQuality';
import { readDoraSettings } from './doraConfig';
import { doraReport } from './doraReport';
import { GateFailures } from './gateFailures';
import { KnexDoraStore } from './KnexDoraStore';
import { tierResolver } from './ledgerInputs';
import { RollupRefresher } from './RollupRefresher';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(600_000);

const START = Date.parse('2026-01-05T00:00:00Z');
const DAYS = 70;
const tierOf = tierResolver(DEFAULT_ENVIRONMENTS);
const entityOf = (e: GreenlightEvent) => `component:default/${e.serviceId}`;

function shuffle<T>(items: T[], seed: number): T[] {
  const rng = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Evidence that arrives long after the deployments it is about: a rollback within the
 * attribution horizon, a hotfix beyond it, an incident blamed on an old deployment, a revert
 * from another service, and the details of a commit a deployment shipped weeks earlier.
 */
function lateEvidence(history: GreenlightEvent[]): GreenlightEvent[] {
  const production = history.filter(
    (e): e is Extract<GreenlightEvent, { type: 'deployment.finished' }> =>
      e.type === 'deployment.finished' && e.deployment.environment === 'production' && e.deployment.status === 'succeeded',
  );
  const of = (service: string, index: number) => production.filter(e => e.serviceId === service)[index];
  const plus = (iso: string | undefined, ms: number) => new Date(Date.parse(iso!) + ms).toISOString();
  const late: GreenlightEvent[] = [];
  const a = of('svc-0', 3);
  const b = of('svc-0', 6);
  const c = of('svc-1', 2);
  const d = of('svc-2', 1);
  const e = of('svc-0', 8);
  if (a) {
    late.push({
      id: 'late-rollback',
      type: 'deployment.finished',
      serviceId: 'svc-0',
      deployment: {
        id: 'late-rollback',
        environment: 'production',
        status: 'succeeded',
        strategy: 'all-at-once',
        intent: 'rollback',
        rollbackOf: a.deployment.id,
        startedAt: plus(a.deployment.finishedAt, 3 * 3_600_000),
        finishedAt: plus(a.deployment.finishedAt, 4 * 3_600_000),
      },
    });
  }
  if (b) {
    late.push({
      id: 'late-hotfix-beyond-horizon',
      type: 'deployment.finished',
      serviceId: 'svc-0',
      deployment: {
        id: 'late-hotfix',
        environment: 'production',
        status: 'succeeded',
        strategy: 'all-at-once',
        intent: 'hotfix',
        replaces: b.deployment.id,
        startedAt: plus(b.deployment.finishedAt, 9 * MS_PER_DAY),
        finishedAt: plus(b.deployment.finishedAt, 9 * MS_PER_DAY + 600_000),
      },
    });
  }
  if (c) {
    late.push({
      id: 'late-incident',
      type: 'incident.opened',
      serviceId: 'svc-1',
      incident: {
        id: 'late-incident',
        detectedAt: plus(c.deployment.finishedAt, 1_800_000),
        deploymentId: c.deployment.id,
      },
    });
  }
  if (e) {
    late.push({
      id: 'late-cross-revert',
      type: 'deployment.finished',
      serviceId: 'svc-1',
      deployment: {
        id: 'late-cross-revert',
        environment: 'staging',
        status: 'succeeded',
        strategy: 'all-at-once',
        intent: 'revert',
        replaces: e.deployment.id,
        startedAt: plus(e.deployment.finishedAt, 3_600_000),
        finishedAt: plus(e.deployment.finishedAt, 2 * 3_600_000),
      },
    });
  }
  if (d) {
    late.push({
      id: 'late-deployment-commits',
      type: 'deployment.finished',
      serviceId: 'svc-2',
      deployment: { ...d.deployment, commits: [...(d.deployment.commits ?? []), 'feedface00'] },
    });
    late.push({
      id: 'late-commit-details',
      type: 'commits',
      serviceId: 'svc-2',
      commits: [{ sha: 'feedface00', repository: 'github.com/acme/svc-2', committedAt: plus(d.deployment.finishedAt, -40 * 3_600_000) }],
    });
  }
  return late;
}

function withinSketchError(actual: number | null, exact: number | null) {
  if (exact === null || actual === null) return actual === exact;
  return Math.abs(actual - exact) <= 0.01 * exact + 1e-6;
}

/** Counts and rates exactly; quantiles within the sketch's documented 1%. */
function expectEquivalent(fromRollups: DoraMetrics, raw: DoraMetrics, label: string) {
  const { failures: _failures, ...rawFailRate } = raw.changeFailRate;
  expect({ label, value: fromRollups.deploymentFrequency }).toEqual({ label, value: raw.deploymentFrequency });
  expect({ label, value: fromRollups.changeFailRate }).toEqual({ label, value: rawFailRate });
  expect({ label, value: fromRollups.deploymentReworkRate }).toEqual({ label, value: raw.deploymentReworkRate });
  const counts = (m: DoraMetrics) => ({
    label,
    leadN: m.changeLeadTime.n,
    notInProduction: m.changeLeadTime.notInProduction,
    clockSkewed: m.changeLeadTime.clockSkewed,
    recoveryN: m.failedDeploymentRecoveryTime.n,
    unrecovered: m.failedDeploymentRecoveryTime.unrecovered,
  });
  expect(counts(fromRollups)).toEqual(counts(raw));
  for (const [actual, exact, what] of [
    [fromRollups.changeLeadTime.medianMs, raw.changeLeadTime.medianMs, 'lead median'],
    [fromRollups.changeLeadTime.p90Ms, raw.changeLeadTime.p90Ms, 'lead p90'],
    [fromRollups.failedDeploymentRecoveryTime.medianMs, raw.failedDeploymentRecoveryTime.medianMs, 'recovery median'],
    [fromRollups.failedDeploymentRecoveryTime.p90Ms, raw.failedDeploymentRecoveryTime.p90Ms, 'recovery p90'],
    [
      fromRollups.failedDeploymentRecoveryTime.medianOfAllMs,
      raw.failedDeploymentRecoveryTime.medianOfAllMs,
      'recovery median of all failures',
    ],
  ] as const) {
    expect({ label, what, ok: withinSketchError(actual, exact), actual, exact }).toMatchObject({ ok: true });
  }
}

async function rollupRows(knex: Knex) {
  return {
    daily: await knex('dora_daily_rollups').orderBy(['entity_ref', 'day']),
    weekly: await knex('dora_weekly_rollups').orderBy(['entity_ref', 'week']),
  };
}

describe('rollups equal the raw computation over pooled events', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'on %p, including after late and out-of-order events',
    async databaseId => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.double({ min: 0.3, max: 0.8, noNaN: true }),
          async (seed, inOrderShare) => {
            const knex = await databases.init(databaseId);
            await applyMigrations(knex);
            const ledger = new KnexLedgerStore(knex);
            const ingest = new IngestService(ledger, staticResolver, mockServices.logger.mock());
            const store = new KnexDoraStore(knex);
            const settings = readDoraSettings(new ConfigReader({}));
            const refresher = new RollupRefresher({
              knex,
              store,
              tierOf,
              productionEnvironments: ['production'],
              settings,
              logger: mockServices.logger.mock(),
              gateFailures: new GateFailures(knex),
            });
            ingest.onApplied(rows => refresher.onEvents(rows));

            const history = generateHistory({ seed, services: sampleServices(4), start: START, days: DAYS });
            const late = lateEvidence(history);
            expect(late).toHaveLength(6);
            const cut = Math.floor(history.length * inOrderShare);
            const post = async (events: GreenlightEvent[], size: number) => {
              for (let i = 0; i < events.length; i += size) {
                await ingest.ingest({ source: 'native', events: events.slice(i, i + size), actor: 'service:test' });
              }
            };
            await post(history.slice(0, cut), 400);
            // No reconciling: only what the stale marks named is rebuilt.
            await refresher.run({ budgetMs: 600_000, reconcile: 0 });
            const early = await rollupRows(knex);
            await post(shuffle([...history.slice(cut), ...late], seed), 250);
            await refresher.run({ budgetMs: 600_000, reconcile: 0 });
            const incremental = await rollupRows(knex);
            expect(incremental).not.toEqual(early);

            const raw = rawDoraInput([...history, ...late], entityOf, tierOf);
            const options = { minimumSamples: settings.minimumSamples };
            const teams = [
              ['svc-0', 'svc-1'],
              ['svc-2', 'svc-3'],
              ['svc-0', 'svc-1', 'svc-2', 'svc-3'],
            ].map(t => t.map(s => `component:default/${s}`));
            // Whole weeks, weeks with odd days at both ends, one day; weekly and monthly trends.
            const windows: Array<[DoraWindow, 'week' | 'month']> = [
              [{ from: START, to: START + DAYS * MS_PER_DAY }, 'week'],
              [{ from: START + 14 * MS_PER_DAY, to: START + 42 * MS_PER_DAY }, 'week'],
              [{ from: START + 38 * MS_PER_DAY, to: START + 69 * MS_PER_DAY }, 'week'],
              [{ from: START + 3 * MS_PER_DAY, to: START + 66 * MS_PER_DAY }, 'month'],
              [{ from: START + 35 * MS_PER_DAY, to: START + 36 * MS_PER_DAY }, 'week'],
            ];
            for (const entityRefs of teams) {
              const members = new Set(entityRefs);
              const pooled = {
                deployments: raw.deployments.filter(d => members.has(d.entityRef)),
                incidents: raw.incidents,
                notInProductionCommitTimes: rawDoraInput(
                  [...history, ...late].filter(e => members.has(entityOf(e))),
                  entityOf,
                  tierOf,
                ).notInProductionCommitTimes,
              };
              for (const [window, bucket] of windows) {
                const report = await doraReport(
                  { store, incidents: new IncidentFindings(knex) },
                  { kind: 'group', ref: 'group:default/team', entityRefs },
                  window,
                  bucket,
                  options,
                );
                const label = `${entityRefs.join('+')} ${new Date(window.from).toISOString()}`;
                expectEquivalent(report.current, computeDoraMetrics(pooled, window, options), label);
                expectEquivalent(
                  report.previous,
                  computeDoraMetrics(pooled, report.previous.window, options),
                  `${label} previous`,
                );
                for (const point of report.trend) {
                  expectEquivalent(point.metrics, computeDoraMetrics(pooled, point.metrics.window, options), `${label} ${point.label}`);
                }
              }
            }

            // Rebuilding everything from scratch gives exactly the incrementally kept rollups.
            await store.markAllStale();
            await refresher.run({ budgetMs: 600_000, reconcile: 0 });
            expect(await rollupRows(knex)).toEqual(incremental);
            await knex.destroy();
          },
        ),
        { numRuns: 3, seed: 20261126 },
      );
    },
  );
});
