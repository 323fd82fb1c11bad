import { service, startGovernanceBackend, user } from './__testUtils__/backend';

jest.setTimeout(60_000);

type Actions = string[];

/** A resource entry as `terraform show -json` prints it in resource_drift and resource_changes. */
function resource(
  address: string,
  actions: Actions,
  state: { before?: Record<string, unknown>; after?: Record<string, unknown> },
) {
  const [type, name] = address.split('.');
  return {
    address,
    mode: 'managed',
    type,
    name,
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: { actions, before: state.before ?? null, after: state.after ?? null, after_unknown: {} },
  };
}

function plan(timestamp: string, parts: { drift?: object[]; changes?: object[] }) {
  return {
    format_version: '1.2',
    terraform_version: '1.9.5',
    timestamp,
    planned_values: { root_module: {} },
    resource_drift: parts.drift ?? [],
    resource_changes: parts.changes ?? [],
    configuration: { root_module: {} },
  };
}

const tags = { 'greenlight.dev/entity': 'component:default/payments', team: 'payments' };
const bucketIn = (versioning: boolean, secret = 's3cr3t') => ({ bucket: 'assets', tags, versioning, kms_key: secret });

const drifted = plan('2026-11-01T10:00:00Z', {
  drift: [resource('aws_s3_bucket.assets', ['update'], { before: bucketIn(true), after: bucketIn(false, 'rotated') })],
  changes: [
    resource('aws_s3_bucket.assets', ['update'], { before: bucketIn(false, 'rotated'), after: bucketIn(true) }),
    resource('aws_iam_role.deployer', ['delete', 'create'], { before: { name: 'deployer' }, after: { name: 'deployer2' } }),
    resource('aws_sqs_queue.jobs', ['no-op'], {
      before: { name: 'jobs', tags: { 'backstage.io/entity': 'payments' } },
      after: { name: 'jobs', tags: { 'backstage.io/entity': 'payments' } },
    }),
    resource('data.aws_caller_identity.me', ['read'], { after: {} }),
  ],
});

const clean = plan('2026-11-01T12:00:00Z', {
  changes: [
    resource('aws_s3_bucket.assets', ['no-op'], { before: bucketIn(true), after: bucketIn(true) }),
    resource('aws_iam_role.deployer', ['no-op'], { before: { name: 'deployer' }, after: { name: 'deployer' } }),
  ],
});

describe('drift', () => {
  it('opens drift from a Terraform plan, attributes it by tag and closes it on a later clean plan', async () => {
    const gl = await startGovernanceBackend();

    // the plan exactly as `terraform show -json` prints it, with the source in the query
    const first = await gl.post('/v1/drift', drifted, service, { source: 'terraform:payments-prod' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      source: 'terraform:payments-prod',
      scope: '*',
      observedAt: '2026-11-01T10:00:00.000Z',
      stale: false,
      resources: 4,
      drifted: 2,
      opened: 2,
      closed: 0,
      unattributed: 1,
    });

    const open = await gl.get('/v1/drift', { entityRef: 'component:default/payments' });
    expect(open.status).toBe(200);
    expect(open.body.open).toEqual([
      expect.objectContaining({
        address: 'aws_s3_bucket.assets',
        kind: 'drift',
        status: 'open',
        details: expect.objectContaining({ actions: ['update'], changedAttributes: ['kms_key', 'versioning'] }),
      }),
    ]);
    // attribute values stay out of the record: plans carry secrets
    expect(JSON.stringify(open.body)).not.toContain('s3cr3t');

    // a plan observed earlier than the one applied changes nothing
    const late = await gl.post('/v1/drift', { source: 'terraform:payments-prod', terraform: { ...clean, timestamp: '2026-11-01T09:00:00Z' } });
    expect(late.body).toMatchObject({ stale: true, opened: 0, closed: 0 });
    expect((await gl.get('/v1/drift', { entityRef: 'component:default/payments' })).body.open).toHaveLength(1);

    const closed = await gl.post('/v1/drift', { source: 'terraform:payments-prod', terraform: clean });
    expect(closed.body).toMatchObject({ stale: false, drifted: 0, opened: 0, closed: 2 });
    const after = await gl.get('/v1/drift', { entityRef: 'component:default/payments' });
    expect(after.body.open).toEqual([]);
    expect(after.body.recentlyClosed).toEqual([
      expect.objectContaining({ address: 'aws_s3_bucket.assets', status: 'closed', closedAt: '2026-11-01T12:00:00.000Z' }),
    ]);
  });

  it('keeps generic drift of an entity open until a clean report of the same source and entity', async () => {
    const gl = await startGovernanceBackend();
    const report = (drift: boolean, observedAt: string) => ({
      source: 'driftctl',
      entityRef: 'component:default/payments',
      observedAt,
      resources: [{ address: 'k8s/deployment/payments', drifted: drift, details: { replicas: 'changed by hand' } }],
    });
    expect((await gl.post('/v1/drift', report(true, '2026-11-01T10:00:00Z'))).body).toMatchObject({ scope: 'component:default/payments', opened: 1 });
    // another source's clean report does not close it
    await gl.post('/v1/drift', { ...report(false, '2026-11-01T11:00:00Z'), source: 'other-scanner' });
    // still drifted
    expect((await gl.post('/v1/drift', report(true, '2026-11-01T11:30:00Z'))).body).toMatchObject({ opened: 0, closed: 0 });
    const open = await gl.get('/v1/drift', { entityRef: 'component:default/payments' });
    expect(open.body.open).toEqual([
      expect.objectContaining({ kind: 'reported', openedAt: '2026-11-01T10:00:00.000Z', lastSeenAt: '2026-11-01T11:30:00.000Z', details: { replicas: 'changed by hand' } }),
    ]);
    expect((await gl.post('/v1/drift', report(false, '2026-11-01T12:00:00Z'))).body).toMatchObject({ closed: 1 });
    expect((await gl.get('/v1/drift', { entityRef: 'component:default/payments' })).body.open).toEqual([]);
  });

  it('refuses a report dated in the future, which would close every open item', async () => {
    const gl = await startGovernanceBackend();
    const report = (drift: boolean, observedAt: string) => ({
      source: 'driftctl',
      entityRef: 'component:default/payments',
      observedAt,
      resources: [{ address: 'k8s/deployment/payments', drifted: drift }],
    });
    expect((await gl.post('/v1/drift', report(true, '2026-11-01T10:00:00Z'))).body).toMatchObject({ opened: 1 });
    const future = await gl.post('/v1/drift', report(false, '2100-01-01T00:00:00Z'));
    expect(future.status).toBe(400);
    expect(future.body.error.message).toContain('observedAt');
    const futurePlan = await gl.post('/v1/drift', { source: 'driftctl', entityRef: 'component:default/payments', terraform: { format_version: '1.2', timestamp: '2100-01-01T00:00:00Z' } });
    expect(futurePlan.status).toBe(400);
    expect(futurePlan.body.error.message).toContain('terraform.timestamp');
    const open = await gl.get('/v1/drift', { entityRef: 'component:default/payments' });
    expect(open.body.open).toHaveLength(1);
  });

  it('accepts reports from pipelines only and names the bad field', async () => {
    const gl = await startGovernanceBackend();
    const body = { source: 's', resources: [] };
    expect((await gl.post('/v1/drift', body, user)).status).toBe(403);
    const noSource = await gl.post('/v1/drift', drifted);
    expect(noSource.status).toBe(400);
    expect(noSource.body.error.message).toContain('source');
    const badResource = await gl.post('/v1/drift', { source: 's', resources: [{ address: 'a' }] });
    expect(badResource.status).toBe(400);
    expect(badResource.body.error.message).toContain('resources.0.drifted');
    const badPlan = await gl.post('/v1/drift', { source: 's', terraform: { format_version: '1.2', resource_changes: [{ address: 'x', change: { actions: [] } }] } });
    expect(badPlan.status).toBe(400);
    expect(badPlan.body.error.message).toContain('terraform.resource_changes.0.change.actions');
    const unknownEntity = await gl.post('/v1/drift', { ...body, entityRef: 'component:default/nope' });
    expect(unknownEntity.status).toBe(404);
  });
});
