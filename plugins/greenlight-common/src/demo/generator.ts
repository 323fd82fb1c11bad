import { Deployment, GreenlightEvent } from '../events';
import { Random, seededRandom } from './random';

/**
 * Generates a realistic delivery history: commits, builds, signed or unsigned artifacts,
 * tests, deployments through dev → staging → production (canaries included), failures,
 * rollbacks, hotfixes, incidents and recoveries. One generator serves the demo seeder (small)
 * and the benchmarks (large); the same seed always yields the same events.
 */

/** @public */
export type DeliveryProfile = 'elite' | 'high' | 'medium' | 'low';

/** @public */
export type GeneratedService = {
  serviceId: string;
  repository: string;
  artifactPurl: string;
  profile: DeliveryProfile;
};

/** @public */
export type GeneratorOptions = {
  seed: number;
  services: GeneratedService[];
  /** Start of the history, epoch ms. */
  start: number;
  days: number;
  environments?: string[];
};

type Profile = {
  changesPerDay: number;
  leadHours: [number, number];
  failureRate: number;
  recoveryMinutes: [number, number];
};

const PROFILES: Record<DeliveryProfile, Profile> = {
  elite: { changesPerDay: 3, leadHours: [1, 20], failureRate: 0.04, recoveryMinutes: [10, 50] },
  high: { changesPerDay: 0.8, leadHours: [20, 120], failureRate: 0.12, recoveryMinutes: [40, 600] },
  medium: { changesPerDay: 0.25, leadHours: [100, 500], failureRate: 0.2, recoveryMinutes: [300, 4000] },
  low: { changesPerDay: 0.06, leadHours: [400, 2000], failureRate: 0.35, recoveryMinutes: [2000, 12000] },
};

const HOUR = 3_600_000;
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const AUTHORS = ['ada', 'grace', 'linus', 'margaret', 'barbara', 'ken', 'dennis', 'radia'];
const TITLES = ['Fix rounding', 'Add endpoint', 'Bump dependency', 'Tune retries', 'Refactor handler', 'Add metrics', 'Improve logging', 'Migrate config'];

/** @public */
export function generateHistory(options: GeneratorOptions): GreenlightEvent[] {
  const rng = seededRandom(options.seed);
  const environments = options.environments ?? ['development', 'staging', 'production'];
  const events: Array<{ at: number; event: GreenlightEvent }> = [];
  for (const service of options.services) {
    generateService(rng, service, options, environments, events);
  }
  return events
    .sort((a, b) => a.at - b.at || a.event.id.localeCompare(b.event.id, 'en'))
    .map(e => e.event);
}

function generateCommits(rng: Random, repository: string, deployAt: number, profile: Profile) {
  return Array.from({ length: rng.int(1, 4) }, (_, i) => ({
    sha: rng.hex(40),
    repository,
    committedAt: iso(deployAt - rng.int(profile.leadHours[0], profile.leadHours[1]) * HOUR - i * 7 * MINUTE),
    author: rng.pick(AUTHORS),
    title: rng.pick(TITLES),
    prNumber: rng.int(1, 5000),
  }));
}

function generateService(
  rng: Random,
  service: GeneratedService,
  options: GeneratorOptions,
  environments: string[],
  out: Array<{ at: number; event: GreenlightEvent }>,
) {
  const profile = PROFILES[service.profile];
  const end = options.start + options.days * 24 * HOUR;
  let t = options.start + rng.int(0, 12) * HOUR;
  let seq = 0;
  let lastGood: { digest: string; sha: string; version: string } | undefined;
  const subject = { serviceId: service.serviceId };
  /**
   * Per environment, the commits that have not reached it yet: a release that failed its
   * tests, or was rolled back, leaves its commits to the next one, which carries them (its
   * artifact is built from a later commit of the same branch), as a pipeline that reports
   * the commits since the environment's last successful deployment does.
   */
  const undelivered = new Map<string, string[]>(environments.map(e => [e, []]));

  while (t < end) {
    t += Math.max(10 * MINUTE, Math.round((-Math.log(1 - rng.next()) / profile.changesPerDay) * 24 * HOUR));
    if (t >= end) break;
    seq += 1;
    const id = `${service.serviceId}-${seq}`;
    const commits = generateCommits(rng, service.repository, t, profile);
    const sha = commits[0].sha;
    const digest = `sha256:${rng.hex(64)}`;
    const version = `1.${Math.floor(seq / 10)}.${seq % 10}`;
    const hotfix = rng.chance(0.05);
    out.push({ at: t - 30 * MINUTE, event: { id: `${id}-commits`, type: 'commits', ...subject, commits } });
    out.push({
      at: t - 20 * MINUTE,
      event: {
        id: `${id}-build`,
        type: 'build',
        ...subject,
        build: {
          id: `build-${id}`,
          repository: service.repository,
          commitSha: sha,
          builder: 'https://github.com/actions/runner/github-hosted',
          status: 'succeeded',
          startedAt: iso(t - 25 * MINUTE),
          finishedAt: iso(t - 20 * MINUTE),
        },
      },
    });
    out.push({
      at: t - 19 * MINUTE,
      event: {
        id: `${id}-artifact`,
        type: 'artifact',
        ...subject,
        artifact: {
          digest,
          name: service.serviceId,
          purl: `${service.artifactPurl}@${digest}`,
          buildId: `build-${id}`,
          commitSha: sha,
          repository: service.repository,
          createdAt: iso(t - 19 * MINUTE),
        },
      },
    });
    const testsPass = !rng.chance(0.03);
    const carried = new Map(environments.map(e => [e, [...undelivered.get(e)!, ...commits.map(c => c.sha)]]));
    for (const [environment, shas] of carried) undelivered.set(environment, shas);
    out.push({
      at: t - 15 * MINUTE,
      event: {
        id: `${id}-tests`,
        type: 'test.run',
        ...subject,
        testRun: {
          id: `tests-${id}`,
          suite: 'unit+integration',
          outcome: testsPass ? 'passed' : 'failed',
          buildId: `build-${id}`,
          commitSha: sha,
          artifactDigest: digest,
          total: rng.int(200, 900),
          failures: testsPass ? 0 : rng.int(1, 5),
          finishedAt: iso(t - 15 * MINUTE),
        },
      },
    });
    if (!testsPass) continue;

    let at = t;
    let failedInProduction = false;
    for (const environment of environments) {
      const production = environment === environments[environments.length - 1];
      const strategy: Deployment['strategy'] = production
        ? rng.pick(['canary', 'canary', 'blue-green', 'rolling'] as const)
        : 'all-at-once';
      const failed = production && rng.chance(profile.failureRate);
      const deploymentId = `${id}-${environment}`;
      const base = {
        id: deploymentId,
        environment,
        artifactDigest: digest,
        version,
        commitSha: sha,
        commits: carried.get(environment)!,
        strategy,
        intent: hotfix && production ? ('hotfix' as const) : ('planned' as const),
        actor: rng.pick(AUTHORS),
        sourceSystem: 'github-actions',
        startedAt: iso(at),
      };
      out.push({ at, event: { id: `${deploymentId}-started`, type: 'deployment.started', ...subject, deployment: { ...base, status: 'started' } } });
      const finishedAt = at + rng.int(3, 25) * MINUTE;
      out.push({
        at: finishedAt,
        event: {
          id: `${deploymentId}-finished`,
          type: 'deployment.finished',
          ...subject,
          deployment: { ...base, status: failed ? 'rolled-back' : 'succeeded', finishedAt: iso(finishedAt) },
        },
      });
      at = finishedAt + rng.int(10, 240) * MINUTE;
      if (!failed) undelivered.set(environment, []);
      if (failed) {
        failedInProduction = true;
        const recovered = finishedAt + rng.int(profile.recoveryMinutes[0], profile.recoveryMinutes[1]) * MINUTE;
        const incidentId = `inc-${id}`;
        out.push({
          at: finishedAt + MINUTE,
          event: {
            id: `${incidentId}-opened`,
            type: 'incident.opened',
            ...subject,
            incident: {
              id: incidentId,
              severity: rng.pick(['sev1', 'sev2', 'sev3']),
              title: `Error rate above SLO after ${version}`,
              detectedAt: iso(finishedAt + MINUTE),
              deploymentId,
              evidence: 'canary error-rate gate failed; digest rolled back',
            },
          },
        });
        if (lastGood) {
          const rollbackId = `${id}-rollback`;
          const rollback = {
            id: rollbackId,
            environment,
            artifactDigest: lastGood.digest,
            version: lastGood.version,
            commitSha: lastGood.sha,
            strategy: 'all-at-once' as const,
            intent: 'rollback' as const,
            rollbackOf: deploymentId,
            actor: 'greenlight',
            startedAt: iso(finishedAt + 2 * MINUTE),
          };
          out.push({ at: finishedAt + 2 * MINUTE, event: { id: `${rollbackId}-started`, type: 'deployment.started', ...subject, deployment: { ...rollback, status: 'started' } } });
          out.push({
            at: finishedAt + 6 * MINUTE,
            event: {
              id: `${rollbackId}-finished`,
              type: 'deployment.finished',
              ...subject,
              deployment: { ...rollback, status: 'succeeded', finishedAt: iso(finishedAt + 6 * MINUTE) },
            },
          });
        }
        out.push({
          at: recovered,
          event: {
            id: `${incidentId}-resolved`,
            type: 'incident.resolved',
            ...subject,
            incident: { id: incidentId, resolvedAt: iso(recovered), deploymentId },
          },
        });
        break;
      }
    }
    if (!failedInProduction) lastGood = { digest, sha, version };
    t = Math.max(t, at);
  }
}
