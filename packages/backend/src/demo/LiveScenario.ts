import { LoggerService } from '@backstage/backend-plugin-api';
import { GreenlightEvent, RolloutView } from '@greenlight/backstage-plugin-greenlight-common';
import { createHash } from 'node:crypto';
import { DemoKeys } from './attestations';
import { canaryEvidence } from './canaryEvidence';
import { DemoHealth, DemoMetricProvider } from './DemoMetricProvider';
import { DemoPoster } from './poster';

type Running = { deploymentId: string; service: string; startedAt: number };

const DAY = 86_400_000;
const sha = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * DEMO ONLY: every few minutes a new canary of two services goes to production — one
 * healthy, one that breaches its SLO — and Greenlight's rollout watcher decides: the first
 * is promoted, the second rolled back automatically. The scenario only plays the CD
 * system's part (starting deployments, finishing promoted ones); the decisions are
 * Greenlight's.
 */
const DECIDED = ['promoted', 'rolled-back', 'aborted'];

export class LiveScenario {
  private readonly running = new Map<string, Running>();
  private adopted = false;

  constructor(
    private readonly deps: {
      poster: DemoPoster;
      metrics: DemoMetricProvider;
      logger: LoggerService;
      services: Array<{ name: string; health: DemoHealth }>;
      /** Signs each canary's provenance; without keys canaries ship unsigned. */
      keys?: DemoKeys;
    },
  ) {
    // Health belongs to the service, not to one process's memory: a restarted backend must
    // still see the breaching canary breach.
    for (const { name, health } of deps.services) deps.metrics.setHealth(name, health);
  }

  /** Starts a new canary for each service that has none running. */
  async startCanaries(now = Date.now()) {
    await this.adopt();
    const events: GreenlightEvent[] = [];
    let started = 0;
    for (const { name, health } of this.deps.services) {
      if (this.running.has(name)) continue;
      const stamp = new Date(now).toISOString().replace(/[-:.TZ]/g, '').slice(0, 12);
      const deploymentId = `${name}-live-${stamp}`;
      const commitSha = sha(deploymentId, 40);
      const digest = `sha256:${sha(`${deploymentId}-image`, 64)}`;
      // One version per artifact, also after a restart: the day and the minute it was built.
      const version = `2.${Math.floor(now / DAY) % 100}.${Math.floor((now % DAY) / 60_000)}`;
      events.push(
        ...canaryEvidence({ service: name, deploymentId, digest, commitSha, at: now - 5 * 60_000, keys: this.deps.keys }),
        {
          id: `${deploymentId}-commits`,
          type: 'commits',
          serviceId: name,
          commits: [
            {
              sha: commitSha,
              repository: `github.com/acme/${name}`,
              committedAt: new Date(now - 45 * 60_000).toISOString(),
              author: 'ada',
              title: health === 'healthy' ? 'Tune connection pool' : 'Switch to the new pricing engine',
            },
          ],
        },
        {
          id: `${deploymentId}-started`,
          type: 'deployment.started',
          serviceId: name,
          deployment: {
            id: deploymentId,
            environment: 'production',
            status: 'started',
            strategy: 'canary',
            intent: 'planned',
            version,
            artifactDigest: digest,
            commitSha,
            commits: [commitSha],
            actor: 'demo-pipeline',
            sourceSystem: 'greenlight-demo',
            startedAt: new Date(now).toISOString(),
          },
        },
      );
      this.running.set(name, { deploymentId, service: name, startedAt: now });
      started += 1;
    }
    if (events.length > 0) {
      await this.deps.poster.post(events);
      this.deps.logger.info(`Demo: started ${started} canary rollout(s) in production`);
    }
  }

  /** Finishes promoted canaries and forgets decided ones, as a CD system would. */
  async followUp() {
    await this.adopt();
    for (const [name, run] of [...this.running]) {
      const { items } = await this.deps.poster.get<{ items: RolloutView[] }>(
        `/v1/rollouts?entityRef=${encodeURIComponent(`component:default/${name}`)}`,
      );
      const rollout = items.find(r => r.deploymentId === run.deploymentId);
      if (!rollout) {
        // No rollout after a few minutes means the watcher is not running: do not pile up.
        if (Date.now() - run.startedAt > 10 * 60_000) this.running.delete(name);
        continue;
      }
      if (rollout.state === 'promoted') {
        await this.finish(name, run.deploymentId);
        this.running.delete(name);
      } else if (['rolled-back', 'aborted'].includes(rollout.state)) {
        this.running.delete(name);
      }
    }
  }

  /** The CD system finishes a promoted canary: it now runs in production. */
  private async finish(name: string, deploymentId: string) {
    await this.deps.poster.post([
      {
        id: `${deploymentId}-finished`,
        type: 'deployment.finished',
        serviceId: name,
        deployment: {
          id: deploymentId,
          environment: 'production',
          status: 'succeeded',
          strategy: 'canary',
          intent: 'planned',
          finishedAt: new Date().toISOString(),
        },
      },
    ]);
  }

  /**
   * Once per process: takes over the canaries an earlier run of the demo left behind (the
   * backend restarted), so a canary the watcher is still deciding is followed up rather than
   * joined by a second one, and one it promoted meanwhile is finished. Finishing one that was
   * already finished only posts a duplicate, which the ledger ignores.
   */
  private async adopt() {
    if (this.adopted) return;
    for (const { name } of this.deps.services) {
      const { items } = await this.deps.poster.get<{ items: RolloutView[] }>(
        `/v1/rollouts?entityRef=${encodeURIComponent(`component:default/${name}`)}&limit=5`,
      );
      for (const rollout of items.filter(r => r.deploymentId.startsWith(`${name}-live-`))) {
        if (rollout.state === 'promoted') {
          await this.finish(name, rollout.deploymentId);
        } else if (!DECIDED.includes(rollout.state) && !this.running.has(name)) {
          this.running.set(name, {
            deploymentId: rollout.deploymentId,
            service: name,
            startedAt: Date.parse(rollout.startedAt),
          });
        }
      }
    }
    this.adopted = true;
  }
}
