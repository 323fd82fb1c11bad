#!/usr/bin/env node
// Prints the SLSA v1 provenance predicate of this GitLab CI build, from the job's
// predefined variables. JSON.stringify keeps branch names and paths from breaking the
// document. cosign signs it keylessly with the job's OIDC identity.
//
//   node scripts/provenance.mjs > provenance.json
const env = process.env;
const required = ['CI_PROJECT_URL', 'CI_COMMIT_SHA', 'CI_RUNNER_VERSION', 'CI_JOB_URL'];
const missing = required.filter(name => !env[name]);
if (missing.length) {
  console.error(`provenance.mjs runs in GitLab CI; missing ${missing.join(', ')}`);
  process.exit(2);
}

const builder = `https://gitlab.com/gitlab-org/gitlab-runner/-/blob/v${env.CI_RUNNER_VERSION}/PROVENANCE.md`;
const predicate = {
  buildDefinition: {
    buildType: builder,
    externalParameters: {
      repository: env.CI_PROJECT_URL,
      ref: env.CI_COMMIT_REF_NAME,
      entryPoint: env.CI_CONFIG_PATH || '.gitlab-ci.yml',
    },
    internalParameters: {
      pipelineId: env.CI_PIPELINE_ID,
      jobId: env.CI_JOB_ID,
      sourceDateEpoch: env.SOURCE_DATE_EPOCH,
    },
    resolvedDependencies: [
      {
        uri: `git+${env.CI_PROJECT_URL}@refs/heads/${env.CI_COMMIT_REF_NAME}`,
        digest: { gitCommit: env.CI_COMMIT_SHA },
      },
    ],
  },
  runDetails: {
    builder: { id: builder },
    metadata: {
      invocationId: env.CI_JOB_URL,
      startedOn: env.CI_JOB_STARTED_AT,
      finishedOn: new Date().toISOString(),
    },
  },
};
console.log(JSON.stringify(predicate, null, 2));
