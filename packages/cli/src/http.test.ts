import { greenlightEventSchema } from '@greenlight/backstage-plugin-greenlight-common';
import { run } from './cli';
import { createTestIo, startServer } from './testUtils';

const TOKEN = 'static-token-s3cr3t-value';
const SHA = 'a'.repeat(40);

const buildArgs = [
  'record',
  'build',
  '--entity',
  'component:default/payments',
  '--build-id',
  '9876',
  '--commit',
  SHA,
];

describe('sending events', () => {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('posts the batch with the bearer token and prints what was recorded', async () => {
    server = await startServer([
      {
        status: 200,
        body: {
          accepted: 1,
          duplicates: 0,
          unmapped: 0,
          ignored: 0,
          results: [
            {
              id: 'native:build:component:default/payments:9876:succeeded',
              status: 'accepted',
              entityRef: 'component:default/payments',
            },
          ],
        },
      },
    ]);
    const t = createTestIo({
      env: { GREENLIGHT_URL: `${server.url}/`, GREENLIGHT_TOKEN: TOKEN },
    });
    const code = await run(buildArgs, t.io, { retryDelayMs: 1 });

    expect(code).toBe(0);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/greenlight/v1/events');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body.events).toHaveLength(1);
    expect(greenlightEventSchema.parse(request.body.events[0])).toMatchObject({
      id: 'build:component:default/payments:9876:succeeded',
      type: 'build',
      build: { id: '9876', commitSha: SHA },
    });
    expect(t.stdout()).toMatch(
      /Recorded 1 event \(accepted 1, duplicates 0, unmapped 0\)/,
    );
    expect(t.stdout()).toMatch(
      /build build:component:default\/payments:9876:succeeded accepted -> component:default\/payments/,
    );
  });

  it('prefers --url and --token over the environment and accepts an /api/greenlight URL', async () => {
    server = await startServer([{ status: 200, body: {} }]);
    const t = createTestIo({
      env: {
        GREENLIGHT_URL: 'http://127.0.0.1:1',
        GREENLIGHT_TOKEN: 'env-token',
      },
    });
    const code = await run(
      [...buildArgs, '--url', `${server.url}/api/greenlight`, '--token', TOKEN],
      t.io,
      { retryDelayMs: 1 },
    );
    expect(code).toBe(0);
    expect(server.requests[0].url).toBe('/api/greenlight/v1/events');
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('prints the issues of a 400 and does not retry it', async () => {
    server = await startServer([
      {
        status: 400,
        body: {
          error: {
            name: 'InputError',
            message: 'Invalid event batch: 1 problem(s); nothing was written',
          },
          issues: [
            {
              index: 0,
              path: 'build.commitSha',
              message: 'must be a hex commit SHA',
            },
          ],
        },
      },
    ]);
    const t = createTestIo({
      env: { GREENLIGHT_URL: server.url, GREENLIGHT_TOKEN: TOKEN },
    });
    const code = await run(buildArgs, t.io, { retryDelayMs: 1 });
    expect(code).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(t.sleeps).toEqual([]);
    expect(t.stderr()).toMatch(
      /HTTP 400 Bad Request: Invalid event batch: 1 problem\(s\); nothing was written/,
    );
    expect(t.stderr()).toMatch(
      /event 0 build\.commitSha: must be a hex commit SHA/,
    );
  });

  it('retries a 503 with backoff and then succeeds', async () => {
    server = await startServer([
      { status: 503, body: { error: { message: 'database unavailable' } } },
      { status: 503, body: { error: { message: 'database unavailable' } } },
      { status: 200, body: { accepted: 1 } },
    ]);
    const t = createTestIo({
      env: { GREENLIGHT_URL: server.url, GREENLIGHT_TOKEN: TOKEN },
    });
    const code = await run(buildArgs, t.io, { retryDelayMs: 100 });
    expect(code).toBe(0);
    expect(server.requests).toHaveLength(3);
    // Every try sends the same event id, so the server can drop repeats.
    expect(new Set(server.requests.map(r => r.body.events[0].id)).size).toBe(1);
    expect(t.sleeps).toEqual([100, 200]);
    expect(t.stderr()).toMatch(
      /HTTP 503 Service Unavailable: database unavailable; retrying in 100ms \(try 2 of 3\)/,
    );
  });

  it('gives up after the last try with exit code 1', async () => {
    server = await startServer([
      { status: 502, body: { error: { message: 'bad gateway' } } },
    ]);
    const t = createTestIo({
      env: { GREENLIGHT_URL: server.url, GREENLIGHT_TOKEN: TOKEN },
    });
    const code = await run([...buildArgs, '--attempts', '2'], t.io, {
      retryDelayMs: 1,
    });
    expect(code).toBe(1);
    expect(server.requests).toHaveLength(2);
    expect(t.stderr()).toMatch(/rejected the events: HTTP 502/);
  });

  it('retries network errors', async () => {
    const closed = await startServer([{ status: 200 }]);
    const url = closed.url;
    await closed.close();
    const t = createTestIo({
      env: { GREENLIGHT_URL: url, GREENLIGHT_TOKEN: TOKEN },
    });
    const code = await run(buildArgs, t.io, { retryDelayMs: 5 });
    expect(code).toBe(1);
    expect(t.sleeps).toEqual([5, 10]);
    expect(t.stderr()).toMatch(
      /could not reach Greenlight .* after 3 tries: network error/,
    );
  });

  it('never prints the token, not even in verbose output or echoed errors', async () => {
    server = await startServer([
      {
        status: 401,
        body: { error: { message: `token ${TOKEN} is not valid` } },
      },
    ]);
    const t = createTestIo({ env: { GREENLIGHT_URL: server.url } });
    const code = await run(
      [...buildArgs, '--token', TOKEN, '--verbose'],
      t.io,
      { retryDelayMs: 1 },
    );
    expect(code).toBe(1);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(t.stderr()).toMatch(/Authorization: Bearer \*\*\*/);
    expect(t.stderr()).toMatch(/HTTP 401/);
    expect(t.stderr()).toMatch(/token \*\*\* is not valid/);
    expect(t.stderr() + t.stdout()).not.toContain(TOKEN);
  });

  it('needs a URL and a token unless it is a dry run', async () => {
    const noUrl = createTestIo({ env: { GREENLIGHT_TOKEN: TOKEN } });
    expect(await run(buildArgs, noUrl.io)).toBe(2);
    expect(noUrl.stderr()).toMatch(/GREENLIGHT_URL/);
    const noToken = createTestIo({
      env: { GREENLIGHT_URL: 'http://127.0.0.1:1' },
    });
    expect(await run(buildArgs, noToken.io)).toBe(2);
    expect(noToken.stderr()).toMatch(/GREENLIGHT_TOKEN/);
  });
});

describe('gate readiness', () => {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const args = [
    'gate',
    'readiness',
    '--entity',
    'component:default/payments',
    '--environment',
    'production',
    '--changed-files',
    'src/a.ts,db/migrations/001.sql',
    '--changed-files',
    'README.md',
    '--labels',
    'hotfix',
    '--commit-range',
    'abc1234..def5678',
    '--evidence',
    'tests=passed',
    '--evidence',
    'coverage=84.5',
    '--evidence',
    'reviewed=true',
  ];

  it('exits 0 when the change is allowed and sends the request body', async () => {
    server = await startServer([
      { status: 200, body: { decision: 'allow', missingControls: [] } },
    ]);
    const t = createTestIo({
      env: { GREENLIGHT_URL: server.url, GREENLIGHT_TOKEN: TOKEN },
    });
    const code = await run(args, t.io, { retryDelayMs: 1 });
    expect(code).toBe(0);
    const [request] = server.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/greenlight/v1/readiness');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.body).toEqual({
      entityRef: 'component:default/payments',
      environment: 'production',
      change: {
        changedFiles: ['src/a.ts', 'db/migrations/001.sql', 'README.md'],
        commitRange: 'abc1234..def5678',
        labels: ['hotfix'],
      },
      evidence: { tests: 'passed', coverage: 84.5, reviewed: true },
    });
    expect(t.stdout()).toMatch(
      /Ready: component:default\/payments → production is allowed/,
    );
  });

  it('waits for the next allowed time within --max-wait, and fails beyond it', async () => {
    // the test clock stands at 2024-05-01T12:00:00Z; the window opens 90 minutes later
    const closed = {
      status: 200,
      body: {
        decision: 'block',
        missingControls: ['change-window'],
        window: {
          allowed: false,
          reasons: ['outside change window "database-production"'],
          nextAllowedAt: '2024-05-01T13:30:00.000Z',
        },
        rolloutConstraints: [
          {
            class: 'database',
            description: 'canary with at least 30 minutes of soak',
          },
        ],
      },
    };
    server = await startServer([
      closed,
      { status: 200, body: { decision: 'allow', missingControls: [] } },
    ]);
    const waiting = createTestIo({
      env: { GREENLIGHT_URL: server.url, GREENLIGHT_TOKEN: TOKEN },
    });
    expect(
      await run([...args, '--max-wait', '2h'], waiting.io, { retryDelayMs: 1 }),
    ).toBe(0);
    expect(waiting.sleeps).toEqual([90 * 60_000]);
    expect(waiting.stderr()).toMatch(/waiting until 2024-05-01T13:30:00.000Z/);
    await server.close();

    server = await startServer([closed]);
    const impatient = createTestIo({
      env: { GREENLIGHT_URL: server.url, GREENLIGHT_TOKEN: TOKEN },
    });
    expect(
      await run([...args, '--max-wait', '1h'], impatient.io, {
        retryDelayMs: 1,
      }),
    ).toBe(3);
    expect(impatient.sleeps).toEqual([]);
    expect(impatient.stdout()).toMatch(
      /Next allowed: 2024-05-01T13:30:00.000Z/,
    );
    expect(impatient.stdout()).toMatch(
      /Rollout for database: canary with at least 30 minutes of soak/,
    );
  });

  it('exits 3 when blocked and lists the missing controls', async () => {
    server = await startServer([
      {
        status: 200,
        body: {
          decision: 'block',
          missingControls: [
            {
              id: 'two-person-review',
              title: 'Two-person review of schema changes',
            },
            'change-ticket',
          ],
        },
      },
    ]);
    const t = createTestIo({
      env: { GREENLIGHT_URL: server.url, GREENLIGHT_TOKEN: TOKEN },
    });
    const code = await run(args, t.io, { retryDelayMs: 1 });
    expect(code).toBe(3);
    expect(t.stdout()).toMatch(
      /Blocked: component:default\/payments → production is not ready/,
    );
    expect(t.stdout()).toMatch(
      /- two-person-review: Two-person review of schema changes/,
    );
    expect(t.stdout()).toMatch(/- change-ticket/);
  });

  it('takes changed files from git diff', async () => {
    const t = createTestIo({
      git: args2 => {
        expect(args2).toEqual([
          'diff',
          '--name-only',
          'abc1234..def5678',
          '--',
        ]);
        return 'src/a.ts\nsrc/b.ts\n';
      },
    });
    const code = await run(
      [
        'gate',
        'readiness',
        '--entity',
        'e',
        '--environment',
        'prod',
        '--changed-files-from-git',
        'abc1234..def5678',
        '--dry-run',
      ],
      t.io,
    );
    expect(code).toBe(0);
    expect(JSON.parse(t.stdout())).toEqual({
      entityRef: 'e',
      environment: 'prod',
      change: {
        changedFiles: ['src/a.ts', 'src/b.ts'],
        commitRange: 'abc1234..def5678',
      },
      evidence: {},
    });
  });

  it('fails with exit code 1 on an unrecognised answer and 2 on malformed evidence', async () => {
    server = await startServer([{ status: 200, body: { hello: 'world' } }]);
    const t = createTestIo({
      env: { GREENLIGHT_URL: server.url, GREENLIGHT_TOKEN: TOKEN },
    });
    expect(await run(args, t.io, { retryDelayMs: 1 })).toBe(1);
    expect(t.stderr()).toMatch(/unrecognised response/);

    const bad = createTestIo();
    expect(
      await run(
        [
          'gate',
          'readiness',
          '--entity',
          'e',
          '--environment',
          'p',
          '--evidence',
          'novalue',
          '--dry-run',
        ],
        bad.io,
      ),
    ).toBe(2);
    expect(bad.stderr()).toMatch(/key=value/);
  });
});

describe('gate wait', () => {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** An io whose clock moves forward only when the command sleeps. */
  function clockedIo(env: Record<string, string>) {
    let now = Date.parse('2024-05-01T12:00:00Z');
    const t = createTestIo({
      env,
      now: () => new Date(now),
      sleep: async ms => {
        t.sleeps.push(ms);
        now += ms;
      },
    });
    return t;
  }

  it('polls until the rollout is promoted', async () => {
    server = await startServer([
      { status: 200, body: { id: 'r1', state: 'progressing' } },
      { status: 503, body: { error: { message: 'busy' } } },
      { status: 429, body: { error: { message: 'slow down' } } },
      { status: 200, body: { id: 'r1', state: 'progressing' } },
      { status: 200, body: { id: 'r1', state: 'promoted' } },
    ]);
    const t = clockedIo({
      GREENLIGHT_URL: server.url,
      GREENLIGHT_TOKEN: TOKEN,
    });
    const code = await run(
      [
        'gate',
        'wait',
        '--rollout',
        'r1',
        '--interval',
        '10s',
        '--attempts',
        '1',
      ],
      t.io,
    );
    expect(code).toBe(0);
    expect(server.requests.map(r => `${r.method} ${r.url}`)).toEqual(
      Array(5).fill('GET /api/greenlight/v1/rollouts/r1'),
    );
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(t.sleeps).toEqual([10_000, 10_000, 10_000, 10_000]);
    expect(t.stderr()).toMatch(
      /HTTP 429 Too Many Requests: slow down; still waiting/,
    );
    expect(t.stderr()).toMatch(/rollout r1: progressing/);
    expect(t.stdout()).toMatch(/Rollout r1 was promoted/);
  });

  it('exits 4 when the rollout is rolled back or aborted', async () => {
    server = await startServer([
      { status: 200, body: { rollout: { state: 'rolled_back' } } },
    ]);
    const t = clockedIo({
      GREENLIGHT_URL: server.url,
      GREENLIGHT_TOKEN: TOKEN,
    });
    expect(await run(['gate', 'wait', '--rollout', 'r2'], t.io)).toBe(4);
    expect(t.stdout()).toMatch(/ended rolled-back/);

    await server.close();
    server = await startServer([{ status: 200, body: { state: 'aborted' } }]);
    const t2 = clockedIo({
      GREENLIGHT_URL: server.url,
      GREENLIGHT_TOKEN: TOKEN,
    });
    expect(await run(['gate', 'wait', '--rollout', 'r2'], t2.io)).toBe(4);
  });

  it('exits 5 when the timeout passes first', async () => {
    server = await startServer([{ status: 200, body: { state: 'paused' } }]);
    const t = clockedIo({
      GREENLIGHT_URL: server.url,
      GREENLIGHT_TOKEN: TOKEN,
    });
    const code = await run(
      [
        'gate',
        'wait',
        '--rollout',
        'r3',
        '--timeout',
        '1m',
        '--interval',
        '25s',
      ],
      t.io,
    );
    expect(code).toBe(5);
    expect(t.sleeps).toEqual([25_000, 25_000, 10_000]);
    expect(server.requests).toHaveLength(4);
    expect(t.stdout()).toMatch(
      /Timed out after 60s waiting for rollout r3 \(last state: paused\)/,
    );
  });

  it('stops at once on an unknown rollout', async () => {
    server = await startServer([
      { status: 404, body: { error: { message: 'no such rollout' } } },
    ]);
    const t = clockedIo({
      GREENLIGHT_URL: server.url,
      GREENLIGHT_TOKEN: TOKEN,
    });
    expect(await run(['gate', 'wait', '--rollout', 'nope'], t.io)).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(t.stderr()).toMatch(
      /rollout nope not found: HTTP 404 Not Found: no such rollout/,
    );
  });
});
