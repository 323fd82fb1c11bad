import { GreenlightEvent } from '../events';
import { generateHistory } from './generator';

type Deployed = Extract<
  GreenlightEvent,
  { type: 'deployment.finished' }
>['deployment'];

/** The finished deployments of one environment, in the order they happened. */
function finished(events: GreenlightEvent[], environment: string): Deployed[] {
  return events.flatMap(e =>
    e.type === 'deployment.finished' &&
    e.deployment.environment === environment &&
    e.deployment.intent !== 'rollback'
      ? [e.deployment]
      : [],
  );
}

describe('generateHistory', () => {
  // A low performer fails often in production: rolled-back releases are plentiful.
  const events = generateHistory({
    seed: 7,
    services: [
      {
        serviceId: 'svc',
        repository: 'github.com/acme/svc',
        artifactPurl: 'pkg:oci/acme/svc',
        profile: 'low',
      },
    ],
    start: Date.parse('2026-01-01T00:00:00Z'),
    days: 720,
  });

  it('has releases rolled back in production to test against', () => {
    expect(
      finished(events, 'production').filter(d => d.status === 'rolled-back')
        .length,
    ).toBeGreaterThan(2);
  });

  it('carries the commits of a rolled-back release into the next successful one', () => {
    const production = finished(events, 'production');
    production.forEach((d, i) => {
      if (d.status !== 'rolled-back') return;
      const next = production
        .slice(i + 1)
        .find(later => later.status === 'succeeded');
      if (!next) return;
      expect(next.commits).toEqual(expect.arrayContaining(d.commits!));
    });
  });

  it('leaves no commit waiting for production that production already runs a later release of', () => {
    // Every commit that reached staging reached production too, unless it came after the last
    // successful production deployment.
    const inProduction = new Set(
      finished(events, 'production')
        .filter(d => d.status === 'succeeded')
        .flatMap(d => d.commits ?? []),
    );
    const lastProduction = finished(events, 'production')
      .filter(d => d.status === 'succeeded')
      .at(-1)!;
    const waiting = finished(events, 'staging')
      .filter(
        d =>
          d.status === 'succeeded' &&
          Date.parse(d.startedAt!) < Date.parse(lastProduction.startedAt!),
      )
      .flatMap(d => d.commits ?? [])
      .filter(sha => !inProduction.has(sha));
    expect(waiting).toEqual([]);
  });
});
