import { emptyMemory, remember } from './appMemory';
import { Application } from './application';
import { mapApplication } from './mapApplication';

const app = (history: Array<[number, string]>): Application => ({
  metadata: { name: 'checkout' },
  status: {
    history: history.map(([id, revision]) => ({
      id,
      revision,
      deployStartedAt: `2026-11-01T0${id % 10}:00:00Z`,
      deployedAt: `2026-11-01T0${id % 10}:01:00Z`,
    })),
  },
});

const rollbacks = (events: ReturnType<typeof mapApplication>['events']) =>
  events
    .filter(e => e.type === 'deployment.finished')
    .map(e => {
      const d = (
        e as {
          deployment: { id: string; intent?: string; rollbackOf?: string };
        }
      ).deployment;
      return [
        d.id.split('/').pop(),
        d.intent ?? 'planned',
        d.rollbackOf ?? null,
      ];
    });

describe('mapApplication', () => {
  const map = (history: Array<[number, string]>, memory = emptyMemory()) =>
    mapApplication({
      instance: 'prod',
      environment: 'production',
      app: app(history),
      memory,
    });

  it('calls a return to an earlier revision a rollback of the one it replaced, and nothing else', () => {
    // v1, v2, v2 again (a re-sync), v1 (back), v3 (new).
    const { events } = map([
      [0, 'v1'],
      [1, 'v2'],
      [2, 'v2'],
      [3, 'v1'],
      [4, 'v3'],
    ]);
    expect(rollbacks(events)).toEqual([
      ['0', 'planned', null],
      ['1', 'planned', null],
      ['2', 'planned', null],
      ['3', 'rollback', 'argocd/prod/checkout/2'],
      ['4', 'planned', null],
    ]);
  });

  it('recognises a rollback to a revision Argo CD no longer shows, from memory', () => {
    // Pulled once: ids 0–1. Argo CD later shows only ids 5–6 (its history limit pruned
    // the rest); id 6 returns to v1, known only from the memory of id 0.
    const first = map([
      [0, 'v1'],
      [1, 'v2'],
    ]);
    const { events, memory } = map(
      [
        [5, 'v5'],
        [6, 'v1'],
      ],
      first.memory,
    );
    expect(rollbacks(events)).toEqual([
      ['5', 'planned', null],
      ['6', 'rollback', 'argocd/prod/checkout/5'],
    ]);
    expect(memory.lastId).toBe(6);
  });

  it('writes only the entries after the cursor', () => {
    const memory = remember(emptyMemory(), [
      { id: 0, revision: 'v1' },
      { id: 1, revision: 'v2' },
    ]);
    const { events } = map(
      [
        [0, 'v1'],
        [1, 'v2'],
        [2, 'v1'],
      ],
      memory,
    );
    expect(events.map(e => e.id)).toEqual([
      'argocd/prod/checkout/2/started',
      'argocd/prod/checkout/2/finished',
    ]);
    expect(rollbacks(events)).toEqual([
      ['2', 'rollback', 'argocd/prod/checkout/1'],
    ]);
  });
});
