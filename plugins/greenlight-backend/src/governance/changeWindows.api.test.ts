import { ConfigReader } from '@backstage/config';
import {
  component,
  startGovernanceBackend,
  user,
} from './__testUtils__/backend';
import { readChangeWindowConfig } from './changeWindows';

jest.setTimeout(60_000);

const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const entities = [
  component('payments', { owner: 'group:default/payments-team' }),
];

describe('readiness with change windows and freezes', () => {
  it('denies a change in a freeze with the next allowed time and the rollout constraint; break-glass goes through', async () => {
    const freezeEnd = Math.ceil((Date.now() + 5 * HOUR) / 60_000) * 60_000;
    const gl = await startGovernanceBackend({
      entities,
      config: {
        readiness: { controls: { code: [], database: [], config: [] } },
        governance: {
          teamTimeZones: [
            { group: 'group:default/payments-team', timeZone: 'Europe/Berlin' },
          ],
          freezes: [
            {
              name: 'incident INC-9',
              from: iso(Date.now() - HOUR),
              until: iso(freezeEnd),
              environments: ['production'],
            },
          ],
          rolloutConstraints: {
            database: { strategy: 'canary', minSoakMinutes: 30 },
          },
        },
      },
    });
    const ask = (environment: string, change: object = {}) =>
      gl.post('/v1/readiness', {
        entityRef: 'component:default/payments',
        environment,
        change: { changedFiles: ['db/migrations/001.sql'], ...change },
      });

    const denied = await ask('production');
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({
      decision: 'block',
      missingControls: ['change-window'],
      window: {
        allowed: false,
        nextAllowedAt: iso(freezeEnd),
        timeZone: 'Europe/Berlin',
        freezes: [{ name: 'incident INC-9', until: iso(freezeEnd) }],
        breakGlassId: null,
      },
      rolloutConstraints: [
        {
          class: 'database',
          strategy: 'canary',
          minSoakMinutes: 30,
          description: 'canary with at least 30 minutes of soak',
        },
      ],
    });
    expect(denied.body.window.reasons[0]).toMatch(
      /^freeze "incident INC-9" until/,
    );
    // stored: reading the decision again gives the same window
    const again = await gl.get(`/v1/readiness/${denied.body.decisionId}`);
    expect(again.body.window).toEqual(denied.body.window);

    expect((await ask('staging')).body).toMatchObject({
      decision: 'allow',
      window: { allowed: true },
    });

    const glass = await gl.post(
      '/v1/break-glass',
      {
        entityRef: 'component:default/payments',
        environment: 'production',
        what: 'hotfix',
        why: 'INC-9',
      },
      user,
    );
    expect(glass.status).toBe(201);
    const through = await ask('production', {
      breakGlassId: glass.body.id,
      deploymentId: 'dep-bg-1',
    });
    expect(through.body).toMatchObject({
      decision: 'allow',
      missingControls: [],
      window: { allowed: false, breakGlassId: glass.body.id },
    });
    expect(
      through.body.policy.find((p: { id: string }) => p.id === 'change-window')
        .reason,
    ).toMatch(/^through break-glass change/);

    // a break-glass change of another environment, or an unknown one, is refused naming the field
    const other = await gl.post(
      '/v1/break-glass',
      {
        entityRef: 'component:default/payments',
        environment: 'staging',
        what: 'x',
        why: 'y',
      },
      user,
    );
    const wrongEnv = await ask('production', { breakGlassId: other.body.id });
    expect(wrongEnv.status).toBe(400);
    expect(wrongEnv.body.error.message).toMatch(/change\.breakGlassId/);
    const unknown = await ask('production', {
      breakGlassId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.status).toBe(400);
    const malformed = await ask('production', { breakGlassId: 'nope' });
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toMatch(/breakGlassId/);

    // one whose reconcile deadline has passed opens nothing any more
    const hour = 3600_000;
    const overdue = await gl.post(
      '/v1/break-glass',
      {
        entityRef: 'component:default/payments',
        environment: 'production',
        what: 'hotfix',
        why: 'INC-8',
        performedAt: new Date(Date.now() - 5 * hour).toISOString(),
        reconcileBy: new Date(Date.now() - hour).toISOString(),
      },
      user,
    );
    expect(overdue.body.status).toBe('overdue');
    const late = await ask('production', {
      breakGlassId: overdue.body.id,
      deploymentId: 'dep-bg-2',
    });
    expect([late.status, late.body.error?.message]).toEqual([
      400,
      expect.stringMatching(
        /^change\.breakGlassId: .* was due to be reconciled by .*; it no longer opens a window$/,
      ),
    ]);
  });

  it('rejects bad configuration at startup, naming the path', () => {
    const read = (governance: object) => () =>
      readChangeWindowConfig(new ConfigReader({ greenlight: { governance } }));
    expect(read({ defaultTimeZone: 'Mars/Olympus' })).toThrow(
      /greenlight\.governance\.defaultTimeZone/,
    );
    expect(
      read({
        windows: [
          { name: 'w', open: [{ days: ['tue'], start: '9:00', end: '15:00' }] },
        ],
      }),
    ).toThrow(/greenlight\.governance\.windows\[0\]\.open\[0\]\.start/);
    expect(
      read({
        freezes: [
          {
            name: 'f',
            from: '2026-12-21T00:00',
            until: '2027-01-04T00:00:00Z',
          },
        ],
      }),
    ).toThrow(/freezes\[0\]\.from/);
    expect(
      read({ rolloutConstraints: { db: { strategy: 'canary' } } }),
    ).toThrow(/rolloutConstraints\.db/);
  });
});
