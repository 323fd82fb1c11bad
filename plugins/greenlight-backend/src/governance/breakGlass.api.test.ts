import { mockCredentials } from '@backstage/backend-test-utils';
import { component, group, service, startGovernanceBackend, user } from './__testUtils__/backend';

jest.setTimeout(60_000);

const reviewer = mockCredentials.user.header('user:default/reviewer');
const HOUR = 3600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
const ahead = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

const entities = [
  group('platform', ['payments-team']),
  group('payments-team'),
  group('elsewhere'),
  component('gateway', { owner: 'group:default/platform' }),
  component('payments', { owner: 'group:default/payments-team' }),
  component('ledger', { owner: 'group:default/payments-team' }),
  component('unrelated', { owner: 'group:default/elsewhere' }),
];

describe('break-glass', () => {
  it('records who, what, why and when, reconciles with a link and flags overdue ones per team', async () => {
    const gl = await startGovernanceBackend({ entities });

    const overdue = await gl.post(
      '/v1/break-glass',
      {
        entityRef: 'component:default/payments',
        environment: 'production',
        what: 'Raised the connection pool by hand',
        why: 'Incident 17: pool exhaustion',
        performedAt: ago(30),
        reconcileBy: ago(6),
      },
      user,
    );
    expect(overdue.status).toBe(201);
    expect(overdue.body).toMatchObject({
      performedBy: 'user:default/mock',
      recordedBy: 'user:default/mock',
      status: 'overdue',
      reconciliation: null,
    });

    const byPipeline = await gl.post('/v1/break-glass', {
      entityRef: 'component:default/ledger',
      what: 'Skipped the canary',
      why: 'Security fix',
      performedBy: 'user:default/grace',
    });
    expect(byPipeline.status).toBe(201);
    expect(byPipeline.body).toMatchObject({ performedBy: 'user:default/grace', recordedBy: expect.stringMatching(/^service:/), status: 'open' });
    // the default deadline is 72 hours after the change
    expect(Date.parse(byPipeline.body.reconcileBy) - Date.parse(byPipeline.body.performedAt)).toBe(72 * HOUR);

    await gl.post('/v1/break-glass', { entityRef: 'component:default/gateway', what: 'Flushed a cache', why: 'stale routes', performedAt: ago(50), reconcileBy: ago(2) }, user);
    await gl.post('/v1/break-glass', { entityRef: 'component:default/unrelated', what: 'x', why: 'y', performedAt: ago(50), reconcileBy: ago(2) }, user);

    const entity = await gl.get('/v1/break-glass', { entityRef: 'component:default/payments' });
    expect(entity.body).toMatchObject({ open: 1, overdue: 1, items: [{ id: overdue.body.id, status: 'overdue' }] });

    const team = await gl.get('/v1/break-glass', { groupRef: 'group:default/platform' });
    expect(team.status).toBe(200);
    expect(team.body.groups.sort()).toEqual(['group:default/payments-team', 'group:default/platform']);
    expect(team.body.teams).toEqual(
      expect.arrayContaining([
        { groupRef: 'group:default/payments-team', open: 2, overdue: 1, reconciled: 0, reconciledLate: 0 },
        { groupRef: 'group:default/platform', open: 1, overdue: 1, reconciled: 0, reconciledLate: 0 },
      ]),
    );
    expect(team.body.overdue.map((i: any) => i.entityRef).sort()).toEqual(['component:default/gateway', 'component:default/payments']);
    expect(team.body.entities.map((e: any) => e.entityRef)).not.toContain('component:default/unrelated');

    // nobody reviews their own break-glass change
    const own = await gl.post(
      `/v1/break-glass/${overdue.body.id}/reconcile`,
      { link: 'https://git.example.com/acme/payments/pull/912' },
      user,
    );
    expect(own.status).toBe(403);
    expect((await gl.get('/v1/break-glass', { entityRef: 'component:default/payments' })).body.items[0]).toMatchObject({
      status: 'overdue',
      reconciliation: null,
    });

    const reconciled = await gl.post(
      `/v1/break-glass/${overdue.body.id}/reconcile`,
      { link: 'https://git.example.com/acme/payments/pull/912', note: 'pool size now in config' },
      reviewer,
    );
    expect(reconciled.status).toBe(200);
    expect(reconciled.body).toMatchObject({
      status: 'reconciled',
      reconciledLate: true,
      reconciliation: { by: 'user:default/reviewer', link: 'https://git.example.com/acme/payments/pull/912' },
    });
    expect((await gl.post(`/v1/break-glass/${overdue.body.id}/reconcile`, { link: 'https://x.example.com' }, reviewer)).status).toBe(409);

    const after = await gl.get('/v1/break-glass', { groupRef: 'payments-team' });
    expect(after.body.teams).toEqual([{ groupRef: 'group:default/payments-team', open: 1, overdue: 0, reconciled: 1, reconciledLate: 1 }]);
  });

  it('answers 400 naming the field', async () => {
    const gl = await startGovernanceBackend({ entities });
    const base = { entityRef: 'component:default/payments', what: 'w', why: 'y' };
    const cases: Array<[object, string, string]> = [
      [{ ...base, why: ' ' }, user, 'why'],
      [{ ...base, performedAt: ago(1), reconcileBy: ago(2) }, user, 'reconcileBy'],
      // Later than the organisation's 72 hours: a record may not stay open longer.
      [{ ...base, performedAt: ago(1), reconcileBy: ahead(72) }, user, 'reconcileBy: at most 72 hours after performedAt'],
      [{ ...base, performedAt: ahead(2) }, user, 'performedAt'],
      [{ ...base, reconcileBy: 'tomorrow' }, user, 'reconcileBy'],
      [base, service, 'performedBy'],
    ];
    for (const [body, auth, field] of cases) {
      const res = await gl.post('/v1/break-glass', body, auth);
      expect([res.status, res.body.error.message]).toEqual([400, expect.stringContaining(field)]);
    }
    // a deadline already past is allowed: the change is recorded late, and is overdue at once
    const late = await gl.post('/v1/break-glass', { ...base, reconcileBy: ago(1), performedAt: ago(2) }, user);
    expect(late.body).toMatchObject({ status: 'overdue' });
    const created = await gl.post('/v1/break-glass', base, user);
    const badLink = await gl.post(`/v1/break-glass/${created.body.id}/reconcile`, { link: 'ftp://files.example.com/pr/1' }, user);
    expect(badLink.status).toBe(400);
    expect(badLink.body.error.message).toContain('link');
    const both = await gl.get('/v1/break-glass', { entityRef: 'component:default/payments', groupRef: 'group:default/platform' });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toContain('entityRef');
    expect((await gl.get('/v1/break-glass', { groupRef: 'user:default/ada' })).status).toBe(400);
    expect((await gl.get('/v1/break-glass', { groupRef: 'group:default/ghosts' })).status).toBe(404);
  });
});
