import { DoraResponse, GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import fc from 'fast-check';
import { component, deployment, HOUR, incident, MINUTE, startDoraBackend } from './__testUtils__/doraBackend';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(300_000);

const RUNS = 15;
const DAY = Date.parse('2026-05-04T00:00:00Z');
const iso = (t: number) => new Date(t).toISOString();

/** Every reason a production deployment can be a failed change, in any combination. */
const deploymentFate = fc.record({
  status: fc.constantFrom('succeeded' as const, 'failed' as const, 'rolled-back' as const),
  rolledBack: fc.boolean(),
  hotfixed: fc.boolean(),
  hotfixedTooLate: fc.boolean(),
  incidents: fc.integer({ min: 0, max: 3 }),
});

describe('a deployment fails at most once', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('through the API on %p', async databaseId => {
    const names = Array.from({ length: RUNS }, (_, i) => `fates-${i}`);
    const backend = await startDoraBackend({
      entities: names.map(n => component(n, 'group:default/fates')),
      knex: await databases.init(databaseId),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(deploymentFate, { minLength: 1, maxLength: 6 }), async fates => {
        const entity = names[run++];
        const events: GreenlightEvent[] = [];
        let remediations = 0;
        fates.forEach((fate, i) => {
          const id = `${entity}-d${i}`;
          const finished = DAY + (i + 1) * 2 * HOUR;
          events.push(deployment(id, entity, 'production', fate.status, iso(finished), { commits: [`${entity}${i}`] }));
          if (fate.rolledBack) {
            remediations += 1;
            events.push(
              deployment(`${id}-rollback`, entity, 'production', 'succeeded', iso(finished + 30 * MINUTE), {
                intent: 'rollback',
                rollbackOf: id,
              }),
            );
          }
          if (fate.hotfixed) {
            remediations += 1;
            events.push(
              deployment(`${id}-hotfix`, entity, 'production', 'succeeded', iso(finished + 40 * MINUTE), {
                intent: 'hotfix',
                replaces: id,
              }),
            );
          }
          if (fate.hotfixedTooLate) {
            // Beyond the 7-day attribution horizon, and outside the window.
            events.push(
              deployment(`${id}-late`, entity, 'production', 'succeeded', iso(finished + 8 * 24 * HOUR), {
                intent: 'hotfix',
                replaces: id,
              }),
            );
          }
          for (let n = 0; n < fate.incidents; n++) {
            events.push(incident(`${id}-incident-${n}`, [entity], iso(finished + (n + 1) * MINUTE), { deploymentId: id }));
          }
        });
        await backend.post(events);
        await backend.refresh();

        const res = await backend.get('/v1/dora', {
          entityRef: `component:default/${entity}`,
          from: iso(DAY),
          to: iso(DAY + 24 * HOUR),
        });
        const rate = (res.body as DoraResponse).current.changeFailRate;
        const recovery = (res.body as DoraResponse).current.failedDeploymentRecoveryTime;
        const failed = fates.filter(f => f.status !== 'succeeded' || f.rolledBack || f.hotfixed || f.incidents > 0);
        expect({ numerator: rate.numerator, denominator: rate.denominator }).toEqual({
          numerator: failed.length,
          denominator: fates.length + remediations,
        });
        expect(rate.rate).toBeLessThanOrEqual(1);
        expect(rate.interval!.upper).toBeLessThanOrEqual(1);
        // Each failed deployment is one failure to recover from, too.
        expect(recovery.n + recovery.unrecovered).toBe(failed.length);
      }),
      { numRuns: RUNS, seed: 4242 },
    );
  });

  it('even when every deployment failed for every reason at once', async () => {
    const backend = await startDoraBackend({ entities: [component('doomed', 'group:default/fates')] });
    const at = (h: number) => iso(DAY + h * HOUR);
    await backend.post([
      deployment('x', 'doomed', 'production', 'rolled-back', at(1), { commits: ['d1'] }),
      deployment('x-rollback', 'doomed', 'staging', 'succeeded', at(2), { intent: 'rollback', rollbackOf: 'x' }),
      deployment('x-revert', 'doomed', 'staging', 'succeeded', at(3), { intent: 'revert', replaces: 'x' }),
      incident('x-1', ['doomed'], at(1.5), { deploymentId: 'x' }),
      incident('x-2', ['doomed'], at(1.6), { deploymentId: 'x' }),
      deployment('y', 'doomed', 'production', 'failed', at(4), { commits: ['d2'] }),
      incident('y-1', ['doomed'], at(4.5), { deploymentId: 'y' }),
    ]);
    await backend.refresh();
    const body: DoraResponse = (
      await backend.get('/v1/dora', { entityRef: 'component:default/doomed', from: iso(DAY), to: iso(DAY + 24 * HOUR) })
    ).body;
    expect(body.current.changeFailRate).toMatchObject({ numerator: 2, denominator: 2, rate: 1 });
  });
});
