import fc from 'fast-check';
import { buildDailyRollups, DoraDailyRollup } from './rollups';
import { staleRollupDays } from './staleRollups';
import { DoraDeployment, DoraIncident } from './types';
import { at, deploy, incident } from './__testUtils__/builders';
import { historyArbitrary } from './__testUtils__/arbitraries';

const flags = (length: number) =>
  fc.array(fc.boolean(), { minLength: length, maxLength: length });

const changeArbitrary = fc.record({
  history: historyArbitrary,
  newDeployments: flags(60),
  newIncidents: flags(12),
  oldStatus: fc.array(
    fc.option(fc.constantFrom('succeeded', 'failed', 'started' as const), {
      nil: undefined,
    }),
    { minLength: 60, maxLength: 60 },
  ),
  wasOpen: flags(12),
});

describe('staleRollupDays', () => {
  it('names every rollup that an arriving or updated event changes', () => {
    fc.assert(
      fc.property(changeArbitrary, c => {
        const { deployments, incidents } = c.history;
        const before: {
          deployments: DoraDeployment[];
          incidents: DoraIncident[];
        } = {
          deployments: [],
          incidents: [],
        };
        const changed: Array<DoraDeployment | DoraIncident> = [];
        deployments.forEach((d, i) => {
          const oldStatus = c.oldStatus[i];
          if (c.newDeployments[i]) {
            changed.push(d);
          } else if (oldStatus !== undefined && oldStatus !== d.status) {
            const old = { ...d, status: oldStatus };
            before.deployments.push(old);
            changed.push(old, d);
          } else {
            before.deployments.push(d);
          }
        });
        incidents.forEach((inc, i) => {
          if (c.newIncidents[i]) {
            changed.push(inc);
          } else if (c.wasOpen[i] && inc.resolvedAt !== undefined) {
            const old = { ...inc, resolvedAt: undefined };
            before.incidents.push(old);
            changed.push(old, inc);
          } else {
            before.incidents.push(inc);
          }
        });

        const stale = staleRollupDays(deployments, changed, incidents);
        const isStale = (r: DoraDailyRollup) =>
          stale.some(
            s =>
              s.entityRef === r.entityRef &&
              (s.fromDay === null || r.day >= s.fromDay),
          );
        const after = buildDailyRollups(deployments, incidents);
        const patched = [
          ...buildDailyRollups(before.deployments, before.incidents).filter(
            r => !isStale(r),
          ),
          ...after.filter(isStale),
        ].sort((a, b) =>
          a.entityRef === b.entityRef
            ? a.day.localeCompare(b.day)
            : a.entityRef.localeCompare(b.entityRef),
        );
        expect(patched).toEqual(after);
      }),
      { numRuns: 300 },
    );
  });

  it('reaches back to the previous successful deployment in the same place', () => {
    const history = [
      deploy('ok', at('2026-01-05T10:00')),
      deploy('bad', at('2026-01-07T10:00'), { status: 'failed' }),
      deploy('fix', at('2026-01-09T10:00')),
    ];
    // 'fix' may recover anything since 'ok' (5 Jan), such as 'bad'.
    expect(staleRollupDays(history, [history[2]])).toEqual([
      { entityRef: 'component:default/payments', fromDay: '2026-01-05' },
    ]);
    // An incident only touches the deployment it is attributed to.
    expect(
      staleRollupDays(history, [
        incident('i', at('2026-01-20T00:00'), { deploymentId: 'bad' }),
      ]),
    ).toEqual([
      { entityRef: 'component:default/payments', fromDay: '2026-01-07' },
    ]);
    // A rollback reaches back to the deployment it names, before 'fix'.
    const rollback = deploy('undo', at('2026-01-10T10:00'), {
      intent: 'rollback',
      rollbackOf: 'ok',
    });
    expect(staleRollupDays([...history, rollback], [rollback])).toEqual([
      { entityRef: 'component:default/payments', fromDay: '2026-01-05' },
    ]);
    // With no earlier success, every day of the entity may change.
    expect(staleRollupDays(history, [history[0]])).toEqual([
      { entityRef: 'component:default/payments', fromDay: null },
    ]);
  });

  it('reaches back to a failure noticed after the previous success', () => {
    // 'bad' at 23:50 on 6 Jan, an unrelated 'ok' at 00:10 on 7 Jan, an incident
    // on 'bad' detected on 8 Jan: 'ok' came before anyone knew, so only 'fix'
    // (9 Jan) restores 'bad', whose day is before 'ok's.
    const history = [
      deploy('bad', at('2026-01-06T23:50')),
      deploy('ok', at('2026-01-07T00:10')),
      deploy('fix', at('2026-01-09T10:00')),
    ];
    const late = incident('i', at('2026-01-08T09:00'), { deploymentId: 'bad' });
    expect(staleRollupDays(history, [history[2]], [late])).toEqual([
      { entityRef: 'component:default/payments', fromDay: '2026-01-06' },
    ]);
    // Patching from that day gives the rollups of the whole new history.
    const before = buildDailyRollups(history.slice(0, 2), [late]);
    const after = buildDailyRollups(history, [late]);
    expect([
      ...before.filter(r => r.day < '2026-01-06'),
      ...after.filter(r => r.day >= '2026-01-06'),
    ]).toEqual(after);
    expect(after.find(r => r.day === '2026-01-06')).not.toEqual(
      before.find(r => r.day === '2026-01-06'),
    );
  });
});
