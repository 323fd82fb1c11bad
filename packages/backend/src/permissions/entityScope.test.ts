import {
  as,
  ledgerContents,
  startGovernedBackend,
} from './__testUtils__/governedBackend';

jest.setTimeout(180_000);

const SLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: latency
  annotations: { greenlight.dev/interval: 30s, greenlight.dev/evaluations: '3' }
spec:
  service: any
  indicator:
    metadata: { name: error-rate }
    spec:
      thresholdMetric:
        metricSource: { type: series, spec: { query: errors } }
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ displayName: Error rate, op: lt, value: 0.05, target: 0.99 }]
`;

const PAYMENTS = 'component:default/payments';
const CHECKOUT = 'component:default/checkout';

const started = (id: string, serviceId: string) => ({
  id: `evt-${id}`,
  type: 'deployment.started',
  serviceId,
  deployment: {
    id,
    environment: 'production',
    status: 'started',
    strategy: 'rolling',
    startedAt: new Date().toISOString(),
  },
});

/**
 * The example policy and pipeline scopes with the real permission backend and catalog: every
 * forged write answers 4xx and changes no row.
 */
describe('entity-scoped writes under the example policy', () => {
  let gl: Awaited<ReturnType<typeof startGovernedBackend>>;
  /** Team A's pipeline token: Greenlight's pipeline permissions, on team A's entities. */
  const teamA = 'Bearer team-a-token';
  /** A token that may only record events. */
  const eventsOnly = 'Bearer events-only-token';
  /** A token for the catalog alone. */
  const catalogOnly = 'Bearer catalog-only-token';
  const unscoped = as.pipeline('platform-pipelines');

  beforeAll(async () => {
    gl = await startGovernedBackend({
      greenlight: {
        permissions: {
          serviceScopes: [
            { subject: 'team-a-pipeline', owners: ['group:default/team-a'] },
          ],
        },
      },
      tokens: [
        {
          token: 'team-a-token',
          subject: 'team-a-pipeline',
          accessRestrictions: [
            {
              plugin: 'greenlight',
              permission: [
                'greenlight.release.read',
                'greenlight.event.create',
                'greenlight.rollout.create',
                'greenlight.rollout.gates.inline',
                'greenlight.readiness.decide',
                'greenlight.drift.report',
                'greenlight.gate.replay',
              ],
            },
          ],
        },
        {
          token: 'events-only-token',
          subject: 'reporting',
          accessRestrictions: [
            { plugin: 'greenlight', permission: 'greenlight.event.create' },
          ],
        },
        {
          token: 'catalog-only-token',
          subject: 'catalog-sync',
          accessRestrictions: [{ plugin: 'catalog' }],
        },
      ],
    });
    const seeded = await gl.api
      .post('/api/greenlight/v1/events')
      .set('Authorization', unscoped)
      .send({
        events: [
          started('pay-1', 'payments'),
          started('co-1', 'checkout'),
          started('led-1', 'ledger'),
        ],
      });
    if (seeded.status !== 200)
      throw new Error(`seeding failed: ${JSON.stringify(seeded.body)}`);
  });
  afterAll(() => gl?.stop());

  /** Sends the request and asserts its status and that no Greenlight row changed. */
  async function refused(status: number, send: () => Promise<any>) {
    const before = await ledgerContents(gl.ledger);
    const res = await send();
    if (res.status !== status) {
      throw new Error(
        `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`,
      );
    }
    expect(await ledgerContents(gl.ledger)).toEqual(before);
    return res;
  }
  const post = (path: string, auth: string, body: object) =>
    gl.api.post(`/api/greenlight${path}`).set('Authorization', auth).send(body);

  it('lets a pipeline token record events only for its own team’s entities, all or nothing', async () => {
    const own = await post('/v1/events', teamA, {
      events: [started('pay-2', 'payments')],
    });
    expect(own.status).toBe(200);

    const mixed = await refused(403, () =>
      post('/v1/events', teamA, {
        events: [started('pay-3', 'payments'), started('co-2', 'checkout')],
      }),
    );
    expect(mixed.body.error.message).toContain(`events[1] (${CHECKOUT})`);
    expect(mixed.body.error.message).not.toContain('events[0]');

    // an event that matches no entity yet could attach to anyone's later: not for a scoped token
    const unknown = await refused(403, () =>
      post('/v1/events', teamA, { events: [started('x-1', 'not-in-catalog')] }),
    );
    expect(unknown.body.error.message).toContain('events[0] (no entity yet)');
    expect(
      (
        await post('/v1/events', unscoped, {
          events: [started('x-1', 'not-in-catalog')],
        })
      ).status,
    ).toBe(200);

    const cdevent = await refused(403, () =>
      gl.api
        .post('/api/greenlight/v1/cdevents')
        .set('Authorization', teamA)
        .set('Content-Type', 'application/json')
        .send({
          context: {
            specversion: '0.4.1',
            id: 'cd-1',
            source: '/pipelines/checkout',
            type: 'dev.cdevents.service.deployed.0.1.1',
            timestamp: new Date().toISOString(),
          },
          subject: {
            id: 'checkout',
            source: '/pipelines/checkout',
            content: {
              environment: { id: 'production' },
              artifactId: `pkg:oci/checkout@sha256:${'a'.repeat(64)}`,
            },
          },
          customData: { greenlight: { entityRef: CHECKOUT } },
        }),
    );
    expect(cdevent.body.error.message).toContain('cdevents[0]');
  });

  it('keeps the ids the connectors make for the connectors and for tokens trusted with every entity', async () => {
    // Argo CD history ids count up per application: a scoped token that wrote checkout's next
    // sync id first, under its own entity, would own the record the Argo CD pull folds into.
    for (const [i, id] of [
      'argocd/prod/checkout/14',
      'github.com/acme/checkout/deployments/7',
      'gitlab.example.com/acme/checkout/deployments/3',
    ].entries()) {
      const res = await refused(403, () =>
        post('/v1/events', teamA, {
          events: [
            started(`pay-own-${i}`, 'payments'),
            started(id, 'payments'),
          ],
        }),
      );
      expect(res.body.error.message).toContain('events[1] (an id of the ');
      expect(res.body.error.message).not.toContain('events[0]');
    }
    expect(
      await gl
        .ledger('deployments')
        .where('id', 'argocd/prod/checkout/14')
        .first(),
    ).toBeUndefined();
    // Ids of other forms are the pipeline's own to choose.
    expect(
      (
        await post('/v1/events', teamA, {
          events: [started('payments/deployments-7', 'payments')],
        })
      ).status,
    ).toBe(200);
    // A token trusted with every entity (the platform's, or a migration) may write them.
    expect(
      (
        await post('/v1/events', unscoped, {
          events: [started('argocd/prod/payments/2', 'payments')],
        })
      ).status,
    ).toBe(200);
  });

  it('refuses a pipeline token’s events that would change another team’s records through ids they share', async () => {
    const row = await gl.ledger('deployments').where('id', 'co-1').first();
    // Checkout's deployment reported failed, rolled back and blamed by payments' pipeline, each
    // under payments' own entity: the records are checkout's, so the token needs checkout too.
    const forged = [
      {
        ...started('co-1', 'payments'),
        id: 'evt-co-1-failed',
        type: 'deployment.finished',
        deployment: {
          ...started('co-1', 'payments').deployment,
          status: 'failed',
          finishedAt: new Date().toISOString(),
        },
      },
      {
        ...started('pay-rb-1', 'payments'),
        deployment: {
          ...started('pay-rb-1', 'payments').deployment,
          intent: 'rollback',
          rollbackOf: 'co-1',
        },
      },
      {
        id: 'evt-pay-incident-1',
        type: 'incident.opened',
        serviceId: 'payments',
        incident: {
          id: 'pay-incident-1',
          detectedAt: new Date().toISOString(),
          deploymentId: 'co-1',
        },
      },
      {
        id: 'evt-pay-incident-2',
        type: 'incident.opened',
        serviceId: 'payments',
        incident: {
          id: 'pay-incident-2',
          detectedAt: new Date().toISOString(),
          entityRefs: [PAYMENTS, CHECKOUT],
        },
      },
    ];
    for (const event of forged) {
      const res = await refused(403, () =>
        post('/v1/events', teamA, { events: [event] }),
      );
      expect(res.body.error.message).toContain(
        'events[0] (a record of another entity, or one not recorded yet)',
      );
      // Whose record the id is stays unsaid: the caller may not be able to read it.
      expect(res.body.error.message).not.toContain(CHECKOUT);
    }
    expect(await gl.ledger('deployments').where('id', 'co-1').first()).toEqual(
      row,
    );
    // The platform's unscoped writer may link the two teams' records.
    expect(
      (await post('/v1/events', unscoped, { events: [forged[3]] })).status,
    ).toBe(200);
  });

  it('answers a refused guess of whose record an id is the same whether or not it is right', async () => {
    // An event under checkout (which team A may not write) rolling back a deployment: co-1 is
    // checkout's, led-1 is ledger's. Listing ledger in the second answer would tell team A
    // that its guess of co-1's owner was right in the first.
    const rollbackOf = (id: string) => ({
      ...started(`guess-${id}`, 'checkout'),
      entityRef: CHECKOUT,
      deployment: {
        ...started(`guess-${id}`, 'checkout').deployment,
        intent: 'rollback',
        rollbackOf: id,
      },
    });
    const messages = [];
    for (const id of ['co-1', 'led-1']) {
      const res = await refused(403, () =>
        post('/v1/events', teamA, { events: [rollbackOf(id)] }),
      );
      messages.push(res.body.error.message);
    }
    expect(messages[0]).toBe(messages[1]);
    expect(messages[0]).toContain(`events[0] (${CHECKOUT})`);
    expect(messages[0]).not.toContain('another entity');
  });

  it('refuses a pipeline token’s references to a deployment not recorded yet, answering as for another team’s', async () => {
    // Team A's pipeline names checkout's next deployment id before checkout reports it. Were it
    // accepted, checkout's deployment would count as rolled back, or blamed for an incident, in
    // checkout's DORA figures once checkout's pipeline recorded it.
    const rollbackOf = (id: string, target: string) => ({
      ...started(id, 'payments'),
      deployment: {
        ...started(id, 'payments').deployment,
        intent: 'rollback',
        rollbackOf: target,
      },
    });
    const blame = {
      id: 'evt-pay-incident-next',
      type: 'incident.opened',
      serviceId: 'payments',
      incident: {
        id: 'pay-incident-next',
        detectedAt: new Date().toISOString(),
        deploymentId: 'co-next',
      },
    };
    const messages: string[] = [];
    for (const event of [
      rollbackOf('pay-rb-next', 'co-next'),
      blame,
      rollbackOf('pay-rb-next', 'co-1'),
    ]) {
      const res = await refused(403, () =>
        post('/v1/events', teamA, { events: [event] }),
      );
      messages.push(res.body.error.message);
    }
    expect(messages[0]).toContain(
      'events[0] (a record of another entity, or one not recorded yet)',
    );
    // Whether the id is recorded, and whose it is, stays unsaid.
    expect(messages[2]).toBe(messages[0]);

    // Its own deployment, recorded in the same batch, is its own to roll back.
    const own = await post('/v1/events', teamA, {
      events: [
        started('pay-next', 'payments'),
        rollbackOf('pay-rb-own', 'pay-next'),
      ],
    });
    expect(own.status).toBe(200);

    // Checkout records its deployment: nothing of team A's names it.
    expect(
      (
        await post('/v1/events', unscoped, {
          events: [started('co-next', 'checkout')],
        })
      ).status,
    ).toBe(200);
    expect(
      await gl
        .ledger('deployments')
        .where('rollback_of', 'co-next')
        .select('id'),
    ).toEqual([]);
    expect(
      await gl
        .ledger('incidents')
        .where('deployment_id', 'co-next')
        .select('id'),
    ).toEqual([]);

    // The platform's unscoped writer, trusted with every entity, may name one not recorded yet.
    expect(
      (
        await post('/v1/events', unscoped, {
          events: [rollbackOf('pay-rb-later', 'co-later')],
        })
      ).status,
    ).toBe(200);
  });

  it('refuses an attestation for another team’s artifact without naming whose it is', async () => {
    const digest = `sha256:${'d'.repeat(64)}`;
    const artifact = await post('/v1/events', unscoped, {
      events: [
        {
          id: 'evt-co-artifact',
          type: 'artifact',
          serviceId: 'checkout',
          artifact: { digest, name: 'checkout' },
        },
      ],
    });
    expect(artifact.status).toBe(200);
    const res = await refused(403, () =>
      post('/v1/attestations', teamA, {
        artifactDigest: digest,
        mediaType: 'application/vnd.in-toto+json',
        content: { _type: 'https://in-toto.io/Statement/v1' },
        entityRef: PAYMENTS,
      }),
    );
    expect(res.body.error.message).toContain(
      'body (a record of another entity, or one not recorded yet)',
    );
    expect(res.body.error.message).not.toContain(CHECKOUT);
  });

  it('keeps a pipeline token’s commit details to its own entity, whatever repository or SHA they name', async () => {
    const SHA = 'c0ffee0000000000000000000000000000000001';
    const commits = (
      id: string,
      serviceId: string,
      author: string,
      committedAt: string,
    ) => ({
      id,
      type: 'commits',
      serviceId,
      commits: [
        {
          sha: SHA,
          repository: 'github.com/acme/checkout',
          committedAt,
          author,
        },
      ],
    });
    // Checkout's commit, as its pipeline (here the platform's writer) reported it, deployed.
    const deployment = started('co-commit-1', 'checkout');
    const reported = await post('/v1/events', unscoped, {
      events: [
        commits('evt-co-commit', 'checkout', 'bob', '2026-11-01T10:00:00Z'),
        {
          ...deployment,
          type: 'deployment.finished',
          deployment: {
            ...deployment.deployment,
            status: 'succeeded',
            finishedAt: new Date().toISOString(),
            commitSha: SHA,
          },
        },
      ],
    });
    expect(reported.status).toBe(200);
    const seenByCheckout = async () =>
      (
        await gl.api
          .get('/api/greenlight/v1/releases/co-commit-1')
          .set('Authorization', as.bob)
      ).body.commits;
    const before = await seenByCheckout();
    expect(before).toEqual([
      expect.objectContaining({ sha: SHA, author: 'bob' }),
    ]);

    // Payments' pipeline cannot write it under checkout …
    const res = await refused(403, () =>
      post('/v1/events', teamA, {
        events: [
          commits(
            'evt-pay-as-co',
            'checkout',
            'mallory',
            '2001-01-01T00:00:00Z',
          ),
        ],
      }),
    );
    expect(res.body.error.message).toContain(`events[0] (${CHECKOUT})`);

    // … and under payments, with checkout's repository and an earlier time, it is payments'
    // record alone: checkout's release is unchanged.
    const own = await post('/v1/events', teamA, {
      events: [
        commits(
          'evt-pay-commit',
          'payments',
          'mallory',
          '2001-01-01T00:00:00Z',
        ),
      ],
    });
    expect(own.status).toBe(200);
    expect(
      await gl
        .ledger('commits')
        .where({ sha: SHA })
        .orderBy('entity_ref')
        .select('entity_ref', 'author'),
    ).toEqual([
      { entity_ref: CHECKOUT, author: 'bob' },
      { entity_ref: PAYMENTS, author: 'mallory' },
    ]);
    expect(await seenByCheckout()).toEqual(before);
  });

  it('honours the access restrictions of external-access tokens', async () => {
    expect(
      (
        await post('/v1/events', eventsOnly, {
          events: [started('co-3', 'checkout')],
        })
      ).status,
    ).toBe(200);
    const rollout = await refused(403, () =>
      post('/v1/rollouts', eventsOnly, {
        entityRef: CHECKOUT,
        environment: 'production',
        deploymentId: 'co-3',
        strategy: 'canary',
        gates: SLO,
      }),
    );
    expect(rollout.body.error.message).toContain('greenlight.rollout.create');
    await refused(401, () =>
      post('/v1/events', catalogOnly, {
        events: [started('co-4', 'checkout')],
      }),
    );
  });

  it('never lets a person’s session write ledger events, whatever they own', async () => {
    expect.hasAssertions();
    await refused(403, () =>
      post('/v1/events', as.rita, { events: [started('pay-4', 'payments')] }),
    );
    await refused(403, () =>
      post('/v1/events', as.ada, { events: [started('pay-4', 'payments')] }),
    );
  });

  it('starts rollouts only for the token’s entities and for deployments the ledger holds in flight', async () => {
    const body = (entityRef: string, deploymentId: string) => ({
      entityRef,
      environment: 'production',
      deploymentId,
      strategy: 'canary',
      gates: SLO,
    });
    await refused(403, () =>
      post('/v1/rollouts', teamA, body(CHECKOUT, 'co-1')),
    );
    await refused(404, () =>
      post('/v1/rollouts', teamA, body(PAYMENTS, 'co-1')),
    );
    await refused(404, () =>
      post('/v1/rollouts', teamA, body(PAYMENTS, 'invented')),
    );
    await refused(403, () =>
      post('/v1/rollouts', as.rita, body(PAYMENTS, 'pay-1')),
    );
    const created = await post('/v1/rollouts', teamA, body(PAYMENTS, 'pay-1'));
    expect(created.status).toBe(201);
  });

  it('lets owners and release managers act on a rollout, nobody else', async () => {
    const list = await gl.api
      .get('/api/greenlight/v1/rollouts')
      .query({ entityRef: PAYMENTS })
      .set('Authorization', as.bob);
    const rollout = list.body.items.find(
      (r: any) => r.deploymentId === 'pay-1',
    );
    expect(rollout.allowedActions).toEqual([]);
    const act = (auth: string, action: object) =>
      post(`/v1/rollouts/${rollout.id}/actions`, auth, action);

    await refused(403, () =>
      act(as.bob, { action: 'rollback', reason: 'not mine' }),
    );
    await refused(403, () =>
      act(teamA, { action: 'rollback', reason: 'a pipeline' }),
    );
    // owners may roll back their own services, but overriding a gate is for release managers
    await refused(403, () =>
      act(as.ada, { action: 'override', reason: 'ship it' }),
    );
    const paused = await act(as.ada, {
      action: 'pause',
      reason: 'checking dashboards',
    });
    expect(paused.status).toBe(200);
    expect(paused.body.allowedActions).toEqual([
      'resume',
      'promote',
      'rollback',
    ]);
    const resumed = await act(as.rita, { action: 'resume' });
    expect(resumed.status).toBe(200);
  });

  it('replays only the token’s or owner’s entities, and inline gates only for release managers', async () => {
    const to = Date.now() - 60_000;
    const window = {
      from: new Date(to - 3600_000).toISOString(),
      to: new Date(to).toISOString(),
    };
    const replay = (auth: string, entityRef: string, extra: object = {}) =>
      post('/v1/gates/replay', auth, {
        entityRef,
        stepSeconds: 60,
        ...window,
        ...extra,
      });

    // A replay writes nothing, refused or not; a refused one is checked like any write.
    await refused(403, () => replay(teamA, CHECKOUT, { gates: SLO }));
    await refused(403, () => replay(as.bob, PAYMENTS));
    await refused(403, () => replay(as.ada, PAYMENTS, { gates: SLO }));
    // the owner passes the permission check and meets the missing gates of the entity
    const own = await replay(as.ada, PAYMENTS);
    expect(own.status).toBe(400);
    expect(own.body.error.message).toMatch(/^gates: /);
    const manager = await replay(as.rita, CHECKOUT, { gates: SLO });
    expect(manager.status).toBe(200);
    expect(manager.body.gates).toHaveLength(1);
    const allowedForToken = await replay(teamA, PAYMENTS, { gates: SLO });
    expect(allowedForToken.status).toBe(200);
  });

  it('records readiness decisions and break-glass changes only for owners, reviewed by someone else', async () => {
    const readiness = (auth: string, entityRef: string) =>
      post('/v1/readiness', auth, {
        entityRef,
        environment: 'production',
        change: { deploymentId: 'pay-1', commitSha: 'c0ffee1' },
        evidence: { 'change.approved': true },
      });
    await refused(403, () => readiness(as.bob, PAYMENTS));
    await refused(403, () => readiness(teamA, CHECKOUT));
    const decided = await readiness(as.ada, PAYMENTS);
    expect(decided.status).toBe(200);
    // a blocked change is overridden by a release manager, not by its owner
    const blocked = await post('/v1/readiness', as.ada, {
      entityRef: PAYMENTS,
      environment: 'production',
      change: { deploymentId: 'pay-1', changedFiles: ['src/app.py'] },
    });
    expect(blocked.body.decision).toBe('block');
    const override = (auth: string) =>
      post(`/v1/readiness/${blocked.body.decisionId}/override`, auth, {
        reason: 'hotfix',
      });
    await refused(403, () => override(as.ada));
    await refused(403, () => override(teamA));
    expect((await override(as.rita)).status).toBe(200);

    const change = { what: 'Raised the pool by hand', why: 'Incident 17' };
    await refused(403, () =>
      post('/v1/break-glass', as.bob, { entityRef: PAYMENTS, ...change }),
    );
    await refused(403, () =>
      post('/v1/break-glass', teamA, { entityRef: CHECKOUT, ...change }),
    );
    const recorded = await post('/v1/break-glass', as.ada, {
      entityRef: PAYMENTS,
      ...change,
    });
    expect(recorded.status).toBe(201);
    const reconcile = (auth: string) =>
      post(`/v1/break-glass/${recorded.body.id}/reconcile`, auth, {
        link: 'https://git.example.com/acme/payments/pull/1',
      });
    await refused(403, () => reconcile(as.ada));
    await refused(403, () => reconcile(as.bob));
    expect((await reconcile(as.rita)).status).toBe(200);
  });

  it('records attestations and registrations only for the token’s entities', async () => {
    const attestation = (entityRef: string) => ({
      artifactDigest: `sha256:${'c'.repeat(64)}`,
      mediaType: 'application/vnd.in-toto+json',
      content: { _type: 'https://in-toto.io/Statement/v1' },
      entityRef,
    });
    await refused(403, () =>
      post('/v1/attestations', teamA, attestation(CHECKOUT)),
    );
    await refused(403, () =>
      post('/v1/attestations', as.rita, attestation(PAYMENTS)),
    );

    const registration = {
      environments: [{ name: 'production', tier: 'production', order: 0 }],
      gates: { sloFile: './slo.yaml' },
      provenance: {
        expectedSource: 'github.com/acme/checkout',
        allowedBuilders: ['https://github.com/actions/runner/github-hosted'],
      },
      owner: 'group:default/team-b',
      rollout: { strategy: 'canary', canarySteps: [10, 50] },
    };
    // the same subject without access restrictions is still held to its team's entities
    const teamAUnrestricted = as.pipeline('team-a-pipeline');
    await refused(403, () =>
      gl.api
        .put('/api/greenlight/v1/services/default/component/checkout')
        .set('Authorization', teamAUnrestricted)
        .send(registration),
    );
    const own = await gl.api
      .put('/api/greenlight/v1/services/default/component/payments')
      .set('Authorization', teamAUnrestricted)
      .send({ ...registration, owner: 'group:default/team-a' });
    expect(own.status).toBe(201);
  });

  it('takes drift reports only for the token’s entities, and whole-source reports from unscoped writers', async () => {
    const report = (entityRef?: string) => ({
      source: 'terraform-prod',
      ...(entityRef ? { entityRef } : {}),
      resources: [{ address: 'aws_db_instance.main', drifted: true }],
    });
    await refused(403, () => post('/v1/drift', teamA, report(CHECKOUT)));
    await refused(403, () => post('/v1/drift', teamA, report()));
    await refused(403, () => post('/v1/drift', as.ada, report(PAYMENTS)));
    expect((await post('/v1/drift', teamA, report(PAYMENTS))).status).toBe(200);
    expect((await post('/v1/drift', unscoped, report())).status).toBe(200);
  });
});
