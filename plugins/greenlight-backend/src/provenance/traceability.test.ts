import {
  BUILDER_ID,
  generateTestKey,
  slsaV1Statement,
} from './__testUtils__/fixtures';
import {
  artifactEvent,
  deploymentEvent,
  dsse,
  hexDigest,
  PAYMENTS,
  ProvenanceBackend,
  startProvenanceBackend,
  trustedKeyConfig,
} from './__testUtils__/provenanceBackend';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const signer = generateTestKey('release-signer', 'ecdsa-p256-sha256');
const C1 = 'a1'.repeat(20);
const C2 = 'b2'.repeat(20);
const C3 = 'c3'.repeat(20);
const D1 = hexDigest('1');
const D2 = hexDigest('2');
const D3 = hexDigest('3');

/**
 * C1 went through staging to production; C2 followed it; C3 went straight to production,
 * was rolled back the next day, and failed in staging after that.
 */
const history = [
  {
    id: 'commits-1',
    type: 'commits',
    repository: 'github.com/acme/payments',
    commits: [
      {
        sha: C1,
        repository: 'github.com/acme/payments',
        committedAt: '2026-04-30T09:00:00Z',
        author: 'ada',
        prNumber: 101,
        title: 'Add refunds',
      },
      {
        sha: C2,
        repository: 'github.com/acme/payments',
        committedAt: '2026-05-02T09:00:00Z',
        author: 'lin',
        prNumber: 102,
        title: 'Faster checkout',
      },
      {
        sha: C3,
        repository: 'github.com/acme/payments',
        committedAt: '2026-05-04T09:00:00Z',
        author: 'sam',
        prNumber: 103,
        title: 'Risky change',
      },
    ],
  },
  {
    id: 'build-2',
    type: 'build',
    serviceId: 'payments-svc',
    build: {
      id: 'b2',
      commitSha: C2,
      builder: BUILDER_ID,
      status: 'succeeded',
      url: 'https://ci.acme.example/b2',
    },
  },
  artifactEvent('artifact-2', D2, {
    buildId: 'b2',
    commitSha: C2,
    attestations: [
      dsse(slsaV1Statement({ digestHex: '2'.repeat(64), commit: C2 }), [
        signer,
      ]),
    ],
  }),
  deploymentEvent('stg-1', 'staging', '2026-05-01T10:00:00Z', {
    digest: D1,
    commitSha: C1,
  }),
  deploymentEvent('prod-1', 'production', '2026-05-02T10:00:00Z', {
    digest: D1,
    commitSha: C1,
  }),
  deploymentEvent('stg-2', 'staging', '2026-05-03T10:00:00Z', {
    digest: D2,
    commitSha: C2,
  }),
  deploymentEvent('prod-2', 'production', '2026-05-04T10:00:00Z', {
    digest: D2,
    commitSha: C2,
  }),
  deploymentEvent('prod-3', 'production', '2026-05-05T10:00:00Z', {
    digest: D3,
    commitSha: C3,
  }),
  deploymentEvent('prod-4', 'production', '2026-05-06T10:00:00Z', {
    digest: D2,
    commitSha: C2,
    rollbackOf: 'prod-3',
  }),
  deploymentEvent('stg-3', 'staging', '2026-05-07T10:00:00Z', {
    digest: D3,
    commitSha: C3,
    status: 'failed',
  }),
];

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('traceability on %p', databaseId => {
  let backend: ProvenanceBackend;

  beforeAll(async () => {
    backend = await startProvenanceBackend({
      knex: await databases.init(databaseId),
      provenance: { trustedKeys: [trustedKeyConfig(signer)] },
    });
    await backend.post(history);
  });

  afterAll(async () => {
    await backend.stop();
  });

  const trace = (environment: string, at?: string) =>
    backend.get('/v1/trace', {
      entityRef: PAYMENTS,
      environment,
      ...(at ? { at } : {}),
    });

  it('follows what ran in production at a time back to its signed build and pull request', async () => {
    const res = await trace('production', '2026-05-04T12:00:00Z');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: PAYMENTS,
      environment: 'production',
      at: '2026-05-04T12:00:00.000Z',
      release: {
        id: 'prod-2',
        artifact: { digest: D2, buildId: 'b2' },
        promotion: 'promoted',
        provenance: {
          status: 'verified',
          builderId: BUILDER_ID,
          sourceCommit: C2,
          signer: 'release-signer',
        },
      },
      replacedBy: { releaseId: 'prod-3', at: '2026-05-05T10:00:00.000Z' },
      build: { id: 'b2', commitSha: C2, url: 'https://ci.acme.example/b2' },
      commit: {
        sha: C2,
        prNumber: 102,
        title: 'Faster checkout',
        author: 'lin',
      },
    });
    expect(res.body.commits.map((c: any) => c.sha)).toEqual([C2]);
  });

  it('shows an unsigned, stage-skipping release for the day it ran', async () => {
    const res = await trace('production', '2026-05-05T23:59:59Z');
    expect(res.body.release).toMatchObject({
      id: 'prod-3',
      promotion: 'skipped-stage',
      provenance: { status: 'unsigned' },
    });
    expect(res.body.replacedBy).toEqual({
      releaseId: 'prod-4',
      at: '2026-05-06T10:00:00.000Z',
    });
    expect(res.body.commit).toMatchObject({ sha: C3, prNumber: 103 });
  });

  it('answers for now without a time, and with nothing before the first deployment', async () => {
    expect((await trace('production')).body.release.id).toBe('prod-4');
    expect((await trace('production')).body.replacedBy).toBeNull();
    const before = await trace('production', '2026-04-01T00:00:00Z');
    expect(before.body).toMatchObject({
      release: null,
      build: null,
      commit: null,
      commits: [],
    });
  });

  it('answers 400 naming the bad field and 404 for an entity the reader cannot see', async () => {
    const bad = await trace('production', 'yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('at');
    const missing = await backend.get('/v1/trace', { entityRef: PAYMENTS });
    expect(missing.body.error.message).toContain('environment');
    const hidden = await backend.get('/v1/trace', {
      entityRef: 'component:default/ghost',
      environment: 'production',
    });
    expect(hidden.status).toBe(404);
  });

  const where = (sha: string) =>
    backend.get(`/v1/commits/${sha}/where`, { entityRef: PAYMENTS });
  const running = (body: any) =>
    Object.fromEntries(body.environments.map((e: any) => [e.name, e.running]));

  it('finds an old commit still running everywhere it arrived, even after a rollback of a later one', async () => {
    const res = await where(C1);
    expect(res.status).toBe(200);
    expect(res.body.commit).toMatchObject({
      sha: C1,
      prNumber: 101,
      title: 'Add refunds',
    });
    expect(running(res.body)).toEqual({
      development: false,
      staging: true,
      production: true,
    });
    const production = res.body.environments.find(
      (e: any) => e.name === 'production',
    );
    expect(production).toMatchObject({
      firstArrival: { releaseId: 'prod-1', at: '2026-05-02T10:00:00.000Z' },
      current: { releaseId: 'prod-4', artifactDigest: D2 },
      removedBy: null,
    });
  });

  it('says a rolled-back commit no longer runs, naming the rollback', async () => {
    const res = await where(C3);
    expect(running(res.body)).toEqual({
      development: false,
      staging: false,
      production: false,
    });
    const production = res.body.environments.find(
      (e: any) => e.name === 'production',
    );
    expect(production).toMatchObject({
      firstArrival: { releaseId: 'prod-3' },
      removedBy: 'prod-4',
    });
    const staging = res.body.environments.find(
      (e: any) => e.name === 'staging',
    );
    expect(staging).toMatchObject({
      firstArrival: null,
      current: { releaseId: 'stg-2' },
    });
  });

  it('accepts an abbreviated SHA and reports the commit the rollback restored', async () => {
    const res = await where(C2.slice(0, 7));
    expect(res.body.sha).toBe(C2);
    expect(running(res.body)).toEqual({
      development: false,
      staging: true,
      production: true,
    });
  });

  it('reports an unknown commit as running nowhere and rejects a malformed SHA', async () => {
    const unknown = await where('deadbee');
    expect(unknown.status).toBe(200);
    expect(unknown.body.commit).toBeNull();
    expect(running(unknown.body)).toEqual({
      development: false,
      staging: false,
      production: false,
    });
    const bad = await where('not-a-sha');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('sha');
  });
});
