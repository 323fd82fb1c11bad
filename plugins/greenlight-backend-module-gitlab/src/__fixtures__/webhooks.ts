/**
 * GitLab webhook payloads as GitLab's "Webhook events" documentation shows them
 * (docs.gitlab.com/user/project/integrations/webhook_events, GitLab 18.x): the payload
 * examples of "Deployment events", "Merge request events" and "Pipeline events", with the
 * project moved to `acme/payments` on `gitlab.example.com` and, where a test needs
 * another status or action, only that field changed. Fields Greenlight does not read are
 * kept as documented, shortened where long.
 */

const project = {
  id: 30,
  name: 'payments',
  description: '',
  web_url: 'https://gitlab.example.com/acme/payments',
  avatar_url: null,
  git_ssh_url: 'ssh://git@gitlab.example.com:2222/acme/payments.git',
  git_http_url: 'https://gitlab.example.com/acme/payments.git',
  namespace: 'Acme',
  visibility_level: 0,
  path_with_namespace: 'acme/payments',
  default_branch: 'main',
  ci_config_path: '',
  homepage: 'https://gitlab.example.com/acme/payments',
  url: 'ssh://git@gitlab.example.com:2222/acme/payments.git',
  ssh_url: 'ssh://git@gitlab.example.com:2222/acme/payments.git',
  http_url: 'https://gitlab.example.com/acme/payments.git',
};

const user = {
  id: 1,
  name: 'Administrator',
  username: 'root',
  avatar_url:
    'https://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=80&d=identicon',
  email: 'admin@example.com',
};

/** `X-Gitlab-Event: Deployment Hook` */
export const deploymentHook = (
  status: 'running' | 'success' | 'failed' | 'canceled' | 'created',
  statusChangedAt = '2021-04-28 21:50:00 +0200',
) => ({
  object_kind: 'deployment',
  status,
  status_changed_at: statusChangedAt,
  deployment_id: 15,
  deployable_id: 796,
  deployable_url: 'https://gitlab.example.com/acme/payments/-/jobs/796',
  environment: 'staging',
  environment_tier: 'staging',
  environment_slug: 'staging',
  environment_external_url: 'https://staging.example.com',
  project,
  short_sha: '279484c0',
  user,
  user_url: 'https://gitlab.example.com/root',
  commit_url:
    'https://gitlab.example.com/acme/payments/-/commit/279484c09fbe69ededfced8c1bb6e6d24616b468',
  commit_title: 'Add new file',
});

/** The merge commit of the merged example (not in the documented example, which is `open`). */
export const MERGE_COMMIT_SHA = '8a6f3c4e0d2b9a7f1e5c3b2a9d8e7f6a5b4c3d2e';

/**
 * `X-Gitlab-Event: Merge Request Hook` (the documented example; `action` varies). The
 * documented example is an `open`; a merged one also carries `merge_commit_sha`, which GitLab's
 * hook data includes (`Gitlab::HookData::MergeRequestBuilder`): the merge commit, or `null`
 * for a fast-forward merge, which adds no commit of its own.
 */
export const mergeRequestHook = (
  action: 'open' | 'merge' | 'update',
  options: { fastForward?: boolean } = {},
) => ({
  object_kind: 'merge_request',
  event_type: 'merge_request',
  user,
  project,
  repository: {
    name: 'payments',
    url: 'https://gitlab.example.com/acme/payments.git',
    description: '',
    homepage: 'https://gitlab.example.com/acme/payments',
  },
  object_attributes: {
    id: 99,
    iid: 1,
    target_branch: 'main',
    source_branch: 'ms-viewport',
    source_project_id: 30,
    author_id: 51,
    assignee_ids: [6],
    assignee_id: 6,
    reviewer_ids: [6],
    title: 'MS-Viewport',
    created_at: '2013-12-03T17:23:34Z',
    updated_at: '2013-12-03T17:23:34Z',
    last_edited_at: '2013-12-03T17:23:34Z',
    last_edited_by_id: 1,
    milestone_id: null,
    state_id: action === 'merge' ? 3 : 1,
    state: action === 'merge' ? 'merged' : 'opened',
    blocking_discussions_resolved: true,
    work_in_progress: false,
    draft: false,
    first_contribution: true,
    merge_status: 'unchecked',
    merge_commit_sha:
      action === 'merge' && !options.fastForward ? MERGE_COMMIT_SHA : null,
    target_project_id: 30,
    description: '',
    url: 'https://gitlab.example.com/acme/payments/-/merge_requests/1',
    source: project,
    target: project,
    last_commit: {
      id: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      message: 'fixed readme',
      title: 'Update file README.md',
      timestamp: '2012-01-03T23:36:29+02:00',
      url: 'https://gitlab.example.com/acme/payments/commits/da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      author: { name: 'GitLab dev user', email: 'gitlabdev@dv6700.(none)' },
    },
    labels: [],
    action,
    detailed_merge_status: 'mergeable',
  },
  labels: [],
  changes: {},
  assignees: [{ id: 6, name: 'User1', username: 'user1', avatar_url: null }],
  reviewers: [{ id: 6, name: 'User1', username: 'user1', avatar_url: null }],
});

/** `X-Gitlab-Event: Pipeline Hook` (the documented example; `status` varies). */
export const pipelineHook = (status: 'success' | 'failed' | 'running') => ({
  object_kind: 'pipeline',
  object_attributes: {
    id: 31,
    iid: 3,
    name: 'Pipeline for branch: main',
    ref: 'main',
    tag: false,
    sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
    before_sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
    source: 'merge_request_event',
    status,
    stages: ['build', 'test', 'deploy'],
    created_at: '2016-08-12 15:23:28 UTC',
    finished_at: status === 'running' ? null : '2016-08-12 15:26:29 UTC',
    duration: 63,
    variables: [{ key: 'NESTOR_PROD_ENVIRONMENT', value: 'us-west-1' }],
    url: 'https://gitlab.example.com/acme/payments/-/pipelines/31',
  },
  merge_request: {
    id: 1,
    iid: 1,
    title: 'Test',
    source_branch: 'test',
    source_project_id: 30,
    target_branch: 'main',
    target_project_id: 30,
    state: 'opened',
    merge_status: 'can_be_merged',
    detailed_merge_status: 'mergeable',
    url: 'https://gitlab.example.com/acme/payments/-/merge_requests/1',
  },
  user,
  project,
  commit: {
    id: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
    message: 'test\n',
    timestamp: '2016-08-12T17:23:21+02:00',
    url: 'https://gitlab.example.com/acme/payments/commit/bcbb5ec396a2c0f828686f14fac9b80b780504f2',
    author: { name: 'User', email: 'user@gitlab.com' },
  },
  builds: [
    {
      id: 377,
      stage: 'test',
      name: 'test-image',
      status: 'success',
      created_at: '2016-08-12 15:23:28 UTC',
      started_at: '2016-08-12 15:26:12 UTC',
      finished_at: '2016-08-12 15:26:29 UTC',
      duration: 17.0,
      queued_duration: 196.0,
      failure_reason: null,
      when: 'on_success',
      manual: false,
      allow_failure: false,
      user,
      runner: null,
      artifacts_file: { filename: null, size: null },
      environment: null,
    },
  ],
});
