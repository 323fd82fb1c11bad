import { z } from 'zod';

/**
 * The parts of GitHub REST API responses (version 2022-11-28) the backfill reads. Objects
 * are not strict: GitHub adds fields over time. Each is kept compact in `state`, so a
 * resumed run does not fetch again what it already listed.
 */

const isoTime = z.iso.datetime({ offset: true });
const gitSha = z.string().regex(/^[a-f0-9]{7,64}$/, 'must be a hex commit SHA');
const login = z.object({ login: z.string() }).nullish();

/** https://docs.github.com/rest/deployments/deployments#list-deployments */
export const deploymentSchema = z.object({
  id: z.number().int().positive(),
  sha: gitSha,
  environment: z.string().min(1),
  created_at: isoTime,
  creator: login,
});

export type GithubDeployment = {
  id: number;
  sha: string;
  environment: string;
  createdAt: string;
  creator?: string;
};

/** https://docs.github.com/rest/deployments/statuses#list-deployment-statuses */
export const deploymentStatusSchema = z.object({
  id: z.number().int().positive(),
  state: z.string(),
  environment: z.string().nullish(),
  created_at: isoTime,
  log_url: z.string().nullish(),
  target_url: z.string().nullish(),
});

export type GithubDeploymentStatus = {
  id: number;
  state: string;
  environment?: string;
  createdAt: string;
  url?: string;
};

/** https://docs.github.com/rest/pulls/pulls#list-pull-requests */
export const pullSchema = z.object({
  number: z.number().int().positive(),
  title: z.string().nullish(),
  merged_at: isoTime.nullish(),
  updated_at: isoTime,
  merge_commit_sha: z.string().nullish(),
  user: login,
});

export type GithubPull = {
  number: number;
  mergedAt?: string;
  updatedAt: string;
  mergeCommitSha?: string;
};

/** https://docs.github.com/rest/commits/commits#compare-two-commits */
export const comparisonSchema = z.object({
  status: z.string().optional(),
  total_commits: z.number().int().optional(),
  commits: z.array(
    z.object({
      sha: gitSha,
      author: login,
      commit: z.object({
        message: z.string(),
        author: z
          .object({ name: z.string().nullish(), date: isoTime })
          .nullish(),
        committer: z.object({ date: isoTime }).nullish(),
      }),
    }),
  ),
});

export type GithubComparison = z.infer<typeof comparisonSchema>;

/** Parses one item of a response, naming the field GitHub sent wrongly. */
export function parseItem<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `GitHub ${what}.${issue.path.map(String).join('.')}: ${issue.message}`,
    );
  }
  return parsed.data;
}

export const compactDeployment = (value: unknown): GithubDeployment => {
  const d = parseItem(deploymentSchema, value, 'deployment');
  return {
    id: d.id,
    sha: d.sha,
    environment: d.environment,
    createdAt: d.created_at,
    creator: d.creator?.login,
  };
};

const absoluteUrl = (value?: string | null) =>
  value && z.url().safeParse(value).success ? value : undefined;

export const compactStatus = (value: unknown): GithubDeploymentStatus => {
  const s = parseItem(deploymentStatusSchema, value, 'deployment_status');
  return {
    id: s.id,
    state: s.state,
    environment: s.environment ?? undefined,
    createdAt: s.created_at,
    url: absoluteUrl(s.log_url) ?? absoluteUrl(s.target_url),
  };
};

export const compactPull = (value: unknown): GithubPull => {
  const p = parseItem(pullSchema, value, 'pull_request');
  return {
    number: p.number,
    mergedAt: p.merged_at ?? undefined,
    updatedAt: p.updated_at,
    mergeCommitSha: p.merge_commit_sha ?? undefined,
  };
};
