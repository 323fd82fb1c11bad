import {
  GreenlightEvent,
  greenlightEventSchema,
} from '@greenlight/backstage-plugin-greenlight-common';
import { IngestOutcome } from '../outcome';
import {
  deploymentEvent,
  deploymentStatusEvent,
  DIGEST,
  HEAD_SHA,
  PARENT_SHA,
  pushEvent,
  workflowRunEvent,
} from './__testUtils__/payloads';
import { mapGithubWebhook } from './mapWebhook';

const DEPLOYMENT_ID = 'github.com/acme/payments/deployments/987654';

const map = (event: string, payload: unknown): IngestOutcome =>
  mapGithubWebhook({ event, payload });

function mapped(event: string, payload: unknown): GreenlightEvent[] {
  const result = map(event, payload);
  if (result.outcome !== 'mapped') {
    throw new Error(`expected mapped, got ${JSON.stringify(result)}`);
  }
  for (const native of result.events) {
    expect(greenlightEventSchema.parse(native)).toEqual(native);
  }
  return result.events;
}

describe('deployment', () => {
  it('maps a created deployment to deployment.started', () => {
    expect(mapped('deployment', deploymentEvent())).toEqual([
      {
        id: `${DEPLOYMENT_ID}/created`,
        type: 'deployment.started',
        time: '2024-05-02T10:00:00Z',
        repository: 'github.com/acme/payments',
        deployment: {
          id: DEPLOYMENT_ID,
          environment: 'production',
          commitSha: HEAD_SHA,
          strategy: 'all-at-once',
          status: 'started',
          startedAt: '2024-05-02T10:00:00Z',
          actor: 'octocat',
          sourceSystem: 'github',
          intent: 'planned',
        },
      },
    ]);
  });

  it('reads Greenlight extras from the deployment payload, as an object or JSON text', () => {
    const extras = {
      greenlight: {
        digest: DIGEST,
        strategy: 'canary',
        intent: 'rollback',
        rollbackOf: 987000,
        entityRef: 'component:default/payments',
        artifactPurl: 'pkg:oci/acme/payments@1.2.3',
      },
      other: 'kept for other tools',
    };
    for (const payload of [extras, JSON.stringify(extras)]) {
      const [event] = mapped('deployment', deploymentEvent(payload));
      expect(event).toMatchObject({
        entityRef: 'component:default/payments',
        artifactPurl: 'pkg:oci/acme/payments',
        repository: 'github.com/acme/payments',
        deployment: {
          artifactDigest: DIGEST,
          strategy: 'canary',
          intent: 'rollback',
          rollbackOf: 'github.com/acme/payments/deployments/987000',
        },
      });
    }
  });

  it('reports malformed Greenlight extras at their path', () => {
    const result = map(
      'deployment',
      deploymentEvent({ greenlight: { digest: 'latest' } }),
    );
    expect(result).toMatchObject({
      outcome: 'invalid',
      path: 'deployment.payload.greenlight.digest',
    });
  });

  it('refuses a repository name ending in .git, which GitHub never sends', () => {
    const payload = deploymentEvent();
    payload.repository = {
      ...payload.repository,
      full_name: 'acme/payments.git',
    };
    expect(map('deployment', payload)).toMatchObject({
      outcome: 'invalid',
      path: 'repository.full_name',
      message: 'must not end in .git',
    });
  });

  it('reports a payload without deployment', () => {
    const { deployment: _omitted, ...payload } = deploymentEvent();
    expect(map('deployment', payload)).toMatchObject({
      outcome: 'invalid',
      path: 'deployment',
    });
  });
});

describe('deployment_status', () => {
  it.each([
    ['success', 'succeeded'],
    ['failure', 'failed'],
    ['error', 'failed'],
    ['inactive', 'cancelled'],
  ])('maps state %s to a deployment finished as %s', (state, status) => {
    expect(mapped('deployment_status', deploymentStatusEvent(state))).toEqual([
      {
        id: `${DEPLOYMENT_ID}/statuses/555`,
        type: 'deployment.finished',
        time: '2024-05-02T10:07:30Z',
        repository: 'github.com/acme/payments',
        deployment: {
          id: DEPLOYMENT_ID,
          environment: 'production',
          commitSha: HEAD_SHA,
          strategy: 'all-at-once',
          status,
          startedAt: '2024-05-02T10:00:00Z',
          finishedAt: '2024-05-02T10:07:30Z',
          actor: 'octocat',
          sourceSystem: 'github',
          url: 'https://ci.example.com/deploys/42/log',
          intent: 'planned',
        },
      },
    ]);
  });

  it('carries the extras of the deployment it reports on', () => {
    const [event] = mapped(
      'deployment_status',
      deploymentStatusEvent('success', {
        greenlight: { digest: DIGEST, strategy: 'blue-green' },
      }),
    );
    expect(event).toMatchObject({
      deployment: { artifactDigest: DIGEST, strategy: 'blue-green' },
    });
  });

  it.each(['pending', 'queued', 'in_progress'])('ignores state %s', state => {
    expect(
      map('deployment_status', deploymentStatusEvent(state)),
    ).toMatchObject({
      outcome: 'ignored',
    });
  });
});

describe('workflow_run', () => {
  it('maps a completed run to a build', () => {
    expect(mapped('workflow_run', workflowRunEvent('success'))).toEqual([
      {
        id: 'github.com/acme/payments/actions/runs/30433642/attempts/2/completed',
        type: 'build',
        time: '2024-05-02T10:04:41Z',
        repository: 'github.com/acme/payments',
        build: {
          id: 'github.com/acme/payments/actions/runs/30433642/attempts/2',
          url: 'https://github.com/acme/payments/actions/runs/30433642',
          repository: 'github.com/acme/payments',
          commitSha: HEAD_SHA,
          builder: 'https://github.com/acme/payments/.github/workflows/ci.yml',
          buildType: 'https://actions.github.io/buildtypes/workflow/v1',
          status: 'succeeded',
          startedAt: '2024-05-02T09:58:12Z',
          finishedAt: '2024-05-02T10:04:41Z',
        },
      },
    ]);
  });

  it.each(['failure', 'timed_out', 'startup_failure'])(
    'maps conclusion %s to a failed build',
    c => {
      const [event] = mapped('workflow_run', workflowRunEvent(c));
      expect(event).toMatchObject({ build: { status: 'failed' } });
    },
  );

  it.each([
    'cancelled',
    'skipped',
    'neutral',
    'action_required',
    'stale',
    null,
  ])('ignores conclusion %p', conclusion => {
    expect(map('workflow_run', workflowRunEvent(conclusion))).toMatchObject({
      outcome: 'ignored',
    });
  });

  it('ignores runs that are not completed', () => {
    expect(
      map('workflow_run', workflowRunEvent(null, 'in_progress')),
    ).toMatchObject({
      outcome: 'ignored',
    });
  });
});

describe('push', () => {
  it('maps a default-branch push to one commits event', () => {
    expect(mapped('push', pushEvent())).toEqual([
      {
        id: `github.com/acme/payments/pushes/refs/heads/main/${HEAD_SHA}`,
        type: 'commits',
        time: '2024-05-02T09:58:00.000Z',
        repository: 'github.com/acme/payments',
        commits: [
          {
            sha: PARENT_SHA,
            repository: 'github.com/acme/payments',
            committedAt: '2024-05-01T16:20:00+02:00',
            mergedAt: '2024-05-02T09:58:00.000Z',
            author: 'mona',
            title: 'Validate refund amounts',
          },
          {
            sha: HEAD_SHA,
            repository: 'github.com/acme/payments',
            committedAt: '2024-05-02T09:57:59Z',
            mergedAt: '2024-05-02T09:58:00.000Z',
            author: 'The Octocat',
            title: 'Merge pull request #17 from acme/refunds',
            prNumber: 17,
          },
        ],
      },
    ]);
  });

  it('reads the pull request of a squash-merge title', () => {
    const payload = pushEvent();
    payload.commits[0].message = 'Add refunds endpoint (#18)\n\n* wip';
    const [event] = mapped('push', payload);
    expect(event).toMatchObject({ commits: [{ prNumber: 18 }, {}] });
  });

  it.each([
    ['a feature branch', pushEvent('refs/heads/feature/refunds')],
    ['a tag', pushEvent('refs/tags/v1.2.0')],
    ['a deleted branch', { ...pushEvent(), deleted: true, commits: [] }],
    ['no commits', { ...pushEvent(), commits: [] }],
  ])('ignores a push of %s', (_label, payload) => {
    expect(map('push', payload)).toMatchObject({ outcome: 'ignored' });
  });

  it('replaces in a commit title what the ledger does not store, keeping the rest', () => {
    const payload = pushEvent();
    payload.commits[0].message =
      'Fix \u001b[31mred\u001b[0m totals \u202e (#19)\n\nbody';
    const [event] = mapped('push', payload);
    expect(event).toMatchObject({
      commits: [
        {
          title: 'Fix \uFFFD[31mred\uFFFD[0m totals \uFFFD (#19)',
          prNumber: 19,
        },
        {},
      ],
    });
  });

  it('reports a commit without a valid SHA at its path', () => {
    const payload = pushEvent();
    payload.commits[1].id = 'not-a-sha';
    expect(map('push', payload)).toMatchObject({
      outcome: 'invalid',
      path: 'commits.1.id',
    });
  });
});

describe('mapGithubWebhook', () => {
  it.each(['ping', 'issues', 'pull_request', 'check_run'])(
    'ignores %s events',
    event => {
      expect(map(event, { zen: 'Keep it logically awesome.' })).toMatchObject({
        outcome: 'ignored',
      });
    },
  );

  it('requires the event header', () => {
    expect(mapGithubWebhook({ event: undefined, payload: {} })).toMatchObject({
      outcome: 'invalid',
      path: 'X-GitHub-Event',
    });
  });

  it('names each event by its signed content, so a replay under a new delivery id is a duplicate', () => {
    const ids = [
      mapped('deployment', deploymentEvent()),
      mapped('deployment_status', deploymentStatusEvent('success')),
      mapped('workflow_run', workflowRunEvent('success')),
      mapped('push', pushEvent()),
    ].map(([event]) => event.id);
    expect(ids).toEqual([
      `${DEPLOYMENT_ID}/created`,
      `${DEPLOYMENT_ID}/statuses/555`,
      'github.com/acme/payments/actions/runs/30433642/attempts/2/completed',
      `github.com/acme/payments/pushes/refs/heads/main/${HEAD_SHA}`,
    ]);
  });

  it('does not treat prototype names as event types', () => {
    expect(map('constructor', {})).toMatchObject({ outcome: 'ignored' });
  });
});
