import type {
  BuildView,
  CommitView,
} from '@greenlight/backstage-plugin-greenlight-common';

/** A deployment with the fields provenance, promotion and traceability read. */
export type DeploymentFacts = {
  id: string;
  entityRef: string | null;
  environment: string;
  artifactDigest: string | null;
  commitSha: string | null;
  status: string;
  intent: string;
  version: string | null;
  actor: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  sortTime: number;
  rollbackOf: string | null;
};

export type ArtifactFacts = {
  digest: string;
  entityRef: string | null;
  name: string;
  purl: string | null;
  buildId: string | null;
  commitSha: string | null;
  repository: string | null;
  createdAt: number | null;
};

/** Where a commit first arrived in an environment. */
export type CommitArrival = {
  environment: string;
  commitSha: string;
  firstDeploymentId: string;
  firstTime: number;
};

/** Reads of the delivery ledger that provenance and traceability need, batched per call. */
export interface TraceabilityStore {
  artifact(digest: string): Promise<ArtifactFacts | undefined>;
  artifactsOfCommit(commitSha: string): Promise<ArtifactFacts[]>;
  /** Which builds each artifact event named, for these digests (several builds may make one digest). */
  buildsNamedByArtifactEvents(
    digests: string[],
  ): Promise<Array<{ digest: string; buildId: string }>>;
  builds(ids: string[]): Promise<BuildView[]>;
  buildsOfCommit(commitSha: string): Promise<BuildView[]>;
  /**
   * Commit details by SHA, as the given entity's own events reported them (`commitDetailsOf`);
   * a short SHA and its full form find each other.
   */
  commits(shas: string[], entityRef: string): Promise<CommitView[]>;
  deployments(ids: string[]): Promise<DeploymentFacts[]>;
  deploymentsOfDigest(digest: string): Promise<DeploymentFacts[]>;
  /**
   * Deployments of these entities to these environments that share a digest or a commit
   * with the given ones: the evidence promotion verdicts are drawn from.
   */
  promotionEvidence(query: {
    entityRefs: string[];
    environments: string[];
    digests: string[];
    commits: string[];
  }): Promise<DeploymentFacts[]>;
  /** The latest successful deployment of the entity to the environment finished by `at`. */
  successfulDeploymentAt(
    entityRef: string,
    environment: string,
    at?: number,
  ): Promise<DeploymentFacts | undefined>;
  /** The first successful deployment after this one in its environment. */
  nextSuccessfulDeployment(
    deployment: DeploymentFacts,
  ): Promise<DeploymentFacts | undefined>;
  /** Environments the commit reached, matched by full SHA or prefix either way. */
  commitArrivals(entityRef: string, sha: string): Promise<CommitArrival[]>;
  /**
   * Successful deployments in the environment after `after` up to `until` (inclusive) that
   * either contain the commit or roll back another deployment; with the rolled-back
   * deployments' times.
   */
  commitHistory(query: {
    entityRef: string;
    environment: string;
    commitSha: string;
    after: number;
    until: number;
  }): Promise<
    Array<
      DeploymentFacts & {
        containsCommit: boolean;
        rollbackTargetTime: number | null;
      }
    >
  >;
  environmentsOf(entityRef: string): Promise<string[]>;
}
