import {
  component,
  deployment,
  HOUR,
  incident,
  MINUTE,
  startDoraBackend,
} from './__testUtils__/doraBackend';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(60_000);

/*
 * Recovery never ends before the failure was noticed, and the stored rollups follow it
 * as events arrive one by one:
 *   d 03-02 23:50, an unrelated e 03-03 00:10, an incident on d detected 03-04 09:00
 *   and never resolved, then f 03-05 10:00.
 *   e finished before anyone knew: it restores nothing. f restores d:
 *   start 03-02 23:50, end 03-05 10:00 → 2 d 10 h 10 min = 58 h 10 min.
 *   f's previous success is e (03-03), but d's day (03-02) must be rebuilt too.
 */
const at = (day: string, time: string) => `2026-03-${day}T${time}:00Z`;
const window = { from: '2026-03-02T00:00:00Z', to: '2026-03-16T00:00:00Z' };

describe('recovery after a late detection, rebuilt incrementally', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('on %p', async databaseId => {
    const backend = await startDoraBackend({
      entities: [component('late', 'group:default/core')],
      knex: await databases.init(databaseId),
    });
    const recovery = async () =>
      (
        await backend.get('/v1/dora', {
          entityRef: 'component:default/late',
          ...window,
        })
      ).body.current.failedDeploymentRecoveryTime;

    await backend.post([
      deployment('d', 'late', 'production', 'succeeded', at('02', '23:50')),
      deployment('e', 'late', 'production', 'succeeded', at('03', '00:10')),
    ]);
    await backend.refresh();
    await backend.post([
      incident('i', ['late'], at('04', '09:00'), { deploymentId: 'd' }),
    ]);
    await backend.refresh();
    // Noticed at 09:00 on 03-04; nothing since: unrecovered, not the 20 minutes to e.
    expect(await recovery()).toMatchObject({ n: 0, unrecovered: 1 });

    await backend.post([
      deployment('f', 'late', 'production', 'succeeded', at('05', '10:00')),
    ]);
    await backend.refresh();
    const after = await recovery();
    expect(after).toMatchObject({ n: 1, unrecovered: 0 });
    const expected = 58 * HOUR + 10 * MINUTE;
    expect(Math.abs(after.medianMs - expected)).toBeLessThanOrEqual(
      0.01 * expected,
    );
  });
});
