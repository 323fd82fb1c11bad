import { greenlightEventSchema } from '@greenlight/backstage-plugin-greenlight-common';
import { run } from './cli';
import type { CliIo } from './io';
import { createTestIo } from './testUtils';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const SHA_C = 'c'.repeat(40);
const DIGEST = `sha256:${'d'.repeat(64)}`;

/** Runs a record command with --dry-run and returns the events it would send, validated. */
async function dryRun(args: string[], overrides: Partial<CliIo> = {}) {
  const t = createTestIo(overrides);
  const code = await run([...args, '--dry-run'], t.io);
  if (code !== 0) throw new Error(`exit ${code}: ${t.stderr()}`);
  const batch = JSON.parse(t.stdout());
  for (const event of batch.events) {
    const parsed = greenlightEventSchema.safeParse(event);
    if (!parsed.success)
      throw new Error(`invalid event: ${parsed.error.message}`);
  }
  return batch.events as any[];
}

async function failing(args: string[], overrides: Partial<CliIo> = {}) {
  const t = createTestIo(overrides);
  const code = await run([...args, '--dry-run'], t.io);
  return { code, stderr: t.stderr(), stdout: t.stdout() };
}

describe('record build', () => {
  it('maps flags onto a build event', async () => {
    const [event] = await dryRun([
      'record',
      'build',
      '--entity',
      'component:default/payments',
      '--build-id',
      '9876',
      '--build-url',
      'https://github.com/acme/payments/actions/runs/9876',
      '--commit',
      SHA_A.toUpperCase(),
      '--repository',
      'github.com/acme/payments',
      '--builder',
      'github-actions',
      '--status',
      'failure',
      '--started-at',
      '2024-05-01T11:50:00+02:00',
      '--finished-at',
      '1714564800',
    ]);
    expect(event).toEqual({
      id: 'build:component:default/payments:9876:failed',
      type: 'build',
      time: '2024-05-01T12:00:00.000Z',
      entityRef: 'component:default/payments',
      repository: 'github.com/acme/payments',
      build: {
        id: '9876',
        url: 'https://github.com/acme/payments/actions/runs/9876',
        repository: 'github.com/acme/payments',
        commitSha: SHA_A,
        builder: 'github-actions',
        status: 'failed',
        startedAt: '2024-05-01T09:50:00.000Z',
        finishedAt: '2024-05-01T12:00:00.000Z',
      },
    });
  });

  it('derives the same id on a retry and a different one for another status', async () => {
    const args = [
      'record',
      'build',
      '--service-id',
      'payments',
      '--build-id',
      '42',
    ];
    const [first] = await dryRun([...args, '--status', 'SUCCESS']);
    const [again] = await dryRun([...args, '--status', 'success']);
    const [failed] = await dryRun([...args, '--status', 'FAILURE']);
    expect(first.id).toBe(again.id);
    expect(failed.id).not.toBe(first.id);
    expect(first.build.status).toBe('succeeded');
  });

  it('uses --id when given and defaults finishedAt to now', async () => {
    const [event] = await dryRun([
      'record',
      'build',
      '--entity',
      'component:default/a',
      '--build-id',
      '1',
      '--id',
      'custom-1',
    ]);
    expect(event.id).toBe('custom-1');
    expect(event.build.finishedAt).toBe('2024-05-01T12:00:00.000Z');
    expect(event.build.status).toBe('succeeded');
  });

  it('records nothing for a cancelled build', async () => {
    const t = createTestIo();
    const code = await run(
      [
        'record',
        'build',
        '--entity',
        'component:default/a',
        '--build-id',
        '1',
        '--status',
        'cancelled',
      ],
      t.io,
    );
    expect(code).toBe(0);
    expect(t.stdout()).toBe('');
    expect(t.stderr()).toMatch(/cancelled builds are not recorded/);
  });

  it('rejects bad input with exit code 2', async () => {
    const noSubject = await failing(['record', 'build', '--build-id', '1']);
    expect(noSubject.code).toBe(2);
    expect(noSubject.stderr).toMatch(/--entity, --service-id/);

    const noId = await failing(['record', 'build', '--entity', 'x']);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toMatch(/missing required flag --build-id/);

    const badSha = await failing([
      'record',
      'build',
      '--entity',
      'x',
      '--build-id',
      '1',
      '--commit',
      'main',
    ]);
    expect(badSha.code).toBe(2);
    expect(badSha.stderr).toMatch(/--commit must be a hex commit SHA/);

    const badTime = await failing([
      'record',
      'build',
      '--entity',
      'x',
      '--build-id',
      '1',
      '--finished-at',
      '2024-05-01 12:00',
    ]);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toMatch(/--finished-at must be an ISO 8601 time/);

    const unknown = await failing([
      'record',
      'build',
      '--entity',
      'x',
      '--build-id',
      '1',
      '--nope',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--nope/);
  });

  it('reports local schema violations with the field path', async () => {
    const result = await failing([
      'record',
      'build',
      '--entity',
      'x',
      '--build-id',
      '1',
      '--build-url',
      'not a url',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/build event: build\.url:/);
    expect(result.stdout).toBe('');
  });
});

describe('record deploy', () => {
  const base = [
    'record',
    'deploy',
    '--entity',
    'component:default/payments',
    '--deployment-id',
    'gha-1-1-production',
    '--environment',
    'production',
  ];

  it('sends deployment.started for --status started', async () => {
    const [event] = await dryRun([
      ...base,
      '--status',
      'started',
      '--strategy',
      'canary',
      '--actor',
      'octocat',
    ]);
    expect(event).toEqual({
      id: 'deployment.started:component:default/payments:gha-1-1-production',
      type: 'deployment.started',
      time: '2024-05-01T12:00:00.000Z',
      entityRef: 'component:default/payments',
      deployment: {
        id: 'gha-1-1-production',
        environment: 'production',
        strategy: 'canary',
        status: 'started',
        startedAt: '2024-05-01T12:00:00.000Z',
        actor: 'octocat',
      },
    });
  });

  it('sends deployment.finished for the other statuses, with all mapped fields', async () => {
    const [event] = await dryRun([
      ...base,
      '--status',
      'rolled_back',
      '--digest',
      DIGEST,
      '--version',
      '1.2.3',
      '--commit',
      SHA_A,
      '--commits',
      `${SHA_A},${SHA_B}`,
      '--commits',
      SHA_C,
      '--intent',
      'hotfix',
      '--rollback-of',
      'gha-0-1-production',
      '--source-system',
      'github-actions',
      '--deployment-url',
      'https://example.com/deploys/1',
      '--started-at',
      '2024-05-01T11:55:00Z',
    ]);
    expect(event.type).toBe('deployment.finished');
    expect(event.id).toBe(
      'deployment.finished:component:default/payments:gha-1-1-production:rolled-back',
    );
    expect(event.deployment).toEqual({
      id: 'gha-1-1-production',
      environment: 'production',
      artifactDigest: DIGEST,
      version: '1.2.3',
      commitSha: SHA_A,
      commits: [SHA_A, SHA_B, SHA_C],
      status: 'rolled-back',
      startedAt: '2024-05-01T11:55:00.000Z',
      finishedAt: '2024-05-01T12:00:00.000Z',
      sourceSystem: 'github-actions',
      url: 'https://example.com/deploys/1',
      rollbackOf: 'gha-0-1-production',
      intent: 'hotfix',
    });
  });

  it('reads commits from git and emits a commits event with their times', async () => {
    const calls: Array<{ args: string[]; cwd: string }> = [];
    const git = (args: string[], cwd: string) => {
      calls.push({ args, cwd });
      return [
        `${SHA_B}\x1f2024-05-01T10:00:00+02:00\x1f2024-05-01T09:00:00+02:00\x1fFix rounding\x1e\n`,
        `${SHA_A}\x1f2024-04-30T18:00:00Z\x1f2024-04-30T17:00:00Z\x1fAdd refunds\x1e\n`,
      ].join('');
    };
    const events = await dryRun(
      [
        ...base,
        '--status',
        'succeeded',
        '--repository',
        'github.com/acme/payments',
        '--commits-from-git',
        `${SHA_C.slice(0, 7)}..${SHA_B}`,
        '--repo-dir',
        'service',
      ],
      { git },
    );
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0]).toBe('log');
    expect(calls[0].args).toContain(`${SHA_C.slice(0, 7)}..${SHA_B}`);
    expect(calls[0].cwd).toBe('/repo/service');
    expect(events.map(e => e.type)).toEqual(['commits', 'deployment.finished']);
    expect(events[0].commits).toEqual([
      {
        sha: SHA_B,
        repository: 'github.com/acme/payments',
        committedAt: '2024-05-01T08:00:00.000Z',
        authoredAt: '2024-05-01T07:00:00.000Z',
        title: 'Fix rounding',
      },
      {
        sha: SHA_A,
        repository: 'github.com/acme/payments',
        committedAt: '2024-04-30T18:00:00.000Z',
        authoredAt: '2024-04-30T17:00:00.000Z',
        title: 'Add refunds',
      },
    ]);
    expect(events[1].deployment.commits).toEqual([SHA_B, SHA_A]);

    // The commits event id depends on the commits only, so a retry is a no-op.
    const again = await dryRun(
      [
        ...base,
        '--status',
        'failed',
        '--repository',
        'github.com/acme/payments',
        '--commits-from-git',
        `${SHA_C}..${SHA_B}`,
      ],
      { git },
    );
    expect(again[0].id).toBe(events[0].id);
  });

  it('records the deployment without commits when the range has no base', async () => {
    const t = createTestIo();
    const code = await run(
      [
        ...base,
        '--status',
        'succeeded',
        '--repository',
        'r',
        '--commits-from-git',
        `${'0'.repeat(40)}..${SHA_A}`,
        '--dry-run',
      ],
      t.io,
    );
    expect(code).toBe(0);
    const events = JSON.parse(t.stdout()).events;
    expect(events).toHaveLength(1);
    expect(events[0].deployment.commits).toBeUndefined();
    expect(t.stderr()).toMatch(/no previous commit/);
  });

  it('explains a failing git log', async () => {
    const git = () => {
      throw Object.assign(new Error('Command failed'), {
        stderr: 'fatal: bad revision',
      });
    };
    const result = await failing(
      [
        ...base,
        '--status',
        'succeeded',
        '--repository',
        'r',
        '--commits-from-git',
        `${SHA_A}..${SHA_B}`,
      ],
      { git },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/fatal: bad revision/);
    expect(result.stderr).toMatch(/fetch-depth: 0/);
  });

  it('rejects an unknown status and a missing environment', async () => {
    expect((await failing([...base, '--status', 'done'])).code).toBe(2);
    const noEnv = await failing([
      'record',
      'deploy',
      '--entity',
      'x',
      '--deployment-id',
      'd',
      '--status',
      'started',
    ]);
    expect(noEnv.code).toBe(2);
    expect(noEnv.stderr).toMatch(/--environment/);
  });
});

describe('record incident', () => {
  it('opens and resolves an incident', async () => {
    const [opened] = await dryRun([
      'record',
      'incident',
      'open',
      '--incident-id',
      'INC-7',
      '--entity',
      'component:default/payments,component:default/checkout',
      '--severity',
      'sev2',
      '--title',
      'Checkout 502s',
      '--deployment-id',
      'gha-1-1-production',
      '--evidence',
      'errors after rollout',
    ]);
    expect(opened).toEqual({
      id: 'incident.opened:INC-7',
      type: 'incident.opened',
      time: '2024-05-01T12:00:00.000Z',
      entityRef: 'component:default/payments',
      incident: {
        id: 'INC-7',
        entityRefs: [
          'component:default/payments',
          'component:default/checkout',
        ],
        severity: 'sev2',
        title: 'Checkout 502s',
        detectedAt: '2024-05-01T12:00:00.000Z',
        deploymentId: 'gha-1-1-production',
        evidence: 'errors after rollout',
      },
    });
    const [resolved] = await dryRun([
      'record',
      'incident',
      'resolve',
      '--incident-id',
      'INC-7',
      '--entity',
      'component:default/payments',
      '--resolved-at',
      '2024-05-01T13:00:00Z',
    ]);
    expect(resolved.type).toBe('incident.resolved');
    expect(resolved.id).toBe('incident.resolved:INC-7');
    expect(resolved.incident.resolvedAt).toBe('2024-05-01T13:00:00.000Z');
    expect(resolved.incident.detectedAt).toBeUndefined();
  });

  it('needs open or resolve', async () => {
    const result = await failing([
      'record',
      'incident',
      '--incident-id',
      'INC-7',
      '--entity',
      'x',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/open or resolve/);
    expect(
      (
        await failing([
          'record',
          'incident',
          'close',
          '--incident-id',
          'I',
          '--entity',
          'x',
        ])
      ).code,
    ).toBe(2);
  });
});

describe('record tests', () => {
  it('maps explicit flags', async () => {
    const [event] = await dryRun([
      'record',
      'tests',
      '--entity',
      'component:default/payments',
      '--suite',
      'unit',
      '--outcome',
      'failed',
      '--total',
      '120',
      '--failures',
      '3',
      '--commit',
      SHA_A,
      '--digest',
      DIGEST,
      '--build-id',
      '9876',
    ]);
    expect(event).toEqual({
      id: 'test.run:component:default/payments:unit:9876:failed',
      type: 'test.run',
      time: '2024-05-01T12:00:00.000Z',
      entityRef: 'component:default/payments',
      testRun: {
        id: 'unit:9876',
        suite: 'unit',
        outcome: 'failed',
        buildId: '9876',
        commitSha: SHA_A,
        artifactDigest: DIGEST,
        total: 120,
        failures: 3,
        finishedAt: '2024-05-01T12:00:00.000Z',
      },
    });
  });

  it('derives totals and outcome from JUnit reports, adding shards up', async () => {
    const files: Record<string, string> = {
      '/repo/reports/a.xml':
        '<?xml version="1.0"?><testsuites name="jest tests" tests="10" failures="0" errors="0"></testsuites>',
      '/repo/reports/b.xml':
        '<testsuite name="shard" tests="5" failures="2" errors="1" skipped="0"></testsuite>',
    };
    const [event] = await dryRun(
      [
        'record',
        'tests',
        '--entity',
        'x',
        '--junit',
        'reports/a.xml',
        '--junit',
        'reports/b.xml',
        '--build-id',
        '7',
      ],
      { readFile: path => files[path] },
    );
    expect(event.testRun).toMatchObject({
      id: 'jest tests:7',
      suite: 'jest tests',
      outcome: 'failed',
      total: 15,
      failures: 3,
    });
  });

  it('lets explicit flags win over the report', async () => {
    const [event] = await dryRun(
      [
        'record',
        'tests',
        '--entity',
        'x',
        '--suite',
        'e2e',
        '--junit',
        'r.xml',
        '--outcome',
        'passed',
        '--commit',
        SHA_A,
      ],
      { readFile: () => '<testsuite tests="4" failures="1"/>' },
    );
    expect(event.testRun).toMatchObject({
      suite: 'e2e',
      outcome: 'passed',
      total: 4,
      failures: 1,
      id: `e2e:${SHA_A}`,
    });
  });

  it('needs an outcome and a stable run id', async () => {
    const noOutcome = await failing([
      'record',
      'tests',
      '--entity',
      'x',
      '--suite',
      'unit',
      '--build-id',
      '1',
    ]);
    expect(noOutcome.code).toBe(2);
    expect(noOutcome.stderr).toMatch(/--outcome/);
    const noRun = await failing([
      'record',
      'tests',
      '--entity',
      'x',
      '--suite',
      'unit',
      '--outcome',
      'passed',
    ]);
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toMatch(/--run-id, --build-id, --commit or --digest/);
  });
});

describe('record commits', () => {
  it('sends one commits event read from git', async () => {
    const [event] = await dryRun(
      [
        'record',
        'commits',
        '--repository',
        'github.com/acme/payments',
        '--from-git',
        'v1.0.0..HEAD',
      ],
      {
        git: () =>
          `${SHA_A}\x1f2024-04-30T18:00:00Z\x1f2024-04-30T17:00:00Z\x1ftitle\x1e\n`,
      },
    );
    expect(event.type).toBe('commits');
    expect(event.repository).toBe('github.com/acme/payments');
    expect(event.commits).toHaveLength(1);
    expect(event.id).toMatch(
      /^commits:github\.com\/acme\/payments:1:[0-9a-f]{24}$/,
    );
  });

  it('rejects a range that is not <from>..<to>', async () => {
    const result = await failing([
      'record',
      'commits',
      '--repository',
      'r',
      '--from-git',
      '--all',
    ]);
    expect(result.code).toBe(2);
    const single = await failing([
      'record',
      'commits',
      '--repository',
      'r',
      '--from-git',
      'HEAD',
    ]);
    expect(single.code).toBe(2);
    expect(single.stderr).toMatch(/<from>\.\.<to>/);
  });
});

describe('record artifact', () => {
  it('maps flags and attaches attestations with their media types', async () => {
    const files: Record<string, string> = {
      '/repo/bundle.json': JSON.stringify({
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: {},
      }),
      '/repo/envelope.json': JSON.stringify({
        payloadType: 'application/vnd.in-toto+json',
        payload: 'e30=',
        signatures: [],
      }),
    };
    const [event] = await dryRun(
      [
        'record',
        'artifact',
        '--entity',
        'component:default/payments',
        '--digest',
        DIGEST,
        '--name',
        'ghcr.io/acme/payments',
        '--purl',
        'pkg:oci/payments',
        '--build-id',
        '9876',
        '--commit',
        SHA_A,
        '--repository',
        'github.com/acme/payments',
        '--attestation',
        'bundle.json',
        '--attestation',
        'envelope.json',
      ],
      { readFile: path => files[path] },
    );
    expect(event.id).toBe(`artifact:component:default/payments:${DIGEST}`);
    expect(event.artifact).toEqual({
      digest: DIGEST,
      name: 'ghcr.io/acme/payments',
      purl: 'pkg:oci/payments',
      buildId: '9876',
      commitSha: SHA_A,
      repository: 'github.com/acme/payments',
      createdAt: '2024-05-01T12:00:00.000Z',
    });
    expect(event.attestations.map((a: any) => a.mediaType)).toEqual([
      'application/vnd.dev.sigstore.bundle.v0.3+json',
      'application/vnd.dsse.envelope.v1+json',
    ]);
  });

  it('rejects a malformed digest', async () => {
    const result = await failing([
      'record',
      'artifact',
      '--entity',
      'x',
      '--digest',
      'sha256:xyz',
      '--name',
      'n',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--digest must look like sha256:<hex>/);
  });
});

describe('event ids', () => {
  it('keeps derived ids within the 200-character limit', async () => {
    // the longest namespace and name an entity reference may have (63 characters each)
    const longEntity = `component:${'n'.repeat(63)}/${'x'.repeat(63)}`;
    const [event] = await dryRun([
      'record',
      'build',
      '--entity',
      longEntity,
      '--build-id',
      `${'b'.repeat(120)}1`,
    ]);
    expect(event.id.length).toBeLessThanOrEqual(200);
    const [other] = await dryRun([
      'record',
      'build',
      '--entity',
      longEntity,
      '--build-id',
      `${'b'.repeat(120)}2`,
    ]);
    expect(other.id).not.toBe(event.id);
  });
});
