import { component, digest, group, startGovernanceBackend } from './__testUtils__/backend';

jest.setTimeout(60_000);

const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3600_000).toISOString();

function deploy(service: string, id: string, d: string, hoursAgo: number, strategy = 'canary') {
  return {
    id: `evt-${id}`,
    type: 'deployment.finished',
    serviceId: service,
    deployment: { id, environment: 'production', status: 'succeeded', strategy, artifactDigest: digest(d), commitSha: 'abc1234', startedAt: at(hoursAgo), finishedAt: at(hoursAgo) },
  };
}

describe('GET /v1/checklist and /v1/checklist/summary', () => {
  it('answers the contract for one entity and summarises a group and its descendants', async () => {
    const gl = await startGovernanceBackend({
      entities: [
        group('platform', ['payments-team']),
        group('payments-team'),
        group('elsewhere'),
        component('gateway', { owner: 'group:default/platform', annotations: { 'greenlight.dev/slo': 'slo.yaml' } }),
        component('payments', { owner: 'group:default/payments-team' }),
        component('unrelated', { owner: 'group:default/elsewhere' }),
      ],
      config: { rollouts: { webhook: { url: 'https://hooks.example.com/rollback', secret: 'test-secret' } } },
    });
    await gl.events([
      { id: 'evt-t', type: 'test.run', serviceId: 'gateway', testRun: { id: 't1', suite: 'unit', outcome: 'passed', artifactDigest: digest('a'), finishedAt: at(10) } },
      deploy('gateway', 'gw-1', 'a', 5),
      deploy('payments', 'pay-1', 'b', 5, 'all-at-once'),
    ]);

    const one = await gl.get('/v1/checklist', { entityRef: 'component:default/gateway' });
    expect(one.status).toBe(200);
    expect(Object.keys(one.body).sort()).toEqual(['checks', 'entityRef']);
    expect(one.body.checks.map((c: any) => [c.id, c.status])).toEqual([
      ['mandatory-tests', 'pass'],
      ['signed-traceable', 'fail'],
      ['progressive-rollback', 'pass'],
      ['dora-reviewed', 'fail'],
    ]);
    for (const c of one.body.checks) expect(Object.keys(c).sort()).toEqual(['id', 'reason', 'status', 'title']);

    const summary = await gl.get('/v1/checklist/summary', { groupRef: 'group:default/platform' });
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ groupRef: 'group:default/platform', entityCount: 2 });
    const byId = Object.fromEntries(summary.body.checks.map((c: any) => [c.id, c]));
    expect(byId['mandatory-tests']).toMatchObject({
      passing: 1,
      failing: 1,
      failingEntities: [{ entityRef: 'component:default/payments', reason: expect.stringMatching(/pay-1/) }],
    });
    expect(byId['progressive-rollback'].failingEntities.map((e: any) => e.entityRef)).toEqual(['component:default/payments']);
    expect(byId['dora-reviewed']).toMatchObject({ passing: 0, failing: 2 });

    const bad = await gl.get('/v1/checklist', {});
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('entityRef');
  });
});
