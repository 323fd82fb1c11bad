import { mockCredentials } from '@backstage/backend-test-utils';
import {
  component,
  startGovernanceBackend,
  user,
} from './__testUtils__/backend';

jest.setTimeout(60_000);

const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const PAYMENTS = 'component:default/payments';

describe('what the Governance tab reads', () => {
  it('lists the latest readiness decisions and the windows in effect per environment', async () => {
    const freezeEnd = Math.ceil((Date.now() + 5 * HOUR) / 60_000) * 60_000;
    const gl = await startGovernanceBackend({
      entities: [component('payments'), component('ledger')],
      config: {
        environments: [
          { name: 'staging', tier: 'staging' },
          { name: 'production', tier: 'production' },
        ],
        readiness: {
          controls: { code: [], database: ['expand-contract'], config: [] },
        },
        governance: {
          freezes: [
            {
              name: 'year-end',
              from: iso(Date.now() - HOUR),
              until: iso(freezeEnd),
              environments: ['production'],
            },
          ],
        },
      },
    });
    const ask = (changedFiles: string[]) =>
      gl.post('/v1/readiness', {
        entityRef: PAYMENTS,
        environment: 'staging',
        change: { changedFiles },
      });
    const first = await ask(['src/a.ts']);
    const second = await ask(['db/migrations/002.sql']);
    expect([first.body.decision, second.body.decision]).toEqual([
      'allow',
      'block',
    ]);
    await gl.post('/v1/readiness', {
      entityRef: 'component:default/ledger',
      environment: 'staging',
      change: {},
    });

    const listed = await gl.get('/v1/readiness', {
      entityRef: 'Component:default/Payments',
    });
    expect(listed.status).toBe(200);
    expect(listed.body.entityRef).toBe(PAYMENTS);
    expect(listed.body.items.map((d: any) => d.decisionId)).toEqual([
      second.body.decisionId,
      first.body.decisionId,
    ]);
    expect(listed.body.items[0]).toMatchObject({
      decision: 'block',
      missingControls: ['expand-contract'],
      classes: [expect.objectContaining({ class: 'database' })],
    });
    expect(
      (await gl.get('/v1/readiness', { entityRef: PAYMENTS, limit: 1 })).body
        .items,
    ).toHaveLength(1);
    expect(
      (await gl.get('/v1/readiness', { entityRef: 'component:default/nope' }))
        .status,
    ).toBe(404);
    expect(
      (await gl.get('/v1/readiness', {}, mockCredentials.none.header())).status,
    ).toBe(401);

    const windows = await gl.get(
      '/v1/change-windows',
      { entityRef: PAYMENTS },
      user,
    );
    expect(windows.status).toBe(200);
    expect(windows.body).toMatchObject({
      entityRef: PAYMENTS,
      configured: true,
      environments: [
        { environment: 'staging', allowed: true, freezes: [] },
        {
          environment: 'production',
          allowed: false,
          nextAllowedAt: iso(freezeEnd),
          freezes: [{ name: 'year-end', until: iso(freezeEnd) }],
        },
      ],
    });
    const missing = await gl.get('/v1/change-windows', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/entityRef/);
  });
});
