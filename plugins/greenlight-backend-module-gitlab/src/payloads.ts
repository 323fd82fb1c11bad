import { z } from 'zod';

/**
 * The parts of GitLab's webhook payloads Greenlight reads ("Webhook events" in the GitLab
 * documentation). Unknown fields pass through unread.
 */
export const projectSchema = z.object({
  path_with_namespace: z.string().min(1).max(255),
  web_url: z.string(),
});

const userSchema = z
  .object({ username: z.string().optional(), name: z.string().optional() })
  .nullish();

/** `X-Gitlab-Event: Deployment Hook` */
export const deploymentEventSchema = z.object({
  object_kind: z.literal('deployment'),
  status: z.string(),
  status_changed_at: z.string().nullish(),
  deployment_id: z.number().int().positive().nullish(),
  deployable_id: z.number().int().positive().nullish(),
  deployable_url: z.string().nullish(),
  environment: z.string().min(1).max(100),
  project: projectSchema,
  short_sha: z.string().nullish(),
  commit_url: z.string().nullish(),
  user: userSchema,
});

/** `X-Gitlab-Event: Merge Request Hook` */
export const mergeRequestEventSchema = z.object({
  object_kind: z.literal('merge_request'),
  user: userSchema,
  project: projectSchema,
  object_attributes: z.object({
    iid: z.number().int().positive(),
    title: z.string().optional(),
    state: z.string().optional(),
    action: z.string().optional(),
    updated_at: z.string().nullish(),
    merged_at: z.string().nullish(),
    merge_commit_sha: z.string().nullish(),
    target_branch: z.string().optional(),
    last_commit: z
      .object({
        id: z.string(),
        timestamp: z.string().nullish(),
        author: z.object({ name: z.string().optional() }).nullish(),
      })
      .nullish(),
  }),
});

/** `X-Gitlab-Event: Pipeline Hook` */
export const pipelineEventSchema = z.object({
  object_kind: z.literal('pipeline'),
  project: projectSchema,
  object_attributes: z.object({
    id: z.number().int().positive(),
    ref: z.string().nullish(),
    sha: z.string(),
    status: z.string(),
    created_at: z.string().nullish(),
    finished_at: z.string().nullish(),
    url: z.string().nullish(),
  }),
});

export type GitlabProject = z.infer<typeof projectSchema>;
