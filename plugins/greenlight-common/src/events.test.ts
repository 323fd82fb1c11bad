import { parseEventBatch } from './events';

const digest = `sha256:${'a'.repeat(64)}`;

describe('parseEventBatch', () => {
  it('accepts a valid mixed batch and applies defaults', () => {
    const result = parseEventBatch({
      events: [
        {
          id: 'd1',
          type: 'deployment.finished',
          entityRef: 'component:default/payments',
          deployment: {
            id: 'dep-1',
            environment: 'production',
            artifactDigest: digest,
            commitSha: 'abc1234',
            status: 'succeeded',
            finishedAt: '2026-01-02T10:00:00Z',
          },
        },
        {
          id: 'c1',
          type: 'commits',
          commits: [
            {
              sha: 'abc1234',
              repository: 'github.com/acme/payments',
              committedAt: '2026-01-01T10:00:00Z',
            },
          ],
        },
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const dep = result.events[0];
    expect(dep.type === 'deployment.finished' && dep.deployment.strategy).toBe(
      'all-at-once',
    );
    expect(dep.type === 'deployment.finished' && dep.deployment.intent).toBe(
      'planned',
    );
  });

  it('names the index and path of every invalid field', () => {
    const result = parseEventBatch({
      events: [
        { id: 'ok', type: 'test.run', testRun: { id: 't', suite: 'unit', outcome: 'passed' } },
        {
          id: 'bad',
          type: 'deployment.finished',
          deployment: { id: 'x', environment: 'prod', status: 'exploded', artifactDigest: 'md5:1' },
        },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map(i => `${i.index}:${i.path}`).sort();
    expect(paths).toEqual([
      '1:deployment.artifactDigest',
      '1:deployment.status',
    ]);
  });

  it('rejects an unknown event type and an empty batch', () => {
    const unknown = parseEventBatch({ events: [{ id: 'x', type: 'nope' }] });
    expect(unknown.ok).toBe(false);
    const empty = parseEventBatch({ events: [] });
    expect(empty).toMatchObject({ ok: false, issues: [{ index: -1, path: 'events' }] });
  });
});
