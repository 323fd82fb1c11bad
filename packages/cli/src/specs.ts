import { ExitCode } from './errors';
import type { CommandSpec, OptionSpec } from './options';

/** Flags every command that talks to the server understands. */
export const connectionOptions: OptionSpec[] = [
  {
    name: 'url',
    type: 'string',
    value: '<url>',
    env: 'GREENLIGHT_URL',
    description:
      'Backstage base URL, e.g. https://backstage.example.com (the /api/greenlight/v1 path is added)',
  },
  {
    name: 'token',
    type: 'string',
    value: '<token>',
    env: 'GREENLIGHT_TOKEN',
    description:
      'Backstage external-access static token; prefer the environment variable so it stays out of process lists',
  },
  {
    name: 'dry-run',
    type: 'boolean',
    description:
      'Print the JSON that would be sent and exit; needs no URL or token',
  },
  {
    name: 'verbose',
    type: 'boolean',
    short: 'v',
    description: 'Log requests and responses to stderr (the token is masked)',
  },
  {
    name: 'attempts',
    type: 'string',
    value: '<n>',
    description:
      'Tries per request on network errors, 5xx, 408 and 429, with exponential backoff (default 3)',
  },
  { name: 'help', type: 'boolean', short: 'h', description: 'Show this help' },
];

/** Which catalog entity an event belongs to; the server tries them in this order. */
const subjectOptions: OptionSpec[] = [
  {
    name: 'entity',
    type: 'string',
    value: '<ref>',
    description: 'Catalog entity ref, e.g. component:default/payments',
  },
  {
    name: 'service-id',
    type: 'string',
    value: '<id>',
    description: 'Service id from the greenlight.dev/service-id annotation',
  },
  {
    name: 'artifact-purl',
    type: 'string',
    value: '<purl>',
    description:
      'Package URL matching the greenlight.dev/artifact annotation, e.g. pkg:oci/acme/payments',
  },
  {
    name: 'repository',
    type: 'string',
    value: '<repo>',
    description: 'Source repository, e.g. github.com/acme/payments',
  },
];

const idOption: OptionSpec = {
  name: 'id',
  type: 'string',
  value: '<id>',
  description:
    'Event id (idempotency key); by default derived from the event type, subject, id and status',
};

const recordShared = [
  { title: 'Subject (at least one)', options: subjectOptions },
  { title: 'Connection', options: connectionOptions },
];

const GHA_ENV = `    env:
      GREENLIGHT_URL: \${{ vars.GREENLIGHT_URL }}
      GREENLIGHT_TOKEN: \${{ secrets.GREENLIGHT_TOKEN }}`;

const JENKINS_CREDS = `withCredentials([string(credentialsId: 'greenlight-token', variable: 'GREENLIGHT_TOKEN')])`;

export const buildSpec: CommandSpec = {
  name: 'record build',
  summary: 'Record a finished build (CI run) of a component.',
  usage:
    'greenlight record build --build-id <id> [--status succeeded|failed] [options]',
  details:
    'Build ids are global in Greenlight: use an id that is unique across pipelines\n' +
    '(GitHub run id, GitLab pipeline id, Jenkins BUILD_TAG). CI result spellings such as\n' +
    'success, failure, SUCCESS, FAILURE and UNSTABLE are understood; a cancelled build is\n' +
    'not recorded (exit 0).',
  options: [
    {
      name: 'build-id',
      type: 'string',
      value: '<id>',
      required: true,
      description: 'Build id, unique across pipelines',
    },
    {
      name: 'build-url',
      type: 'string',
      value: '<url>',
      description: 'Link to the build in the CI system',
    },
    {
      name: 'commit',
      type: 'string',
      value: '<sha>',
      description: 'Commit SHA that was built',
    },
    {
      name: 'builder',
      type: 'string',
      value: '<id>',
      description: 'Builder id, e.g. github-actions, gitlab-ci, jenkins',
    },
    {
      name: 'build-type',
      type: 'string',
      value: '<type>',
      description: 'Build type, e.g. a SLSA buildType URI',
    },
    {
      name: 'status',
      type: 'string',
      value: '<status>',
      description: 'succeeded (default) or failed',
    },
    {
      name: 'started-at',
      type: 'string',
      value: '<time>',
      description: 'ISO 8601 time or epoch seconds/ms',
    },
    {
      name: 'finished-at',
      type: 'string',
      value: '<time>',
      description: 'ISO 8601 time or epoch seconds/ms (default: now)',
    },
    idOption,
  ],
  sharedOptions: recordShared,
  examples: [
    {
      title: 'GitHub Actions (last step of the job)',
      text: `  - if: always()
    run: >
      greenlight record build --entity component:default/payments
      --build-id "$GITHUB_RUN_ID"
      --build-url "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
      --commit "$GITHUB_SHA" --repository "github.com/$GITHUB_REPOSITORY"
      --builder github-actions --status "\${{ job.status }}"
${GHA_ENV}`,
    },
    {
      title:
        'GitLab CI (GREENLIGHT_URL and GREENLIGHT_TOKEN as masked CI/CD variables)',
      text: `  after_script:
    - greenlight record build --entity component:default/payments
        --build-id "gitlab-$CI_PIPELINE_ID" --build-url "$CI_PIPELINE_URL"
        --commit "$CI_COMMIT_SHA" --repository "$CI_SERVER_HOST/$CI_PROJECT_PATH"
        --builder gitlab-ci --started-at "$CI_PIPELINE_CREATED_AT" --status "$CI_JOB_STATUS"`,
    },
    {
      title: 'Jenkins (declarative pipeline)',
      text: `  post { always { ${JENKINS_CREDS} {
    sh """greenlight record build --entity component:default/payments \\\\
      --build-id "\\$BUILD_TAG" --build-url "\\$BUILD_URL" --commit "\\$GIT_COMMIT" \\\\
      --builder jenkins --status ${'${currentBuild.currentResult}'}"""
  } } }`,
    },
  ],
};

export const deploySpec: CommandSpec = {
  name: 'record deploy',
  summary: 'Record that a deployment started or finished.',
  usage:
    'greenlight record deploy --deployment-id <id> --environment <env> --status <status> [options]',
  details:
    '--status started sends deployment.started; succeeded, failed, rolled-back and cancelled\n' +
    'send deployment.finished. Send both with the same --deployment-id to measure duration.\n' +
    '--commits-from-git <from>..<to> reads the deployed commits with git log (the clone needs\n' +
    'that history) and also sends a commits event with their commit times, which lead time\n' +
    'for changes is computed from; it needs --repository.',
  options: [
    {
      name: 'deployment-id',
      type: 'string',
      value: '<id>',
      required: true,
      description: 'Deployment id, unique across pipelines',
    },
    {
      name: 'environment',
      type: 'string',
      value: '<env>',
      required: true,
      description: 'Target environment, e.g. production',
    },
    {
      name: 'status',
      type: 'string',
      value: '<status>',
      required: true,
      description: 'started | succeeded | failed | rolled-back | cancelled',
    },
    {
      name: 'digest',
      type: 'string',
      value: '<sha256:…>',
      description: 'Digest of the deployed artifact',
    },
    {
      name: 'version',
      type: 'string',
      value: '<version>',
      description: 'Deployed version',
    },
    {
      name: 'commit',
      type: 'string',
      value: '<sha>',
      description: 'Deployed commit SHA',
    },
    {
      name: 'commits',
      type: 'string',
      multiple: true,
      value: '<sha,…>',
      description: 'Commits this deployment brings (comma list or repeated)',
    },
    {
      name: 'commits-from-git',
      type: 'string',
      value: '<from>..<to>',
      description:
        'Read the deployed commits from git log and send their times too',
    },
    {
      name: 'repo-dir',
      type: 'string',
      value: '<path>',
      description: 'Where to run git (default: current directory)',
    },
    {
      name: 'strategy',
      type: 'string',
      value: '<strategy>',
      description: 'all-at-once (default) | rolling | blue-green | canary',
    },
    {
      name: 'intent',
      type: 'string',
      value: '<intent>',
      description: 'planned (default) | hotfix | rollback | revert',
    },
    {
      name: 'rollback-of',
      type: 'string',
      value: '<deployment-id>',
      description: 'The deployment this one rolls back',
    },
    {
      name: 'replaces',
      type: 'string',
      value: '<deployment-id>',
      description: 'The deployment this one replaces',
    },
    {
      name: 'actor',
      type: 'string',
      value: '<who>',
      description: 'Who triggered the deployment',
    },
    {
      name: 'source-system',
      type: 'string',
      value: '<name>',
      description: 'Deploying system, e.g. github-actions, argocd',
    },
    {
      name: 'deployment-url',
      type: 'string',
      value: '<url>',
      description: 'Link to the deployment',
    },
    {
      name: 'started-at',
      type: 'string',
      value: '<time>',
      description:
        'ISO 8601 time or epoch seconds/ms (default for started: now)',
    },
    {
      name: 'finished-at',
      type: 'string',
      value: '<time>',
      description:
        'ISO 8601 time or epoch seconds/ms (default for finished: now)',
    },
    idOption,
  ],
  sharedOptions: recordShared,
  examples: [
    {
      title:
        'GitHub Actions (checkout with fetch-depth: 0 for --commits-from-git)',
      text: `  - run: >
      greenlight record deploy --entity component:default/payments
      --deployment-id "gha-$GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT-production"
      --environment production --status started
${GHA_ENV}
  - run: ./deploy.sh
  - if: always()
    run: >
      greenlight record deploy --entity component:default/payments
      --deployment-id "gha-$GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT-production"
      --environment production --status "\${{ job.status }}"
      --commit "$GITHUB_SHA" --repository "github.com/$GITHUB_REPOSITORY"
      --commits-from-git "\${{ github.event.before }}..$GITHUB_SHA"
      --actor "$GITHUB_ACTOR" --source-system github-actions
${GHA_ENV}`,
    },
    {
      title: 'GitLab CI (variables: GIT_DEPTH: 0)',
      text: `  after_script:
    - greenlight record deploy --entity component:default/payments
        --deployment-id "gitlab-$CI_JOB_ID" --environment "$CI_ENVIRONMENT_NAME"
        --status "$CI_JOB_STATUS" --commit "$CI_COMMIT_SHA"
        --repository "$CI_SERVER_HOST/$CI_PROJECT_PATH"
        --commits-from-git "$CI_COMMIT_BEFORE_SHA..$CI_COMMIT_SHA"
        --actor "$GITLAB_USER_LOGIN" --source-system gitlab-ci`,
    },
    {
      title: 'Jenkins',
      text: `  ${JENKINS_CREDS} {
    sh """greenlight record deploy --entity component:default/payments \\\\
      --deployment-id "\\$BUILD_TAG-production" --environment production \\\\
      --status ${'${currentBuild.currentResult}'} --commit "\\$GIT_COMMIT" \\\\
      --repository github.com/acme/payments \\\\
      --commits-from-git "\\$GIT_PREVIOUS_SUCCESSFUL_COMMIT..\\$GIT_COMMIT" \\\\
      --source-system jenkins"""
  }`,
    },
  ],
};

export const incidentSpec: CommandSpec = {
  name: 'record incident',
  summary: 'Record that an incident was opened or resolved.',
  usage: 'greenlight record incident open|resolve --incident-id <id> [options]',
  positionals: 'open|resolve',
  details:
    'Incidents feed change failure rate and time to restore. --deployment-id ties the incident\n' +
    'to the deployment that caused it; --entity may be repeated for every affected entity.',
  options: [
    {
      name: 'incident-id',
      type: 'string',
      value: '<id>',
      required: true,
      description: 'Incident id in the incident tool, e.g. INC-1234',
    },
    {
      name: 'severity',
      type: 'string',
      value: '<sev>',
      description: 'Severity, e.g. sev1',
    },
    {
      name: 'title',
      type: 'string',
      value: '<text>',
      description: 'Short title (max 500 characters)',
    },
    {
      name: 'detected-at',
      type: 'string',
      value: '<time>',
      description: 'When it was detected (default for open: now)',
    },
    {
      name: 'resolved-at',
      type: 'string',
      value: '<time>',
      description: 'When it was resolved (default for resolve: now)',
    },
    {
      name: 'deployment-id',
      type: 'string',
      value: '<id>',
      description: 'The deployment blamed for the incident',
    },
    {
      name: 'evidence',
      type: 'string',
      value: '<text>',
      description: 'Why that deployment is blamed (max 2000 characters)',
    },
    idOption,
  ],
  sharedOptions: [
    {
      title: 'Subject (at least one)',
      options: [
        {
          ...subjectOptions[0],
          multiple: true,
          description: 'Affected catalog entity refs (comma list or repeated)',
        },
        ...subjectOptions.slice(1),
      ],
    },
    { title: 'Connection', options: connectionOptions },
  ],
  examples: [
    {
      title: 'From a shell or an incident tool webhook runner',
      text: `  greenlight record incident open --incident-id INC-1234 \\
    --entity component:default/payments --severity sev2 \\
    --title "Checkout returns 502" --detected-at 2024-05-01T10:02:00Z \\
    --deployment-id gha-9876543210-1-production --evidence "error rate rose 3 min after rollout"
  greenlight record incident resolve --incident-id INC-1234 \\
    --entity component:default/payments --resolved-at 2024-05-01T10:47:00Z`,
    },
    {
      title: 'GitHub Actions (workflow_dispatch with inputs)',
      text: `  - run: >
      greenlight record incident "\${{ inputs.action }}" --incident-id "\${{ inputs.incident }}"
      --entity "\${{ inputs.entity }}" --severity "\${{ inputs.severity }}"
${GHA_ENV}`,
    },
  ],
};

export const testsSpec: CommandSpec = {
  name: 'record tests',
  summary: 'Record the result of a test suite run.',
  usage:
    'greenlight record tests --suite <name> (--outcome <outcome> | --junit <file>) [options]',
  details:
    '--junit reads tests, failures, errors and skipped from the <testsuites>/<testsuite>\n' +
    'attributes of JUnit XML reports (repeat it for sharded runs; totals are added up).\n' +
    'The outcome is failed when a test failed, error when tests only errored, skipped when\n' +
    'nothing ran, passed otherwise. Flags given explicitly win over the report.\n' +
    'The test run id defaults to <suite>:<build id | commit | digest>[:<environment>].',
  options: [
    {
      name: 'suite',
      type: 'string',
      value: '<name>',
      description:
        'Suite name, e.g. unit, e2e (default: the JUnit report name)',
    },
    {
      name: 'outcome',
      type: 'string',
      value: '<outcome>',
      description: 'passed | failed | error | skipped',
    },
    {
      name: 'junit',
      type: 'string',
      multiple: true,
      value: '<file.xml>',
      description: 'JUnit XML report(s) to read totals and outcome from',
    },
    {
      name: 'total',
      type: 'string',
      value: '<n>',
      description: 'Number of tests',
    },
    {
      name: 'failures',
      type: 'string',
      value: '<n>',
      description: 'Number of failed tests',
    },
    {
      name: 'build-id',
      type: 'string',
      value: '<id>',
      description: 'Build the tests ran in',
    },
    {
      name: 'commit',
      type: 'string',
      value: '<sha>',
      description: 'Commit SHA tested',
    },
    {
      name: 'digest',
      type: 'string',
      value: '<sha256:…>',
      description: 'Artifact digest tested',
    },
    {
      name: 'environment',
      type: 'string',
      value: '<env>',
      description: 'Environment the tests ran against',
    },
    {
      name: 'run-id',
      type: 'string',
      value: '<id>',
      description: 'Test run id (default derived, see above)',
    },
    {
      name: 'test-url',
      type: 'string',
      value: '<url>',
      description: 'Link to the test report',
    },
    {
      name: 'started-at',
      type: 'string',
      value: '<time>',
      description: 'ISO 8601 time or epoch seconds/ms',
    },
    {
      name: 'finished-at',
      type: 'string',
      value: '<time>',
      description: 'ISO 8601 time or epoch seconds/ms (default: now)',
    },
    idOption,
  ],
  sharedOptions: recordShared,
  examples: [
    {
      title: 'GitHub Actions',
      text: `  - if: always()
    run: >
      greenlight record tests --entity component:default/payments --suite unit
      --junit reports/junit.xml --build-id "$GITHUB_RUN_ID" --commit "$GITHUB_SHA"
${GHA_ENV}`,
    },
    {
      title: 'GitLab CI',
      text: `  after_script:
    - greenlight record tests --entity component:default/payments --suite unit
        --junit reports/junit.xml --build-id "gitlab-$CI_PIPELINE_ID" --commit "$CI_COMMIT_SHA"
        --test-url "$CI_JOB_URL"`,
    },
    {
      title: 'Jenkins',
      text: `  ${JENKINS_CREDS} {
    sh 'greenlight record tests --entity component:default/payments --suite e2e --junit target/surefire-reports/TEST-e2e.xml --build-id "$BUILD_TAG" --commit "$GIT_COMMIT" --environment staging'
  }`,
    },
  ],
};

export const commitsSpec: CommandSpec = {
  name: 'record commits',
  summary: 'Record commits with their commit times, read from git log.',
  usage:
    'greenlight record commits --repository <repo> --from-git <from>..<to> [options]',
  details:
    'Runs git log <from>..<to> in --repo-dir and sends one commits event. Sending the same\n' +
    'commits again is a no-op: the event id is derived from the commit SHAs.',
  options: [
    {
      name: 'from-git',
      type: 'string',
      value: '<from>..<to>',
      required: true,
      description: 'Revision range to read',
    },
    {
      name: 'repo-dir',
      type: 'string',
      value: '<path>',
      description: 'Where to run git (default: current directory)',
    },
    idOption,
  ],
  sharedOptions: recordShared,
  examples: [
    {
      title: 'GitHub Actions (on push; actions/checkout with fetch-depth: 0)',
      text: `  - run: >
      greenlight record commits --entity component:default/payments
      --repository "github.com/$GITHUB_REPOSITORY"
      --from-git "\${{ github.event.before }}..$GITHUB_SHA"
${GHA_ENV}`,
    },
    {
      title: 'GitLab CI (GIT_DEPTH: 0)',
      text: `  script:
    - greenlight record commits --entity component:default/payments
        --repository "$CI_SERVER_HOST/$CI_PROJECT_PATH"
        --from-git "$CI_COMMIT_BEFORE_SHA..$CI_COMMIT_SHA"`,
    },
    {
      title: 'Jenkins',
      text: `  ${JENKINS_CREDS} {
    sh 'greenlight record commits --entity component:default/payments --repository github.com/acme/payments --from-git "$GIT_PREVIOUS_SUCCESSFUL_COMMIT..$GIT_COMMIT"'
  }`,
    },
  ],
};

export const artifactSpec: CommandSpec = {
  name: 'record artifact',
  summary:
    'Record a built artifact (e.g. a container image) and its attestations.',
  usage:
    'greenlight record artifact --digest <sha256:…> --name <name> [options]',
  details:
    '--attestation attaches a DSSE envelope or a Sigstore bundle read from a JSON file; the\n' +
    "media type is taken from the bundle's mediaType, or application/vnd.dsse.envelope.v1+json\n" +
    'for a DSSE envelope, unless --attestation-media-type says otherwise.',
  options: [
    {
      name: 'digest',
      type: 'string',
      value: '<sha256:…>',
      required: true,
      description: 'Artifact digest',
    },
    {
      name: 'name',
      type: 'string',
      value: '<name>',
      required: true,
      description: 'Artifact name, e.g. ghcr.io/acme/payments',
    },
    {
      name: 'purl',
      type: 'string',
      value: '<purl>',
      description: 'Package URL of the artifact',
    },
    {
      name: 'build-id',
      type: 'string',
      value: '<id>',
      description: 'Build that produced it',
    },
    {
      name: 'commit',
      type: 'string',
      value: '<sha>',
      description: 'Commit SHA it was built from',
    },
    {
      name: 'created-at',
      type: 'string',
      value: '<time>',
      description: 'ISO 8601 time or epoch seconds/ms (default: now)',
    },
    {
      name: 'attestation',
      type: 'string',
      multiple: true,
      value: '<file.json>',
      description: 'Attestation file (repeatable, max 20)',
    },
    {
      name: 'attestation-media-type',
      type: 'string',
      value: '<type>',
      description: 'Media type for all --attestation files',
    },
    idOption,
  ],
  sharedOptions: recordShared,
  examples: [
    {
      title: 'GitHub Actions (after docker/build-push-action with id: push)',
      text: `  - run: >
      greenlight record artifact --entity component:default/payments
      --digest "\${{ steps.push.outputs.digest }}" --name "ghcr.io/$GITHUB_REPOSITORY"
      --build-id "$GITHUB_RUN_ID" --commit "$GITHUB_SHA" --repository "github.com/$GITHUB_REPOSITORY"
${GHA_ENV}`,
    },
    {
      title: 'GitLab CI',
      text: `  script:
    - docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"
    - DIGEST=$(docker inspect --format='{{index .RepoDigests 0}}' "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" | cut -d@ -f2)
    - greenlight record artifact --entity component:default/payments --digest "$DIGEST"
        --name "$CI_REGISTRY_IMAGE" --build-id "gitlab-$CI_PIPELINE_ID" --commit "$CI_COMMIT_SHA"`,
    },
    {
      title: 'Jenkins',
      text: `  ${JENKINS_CREDS} {
    sh 'greenlight record artifact --entity component:default/payments --digest "$(cat image.digest)" --name registry.example.com/payments --build-id "$BUILD_TAG" --commit "$GIT_COMMIT" --attestation provenance.intoto.jsonl.json'
  }`,
    },
  ],
};

export const readinessSpec: CommandSpec = {
  name: 'gate readiness',
  summary:
    'Ask whether a change may go to an environment; exit 3 when it is blocked.',
  usage:
    'greenlight gate readiness --entity <ref> --environment <env> [--changed-files a,b] [--evidence key=value] [options]',
  details:
    'Posts to /api/greenlight/v1/readiness and prints the decision. When blocked, the missing\n' +
    `controls are listed and the exit code is ${ExitCode.Blocked}. --evidence values true/false and\n` +
    'numbers are sent as JSON booleans and numbers, everything else as strings.',
  options: [
    {
      name: 'entity',
      type: 'string',
      value: '<ref>',
      required: true,
      description: 'Catalog entity ref of the component',
    },
    {
      name: 'environment',
      type: 'string',
      value: '<env>',
      required: true,
      description: 'Target environment',
    },
    {
      name: 'changed-files',
      type: 'string',
      multiple: true,
      value: '<a,b>',
      description: 'Paths changed (comma list or repeated)',
    },
    {
      name: 'changed-files-from-git',
      type: 'string',
      value: '<from>..<to>',
      description: 'Take changed paths from git diff --name-only',
    },
    {
      name: 'repo-dir',
      type: 'string',
      value: '<path>',
      description: 'Where to run git (default: current directory)',
    },
    {
      name: 'commit-range',
      type: 'string',
      value: '<from>..<to>',
      description:
        'Commit range of the change (default: the --changed-files-from-git range)',
    },
    {
      name: 'labels',
      type: 'string',
      multiple: true,
      value: '<a,b>',
      description: 'Change labels, e.g. pull request labels',
    },
    {
      name: 'evidence',
      type: 'string',
      multiple: true,
      value: '<key=value>',
      description: 'Evidence for controls (repeatable)',
    },
    {
      name: 'json',
      type: 'boolean',
      description: "Print the server's decision as JSON on stdout",
    },
    {
      name: 'max-wait',
      type: 'string',
      value: '<duration>',
      description:
        'When only a change window or freeze blocks, wait up to this long (e.g. 2h) for the next allowed time (default: do not wait)',
    },
  ],
  sharedOptions: [{ title: 'Connection', options: connectionOptions }],
  examples: [
    {
      title: 'GitHub Actions (pull request)',
      text: `  - run: >
      greenlight gate readiness --entity component:default/payments --environment production
      --changed-files-from-git "\${{ github.event.pull_request.base.sha }}..\${{ github.event.pull_request.head.sha }}"
      --labels "\${{ join(github.event.pull_request.labels.*.name, ',') }}"
      --evidence tests=passed --evidence coverage=84
${GHA_ENV}`,
    },
    {
      title: 'GitLab CI (merge request pipeline)',
      text: `  script:
    - greenlight gate readiness --entity component:default/payments --environment production
        --changed-files-from-git "$CI_MERGE_REQUEST_DIFF_BASE_SHA..$CI_COMMIT_SHA"
        --labels "$CI_MERGE_REQUEST_LABELS" --evidence tests=passed`,
    },
    {
      title: 'Jenkins',
      text: `  ${JENKINS_CREDS} {
    sh 'greenlight gate readiness --entity component:default/payments --environment production --changed-files-from-git "$GIT_PREVIOUS_SUCCESSFUL_COMMIT..$GIT_COMMIT" --evidence tests=passed'
  }`,
    },
  ],
};

export const waitSpec: CommandSpec = {
  name: 'gate wait',
  summary:
    'Wait until a rollout is promoted (exit 0) or rolled back/aborted (exit 4).',
  usage:
    'greenlight gate wait --rollout <id> [--timeout 30m] [--interval 15s] [options]',
  details:
    'Polls /api/greenlight/v1/rollouts/<id> and prints each state change. Transient errors\n' +
    `are retried until the timeout; when it passes without a final state the exit code is ${ExitCode.Timeout}.`,
  options: [
    {
      name: 'rollout',
      type: 'string',
      value: '<id>',
      required: true,
      description: 'Rollout id',
    },
    {
      name: 'timeout',
      type: 'string',
      value: '<duration>',
      description: 'Give up after this long, e.g. 45m (default 30m)',
    },
    {
      name: 'interval',
      type: 'string',
      value: '<duration>',
      description: 'Time between polls (default 15s)',
    },
    {
      name: 'json',
      type: 'boolean',
      description: 'Print the final rollout as JSON on stdout',
    },
  ],
  sharedOptions: [{ title: 'Connection', options: connectionOptions }],
  examples: [
    {
      title: 'GitHub Actions',
      text: `  - run: greenlight gate wait --rollout "\${{ steps.deploy.outputs.rollout-id }}" --timeout 45m
${GHA_ENV}`,
    },
    {
      title: 'GitLab CI',
      text: `  script:
    - greenlight gate wait --rollout "$ROLLOUT_ID" --timeout 45m --interval 30s`,
    },
    {
      title: 'Jenkins',
      text: `  ${JENKINS_CREDS} {
    sh 'greenlight gate wait --rollout "$ROLLOUT_ID" --timeout 45m'
  }`,
    },
  ],
};

export const recordSpecs: Record<string, CommandSpec> = {
  build: buildSpec,
  deploy: deploySpec,
  incident: incidentSpec,
  tests: testsSpec,
  commits: commitsSpec,
  artifact: artifactSpec,
};

export const gateSpecs: Record<string, CommandSpec> = {
  readiness: readinessSpec,
  wait: waitSpec,
};
