import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { demoAttestations, DemoKeys } from './attestations';
import { DEMO_REPOSITORY } from './demoServices';

/**
 * DEMO ONLY: what a CI pipeline reports before a live canary goes to production — its build,
 * its artifact with SLSA provenance signed the way the demo signs that service's history
 * (demoAttestations), and a passing test run of that artifact — so a
 * canary, and the rollback that later restores an earlier canary's artifact, carry evidence.
 */
export function canaryEvidence(options: {
  service: string;
  deploymentId: string;
  digest: string;
  commitSha: string;
  /** When the pipeline finished, before the deployment starts. */
  at: number;
  keys?: DemoKeys;
}): GreenlightEvent[] {
  const { service, deploymentId, digest, commitSha, keys } = options;
  const repository = DEMO_REPOSITORY(service);
  const buildId = `${deploymentId}-build`;
  const finishedAt = new Date(options.at).toISOString();
  const attestations = keys
    ? demoAttestations(
        service,
        { name: service, digest, repository, commitSha, buildId },
        keys,
      )
    : [];
  return [
    {
      id: buildId,
      type: 'build',
      serviceId: service,
      build: {
        id: buildId,
        repository,
        commitSha,
        status: 'succeeded',
        startedAt: new Date(options.at - 6 * 60_000).toISOString(),
        finishedAt,
      },
    },
    {
      id: `${deploymentId}-artifact`,
      type: 'artifact',
      serviceId: service,
      artifact: {
        digest,
        name: service,
        purl: `pkg:oci/acme/${service}@${digest}`,
        buildId,
        commitSha,
        repository,
        createdAt: finishedAt,
      },
      ...(attestations.length > 0 ? { attestations } : {}),
    },
    {
      id: `${deploymentId}-tests`,
      type: 'test.run',
      serviceId: service,
      testRun: {
        id: `${deploymentId}-tests`,
        suite: 'integration',
        outcome: 'passed',
        buildId,
        commitSha,
        artifactDigest: digest,
        total: 212,
        failures: 0,
        finishedAt,
      },
    },
  ];
}
