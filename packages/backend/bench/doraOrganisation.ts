/*
 * The generated organisation of the DORA benchmark: components owned by teams under
 * departments, two years of production deployments with their new commits, failures,
 * rollbacks and incidents, rolled up per entity and day with the backend's own
 * buildDailyRollups and turned into the rows the plugin stores.
 */
import {
  buildDailyRollups,
  DoraDeployment,
  DoraIncident,
  MS_PER_DAY,
  Random,
  seededRandom,
} from '@greenlight/backstage-plugin-greenlight-common';
import { rollupJson } from '@greenlight/backstage-plugin-greenlight-backend/src/dora/KnexDoraStore';
import { buildWeeklyRollups } from '@greenlight/backstage-plugin-greenlight-backend/src/dora/weeklyRollups';

export const ENTITIES = Number(process.env.BENCH_DORA_ENTITIES ?? 2000);
export const TEAMS = Number(process.env.BENCH_DORA_TEAMS ?? 200);
export const DEPARTMENTS = 10;
export const DEPLOYMENTS = Number(process.env.BENCH_DORA_DEPLOYMENTS ?? 1_000_000);
const COMMITS_PER_DEPLOYMENT = 5;
export const DAYS = 730;
export const END = Date.parse('2026-11-02T00:00:00Z');
const START = END - DAYS * MS_PER_DAY;
const HOUR = 3_600_000;
export const WINDOW = { from: new Date(END - 90 * MS_PER_DAY).toISOString(), to: new Date(END).toISOString() };

type Profile = { rate: number; leadHours: number; recoveryMinutes: number };
// Relative deployment rates; scaled below so the organisation makes DEPLOYMENTS in DAYS.
const PROFILES: Profile[] = [
  { rate: 3, leadHours: 4, recoveryMinutes: 30 },
  { rate: 3, leadHours: 4, recoveryMinutes: 30 },
  { rate: 1.2, leadHours: 30, recoveryMinutes: 240 },
  { rate: 1.2, leadHours: 30, recoveryMinutes: 240 },
  { rate: 1.2, leadHours: 30, recoveryMinutes: 240 },
  { rate: 0.4, leadHours: 120, recoveryMinutes: 1440 },
  { rate: 0.4, leadHours: 120, recoveryMinutes: 1440 },
  { rate: 0.4, leadHours: 120, recoveryMinutes: 1440 },
  { rate: 0.08, leadHours: 480, recoveryMinutes: 4000 },
  { rate: 0.08, leadHours: 480, recoveryMinutes: 4000 },
];
const RATE_SCALE =
  DEPLOYMENTS / (DAYS * ENTITIES * (PROFILES.reduce((s, p) => s + p.rate, 0) / PROFILES.length)) /
  1.03; // rollbacks add about 3% more deployments

export const entityName = (i: number) => `svc-${String(i).padStart(4, '0')}`;
export const teamName = (i: number) => `team-${String(i).padStart(3, '0')}`;
const teamOf = (entity: number) => entity % TEAMS;
const departmentOf = (team: number) => team % DEPARTMENTS;

function logNormal(rng: Random, median: number): number {
  const u = Math.max(1e-12, rng.next());
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  return median * Math.exp(z);
}

export type Generated = {
  rollups: object[];
  weeklyRollups: object[];
  facts: object[];
  incidents: object[];
  incidentEntities: object[];
  deployments: number;
  commits: number;
};

/** 3 % failed, 3 % rolled back, 2 % cancelled, the rest succeeded. */
function statusFor(r: number): DoraDeployment['status'] {
  if (r < 0.03) return 'failed';
  if (r < 0.06) return 'rolled-back';
  if (r < 0.08) return 'cancelled';
  return 'succeeded';
}

function commitTimesBefore(deployedAt: number, count: number, rng: Random, meanLeadMs: number): number[] {
  return Array.from({ length: count }, () => Math.round(deployedAt - logNormal(rng, meanLeadMs)));
}

/** One entity's two years: deployments with their new commits, failures, rollbacks, incidents. */
function generateEntity(index: number, rng: Random, out: Generated) {
  const entityRef = `component:default/${entityName(index)}`;
  const profile = PROFILES[index % PROFILES.length];
  const perDay = profile.rate * RATE_SCALE;
  const deployments: DoraDeployment[] = [];
  const incidents: DoraIncident[] = [];
  let t = START;
  let seq = 0;
  for (;;) {
    t += Math.max(60_000, Math.round((-Math.log(1 - rng.next()) / perDay) * MS_PER_DAY));
    if (t >= END) break;
    const id = `${entityName(index)}-${++seq}`;
    const status = statusFor(rng.next());
    // 1 to 9 commits, and now and then a few more: about five per deployment, rollbacks included.
    const commitTimes = commitTimesBefore(
      t,
      rng.int(1, 2 * COMMITS_PER_DEPLOYMENT - 1) + (rng.chance(0.05) ? 3 : 0),
      rng,
      profile.leadHours * HOUR,
    );
    const environment = rng.chance(0.8) ? 'production' : 'production-eu';
    deployments.push({
      id,
      entityRef,
      environment,
      tier: 'production',
      status,
      intent: rng.chance(0.05) ? 'hotfix' : 'planned',
      startedAt: t - 600_000,
      finishedAt: t,
      commitTimes: status === 'succeeded' ? commitTimes : [],
    });
    out.commits += commitTimes.length;
    if (status === 'rolled-back') {
      deployments.push({
        id: `${id}-rollback`,
        entityRef,
        environment,
        tier: 'production',
        status: 'succeeded',
        intent: 'rollback',
        rollbackOf: id,
        startedAt: t + 120_000,
        finishedAt: t + 600_000,
        commitTimes: [],
      });
    }
    if ((status === 'failed' || status === 'rolled-back') && rng.chance(0.4)) {
      incidents.push({
        id: `inc-${id}`,
        entityRefs: [entityRef],
        detectedAt: t + 300_000,
        resolvedAt: t + Math.round(logNormal(rng, profile.recoveryMinutes * 60_000)),
        deploymentId: id,
      });
    }
    if (rng.chance(0.01)) {
      incidents.push({ id: `inc-${id}-unattributed`, entityRefs: [entityRef], detectedAt: t + 3 * HOUR });
    }
  }
  out.deployments += deployments.length;
  const daily = buildDailyRollups(deployments, incidents).map(r => ({
    ...r,
    deploymentsWithoutCommit: 0,
    commitsWithoutTime: 0,
    examples: null,
  }));
  for (const r of daily) out.rollups.push({ entity_ref: entityRef, day: r.day, rollup: rollupJson(r) });
  for (const w of buildWeeklyRollups(daily)) {
    out.weeklyRollups.push({ entity_ref: entityRef, week: w.week, rollup: rollupJson(w) });
  }
  out.facts.push({
    entity_ref: entityRef,
    stale_version: 0,
    built_version: 0,
    stale_from: '9999-12-31',
    rebuilt_at: Date.now(),
    deployments: deployments.length,
    production_deployments: deployments.length,
    pending_commits: '{}',
  });
  for (const i of incidents) {
    out.incidents.push({
      id: i.id,
      severity: 'sev2',
      detected_at: i.detectedAt,
      resolved_at: i.resolvedAt ?? null,
      deployment_id: i.deploymentId ?? null,
    });
    out.incidentEntities.push({ incident_id: i.id, entity_ref: entityRef });
  }
}

export function generate(): Generated {
  const rng = seededRandom(2026);
  const out: Generated = { rollups: [], weeklyRollups: [], facts: [], incidents: [], incidentEntities: [], deployments: 0, commits: 0 };
  for (let i = 0; i < ENTITIES; i++) generateEntity(i, rng, out);
  return out;
}

export function catalogYaml(): string {
  const docs: string[] = [];
  for (let d = 0; d < DEPARTMENTS; d++) {
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: dept-${d}
spec:
  type: department
  children: []
`);
  }
  for (let t = 0; t < TEAMS; t++) {
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: ${teamName(t)}
spec:
  type: team
  parent: dept-${departmentOf(t)}
  children: []
`);
  }
  for (let i = 0; i < ENTITIES; i++) {
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${entityName(i)}
spec:
  type: service
  lifecycle: production
  owner: group:default/${teamName(teamOf(i))}
`);
  }
  return docs.join('---\n');
}

