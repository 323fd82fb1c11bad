import { PolicyViolation } from '@greenlight/backstage-plugin-greenlight-common';
import { LedgerDeployment } from './ledgerFacts';

/** A production deployment without passing test evidence before it, as a violation. */
export function untestedDeploymentViolation(
  d: LedgerDeployment,
  entityRef: string,
  enforced: boolean,
): PolicyViolation {
  return {
    kind: 'untested-production-deployment',
    entityRef,
    releaseId: d.id,
    environment: d.environment,
    at: new Date(d.sortTime).toISOString(),
    artifactDigest: d.artifactDigest,
    commitSha: d.commitSha ?? d.artifactCommitSha,
    enforced,
    reason: `no passing test run by artifact ${d.artifactDigest ?? '(none)'}, build ${d.buildId ?? '(none)'} or commit ${d.commitSha ?? '(none)'} finished before the deployment started`,
  };
}
