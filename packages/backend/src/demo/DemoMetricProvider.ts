import {
  MetricQueryResult,
  MetricRangeResult,
} from '@greenlight/backstage-plugin-greenlight-common';
import { MetricProvider } from '@greenlight/backstage-plugin-greenlight-node';

/** What the demo's canaries are doing: healthy ones stay under their SLO, breaching ones do not. */
export type DemoHealth = 'healthy' | 'breaching';

const QUERY = /^demo_(error_ratio|latency_p99_seconds|requests)\{service="([a-z0-9-]+)"(?:,track="(canary|baseline|stable)")?\}$/;

/**
 * DEMO ONLY: synthetic metrics for the demo organisation's live rollouts, registered
 * through the same extension point as Prometheus under the id `demo`. Values are a
 * deterministic function of the service's demo health and the time, with a little
 * jitter, so gates see realistic noise and a single bad sample does not decide.
 */
export class DemoMetricProvider implements MetricProvider {
  readonly id = 'demo';
  private readonly health = new Map<string, DemoHealth>();

  setHealth(service: string, health: DemoHealth) {
    this.health.set(service, health);
  }

  async query(request: { query: string; time: Date }): Promise<MetricQueryResult> {
    const value = this.valueAt(request.query, request.time.getTime());
    if (value === undefined) return { status: 'error', message: `the demo provider does not know the query ${request.query}` };
    return { status: 'ok', samples: [{ labels: { source: 'demo' }, value }] };
  }

  async queryRange(request: { query: string; start: Date; end: Date; stepSeconds: number }): Promise<MetricRangeResult> {
    const points: Array<[number, number]> = [];
    for (let t = request.start.getTime(); t <= request.end.getTime(); t += request.stepSeconds * 1000) {
      const value = this.valueAt(request.query, t);
      if (value === undefined) return { status: 'error', message: `the demo provider does not know the query ${request.query}` };
      points.push([t / 1000, value]);
    }
    return { status: 'ok', series: [{ labels: { source: 'demo' }, points }] };
  }

  private valueAt(query: string, time: number): number | undefined {
    const match = query.trim().match(QUERY);
    if (!match) return undefined;
    const [, metric, service, track] = match;
    const breaching = track === 'canary' && this.health.get(service) === 'breaching';
    // A smooth pseudo-random wobble in [0, 1), the same for the same service and minute.
    const wobble = (Math.sin(time / 7000 + service.length * 1.7) + 1) / 2;
    switch (metric) {
      case 'error_ratio':
        return breaching ? 0.06 + 0.04 * wobble : 0.002 + 0.006 * wobble;
      case 'latency_p99_seconds':
        return breaching ? 0.45 + 0.2 * wobble : 0.18 + 0.08 * wobble;
      default:
        return 400 + Math.round(200 * wobble);
    }
  }
}
