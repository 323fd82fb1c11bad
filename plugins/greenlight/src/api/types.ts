/** Shapes the Greenlight backend answers with; see docs/api.md. */

export type EnvironmentState = {
  name: string;
  tier: string;
  order: number;
  current: {
    releaseId: string;
    artifactDigest: string | null;
    version: string | null;
    commitSha: string | null;
    since: string | null;
    actor: string | null;
  } | null;
  waiting: { count: number; commits: CommitView[] };
};

export type CommitView = {
  sha: string;
  repository: string | null;
  author: string | null;
  title: string | null;
  prNumber: number | null;
  committedAt: string | null;
  mergedAt: string | null;
};

export type Release = {
  id: string;
  entityRef: string | null;
  environment: string;
  status: string;
  strategy: string;
  intent: string;
  version: string | null;
  commitSha: string | null;
  artifact: { digest: string; name: string | null; purl: string | null; buildId: string | null } | null;
  actor: string | null;
  sourceSystem: string | null;
  url: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  newCommitCount: number;
  rollbackOf: string | null;
  replaces: string | null;
  rolledBackBy: string[];
};

export type ReleasePage = { items: Release[]; nextCursor?: string };

export type ReleaseQuery = {
  entityRef: string;
  environment?: string;
  status?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
};
