/**
 * Minimal webhook payloads in the shapes GitHub documents
 * (https://docs.github.com/webhooks/webhook-events-and-payloads), trimmed to a
 * realistic subset of fields.
 */

export const HEAD_SHA = 'c4a1f7e2b9d04e3a8f6b5c2d1e0f9a8b7c6d5e4f';
export const PARENT_SHA = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432';
export const DIGEST =
  'sha256:9b2c1f3e4d5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c';

const user = (login: string) => ({
  login,
  id: 1001,
  type: 'User',
  html_url: `https://github.com/${login}`,
});

export const repository = () => ({
  id: 123456,
  node_id: 'R_kgDOAbCdEf',
  name: 'payments',
  full_name: 'acme/payments',
  private: true,
  owner: user('acme'),
  html_url: 'https://github.com/acme/payments',
  default_branch: 'main',
  pushed_at: '2024-05-02T09:58:00Z',
});

export const deployment = (payload: unknown = {}) => ({
  url: 'https://api.github.com/repos/acme/payments/deployments/987654',
  id: 987654,
  node_id: 'DE_kwDOAbCdEf',
  sha: HEAD_SHA,
  ref: 'main',
  task: 'deploy',
  payload,
  original_environment: 'production',
  environment: 'production',
  description: 'Deploy payments',
  creator: user('octocat'),
  created_at: '2024-05-02T10:00:00Z',
  updated_at: '2024-05-02T10:00:00Z',
  statuses_url:
    'https://api.github.com/repos/acme/payments/deployments/987654/statuses',
  repository_url: 'https://api.github.com/repos/acme/payments',
  transient_environment: false,
  production_environment: true,
});

export const deploymentEvent = (payload?: unknown) => ({
  action: 'created',
  deployment: deployment(payload),
  repository: repository(),
  sender: user('octocat'),
});

export const deploymentStatusEvent = (state: string, payload?: unknown) => ({
  action: 'created',
  deployment_status: {
    url: 'https://api.github.com/repos/acme/payments/deployments/987654/statuses/555',
    id: 555,
    state,
    creator: user('deploy-bot'),
    description: `Deployment ${state}`,
    environment: 'production',
    target_url: 'https://ci.example.com/deploys/42',
    log_url: 'https://ci.example.com/deploys/42/log',
    environment_url: 'https://payments.example.com',
    created_at: '2024-05-02T10:07:30Z',
    updated_at: '2024-05-02T10:07:30Z',
  },
  deployment: deployment(payload),
  repository: repository(),
  sender: user('deploy-bot'),
});

export const workflowRunEvent = (
  conclusion: string | null,
  action = 'completed',
) => ({
  action,
  workflow: { id: 161335, name: 'CI', path: '.github/workflows/ci.yml' },
  workflow_run: {
    id: 30433642,
    name: 'CI',
    head_branch: 'main',
    head_sha: HEAD_SHA,
    path: '.github/workflows/ci.yml',
    display_title: 'Add refunds endpoint',
    run_number: 562,
    event: 'push',
    status: 'completed',
    conclusion,
    workflow_id: 161335,
    html_url: 'https://github.com/acme/payments/actions/runs/30433642',
    created_at: '2024-05-02T09:58:10Z',
    updated_at: '2024-05-02T10:04:41Z',
    run_attempt: 2,
    run_started_at: '2024-05-02T09:58:12Z',
    head_commit: { id: HEAD_SHA, message: 'Add refunds endpoint (#17)' },
    repository: { id: 123456, full_name: 'acme/payments' },
  },
  repository: repository(),
  sender: user('octocat'),
});

export const pushEvent = (ref = 'refs/heads/main') => ({
  ref,
  before: '0000000000000000000000000000000000000001',
  after: HEAD_SHA,
  created: false,
  deleted: false,
  forced: false,
  compare:
    'https://github.com/acme/payments/compare/000000000001...c4a1f7e2b9d0',
  commits: [
    {
      id: PARENT_SHA,
      tree_id: 'f00df00df00df00df00df00df00df00df00df00d',
      distinct: true,
      message: 'Validate refund amounts\n\nRejects negative values.',
      timestamp: '2024-05-01T16:20:00+02:00',
      url: `https://github.com/acme/payments/commit/${PARENT_SHA}`,
      author: {
        name: 'Mona Lisa',
        email: 'mona@example.com',
        username: 'mona',
      },
      committer: {
        name: 'Mona Lisa',
        email: 'mona@example.com',
        username: 'mona',
      },
    },
    {
      id: HEAD_SHA,
      tree_id: 'beefbeefbeefbeefbeefbeefbeefbeefbeefbeef',
      distinct: true,
      message:
        'Merge pull request #17 from acme/refunds\n\nAdd refunds endpoint',
      timestamp: '2024-05-02T09:57:59Z',
      url: `https://github.com/acme/payments/commit/${HEAD_SHA}`,
      author: { name: 'The Octocat', email: 'octocat@example.com' },
      committer: {
        name: 'GitHub',
        email: 'noreply@github.com',
        username: 'web-flow',
      },
    },
  ],
  head_commit: { id: HEAD_SHA },
  // Push payloads give repository times as epoch seconds.
  repository: {
    ...repository(),
    pushed_at: 1714643880,
    created_at: 1600000000,
  },
  pusher: { name: 'octocat', email: 'octocat@example.com' },
  sender: user('octocat'),
});
