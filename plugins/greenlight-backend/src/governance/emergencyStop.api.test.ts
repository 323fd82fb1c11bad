import {
  component,
  service,
  startGovernanceBackend,
  user,
} from './__testUtils__/backend';

jest.setTimeout(60_000);

describe('readiness under an emergency stop', () => {
  it('denies new changes in the scope of a stop, even through break-glass, until it is lifted', async () => {
    const gl = await startGovernanceBackend({
      entities: [component('payments')],
      config: {
        readiness: { controls: { code: [], config: [], database: [] } },
      },
    });
    const ask = (environment: string, change: object = {}) =>
      gl.post('/v1/readiness', {
        entityRef: 'component:default/payments',
        environment,
        change,
      });

    expect((await ask('staging')).body.decision).toBe('allow');

    // the organisation-wide stop covers every environment
    const pulled = await gl.post(
      '/v1/emergency-stop',
      { reason: 'region outage' },
      user,
    );
    expect(pulled.status).toBe(201);
    expect(pulled.body).toMatchObject({
      scope: 'organisation',
      environment: null,
    });
    const denied = await ask('staging');
    expect(denied.body).toMatchObject({
      decision: 'block',
      missingControls: ['emergency-stop'],
    });
    expect(denied.body.policy[0].reason).toMatch(
      /emergency stop of organisation pulled by user:default\/mock .*: region outage/,
    );

    const glass = await gl.post(
      '/v1/break-glass',
      {
        entityRef: 'component:default/payments',
        what: 'hotfix',
        why: 'outage',
      },
      user,
    );
    expect(
      (await ask('staging', { breakGlassId: glass.body.id })).body.decision,
    ).toBe('block');

    // a pipeline cannot lift it (a person answers for a stop)
    expect((await gl.del('/v1/emergency-stop', {}, service)).status).toBe(403);
    expect((await gl.get('/v1/emergency-stop')).body.stops).toHaveLength(1);
    expect((await gl.del('/v1/emergency-stop')).status).toBe(200);
    expect((await ask('staging')).body.decision).toBe('allow');

    // a decision blocked by a stop is not overridden: the stop is lifted
    await gl.post(
      '/v1/emergency-stop',
      { environment: 'development', reason: 'flaky cluster' },
      user,
    );
    const stopped = await ask('development', {
      deploymentId: 'dep-override-2',
    });
    expect(stopped.body.decision).toBe('block');
    const overridden = await gl.post(
      `/v1/readiness/${stopped.body.decisionId}/override`,
      { reason: 'go' },
      user,
    );
    expect([overridden.status, overridden.body.error?.message]).toEqual([
      409,
      expect.stringContaining('lifted, not overridden'),
    ]);
    expect(
      (await gl.get(`/v1/readiness/${stopped.body.decisionId}`)).body,
    ).toMatchObject({ decision: 'block', override: null });
    expect(
      (await ask('development', { deploymentId: 'dep-override-2' })).body,
    ).toMatchObject({
      decision: 'block',
      missingControls: ['emergency-stop'],
      override: null,
    });
    expect(
      (await gl.del('/v1/emergency-stop', { environment: 'development' }))
        .status,
    ).toBe(200);

    // a stop of one environment leaves the others alone
    await gl.post(
      '/v1/emergency-stop',
      { environment: 'production', reason: 'bad deploy' },
      user,
    );
    expect((await ask('production')).body.decision).toBe('block');
    expect((await ask('staging')).body.decision).toBe('allow');
    expect(
      (await gl.del('/v1/emergency-stop', { environment: 'staging' })).status,
    ).toBe(404);
  });
});

describe('reading the emergency stop', () => {
  it('needs greenlight.release.read, as every other read of Greenlight data', async () => {
    const gl = await startGovernanceBackend({ permissions: 'deny' });
    const denied = await gl.get('/v1/emergency-stop');
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'Missing permission greenlight.release.read',
    );
    expect((await gl.get('/v1/emergency-stop', {}, service)).status).toBe(403);
  });
});
