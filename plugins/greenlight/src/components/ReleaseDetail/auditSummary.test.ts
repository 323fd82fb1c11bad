import { auditSummary } from './auditSummary';

const entry = (action: string, details: unknown) => ({
  at: '2026-11-02T10:21:00Z',
  actor: 'greenlight:rollout-watcher',
  action,
  details,
});

describe('auditSummary', () => {
  it.each([
    [
      'event.deployment.finished',
      { eventId: 'e-1', source: 'native' },
      'Deployment finished reported through native',
    ],
    [
      'rollout.started',
      { rolloutId: 'ro-1', gates: ['a/errors', 'a/latency'] },
      'Rollout started, watched by a/errors, a/latency',
    ],
    [
      'rollout.rolled-back',
      {
        rolloutId: 'ro-1',
        reason: 'error ratio 0.0833333333 above 0.02 twice in a row',
      },
      'Rollout rolled back: error ratio 0.0833 above 0.02 twice in a row',
    ],
    [
      'rollout.rollback.succeeded',
      { rolloutId: 'ro-1', executor: 'webhook', attempts: 1 },
      'Rollback carried out by webhook',
    ],
    [
      'rollout.rollback.failed',
      { message: 'webhook answered HTTP 503' },
      'Rollback failed: webhook answered HTTP 503',
    ],
    [
      'readiness.decided',
      { decision: 'go', checks: [{ id: 'x' }], rolloutId: 'ro-1' },
      'Readiness decided · decision: go · checks: …',
    ],
  ])('%s reads as a sentence', (action, details, expected) => {
    const summary = auditSummary(entry(action, details));
    expect(summary).toBe(expected);
    expect(summary).not.toMatch(/[{}"]/);
  });
});
