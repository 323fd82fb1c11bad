import { z } from 'zod';

/**
 * The parts of GitHub webhook payloads Greenlight reads
 * (https://docs.github.com/webhooks/webhook-events-and-payloads). Objects are not
 * strict: GitHub adds fields over time.
 */

const isoTime = z.iso.datetime({ offset: true });
const gitSha = z.string().regex(/^[a-f0-9]{7,64}$/, 'must be a hex commit SHA');
const user = z.object({ login: z.string().min(1) }).nullish();

export const repositorySchema = z.object({
  // GitHub refuses repository names ending in `.git`; one here would name the same slug as the
  // repository without it, under another secret (`webhookSecrets.ts`).
  full_name: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, 'must be <owner>/<repo>')
    .refine(name => !/\.git$/i.test(name), 'must not end in .git'),
  default_branch: z.string().optional(),
  master_branch: z.string().optional(),
  /** Epoch seconds in push payloads, an ISO timestamp elsewhere. */
  pushed_at: z.union([z.number(), z.string()]).nullish(),
});

export const deploymentSchema = z.object({
  id: z.union([z.number().int(), z.string().min(1)]),
  sha: gitSha,
  environment: z.string().min(1),
  creator: user,
  created_at: isoTime.optional(),
  payload: z.unknown().optional(),
});

export const deploymentEventSchema = z.object({
  action: z.string().optional(),
  deployment: deploymentSchema,
  repository: repositorySchema,
});

export const deploymentStatusEventSchema = z.object({
  action: z.string().optional(),
  deployment_status: z.object({
    id: z.number().int().positive(),
    state: z.string().min(1),
    environment: z.string().optional(),
    created_at: isoTime.optional(),
    log_url: z.string().nullish(),
    target_url: z.string().nullish(),
  }),
  deployment: deploymentSchema,
  repository: repositorySchema,
});

export const workflowRunEventSchema = z.object({
  action: z.string(),
  workflow_run: z.object({
    id: z.number().int(),
    run_attempt: z.number().int().positive().optional(),
    path: z.string().optional(),
    head_sha: gitSha,
    html_url: z.string().optional(),
    conclusion: z.string().nullish(),
    run_started_at: isoTime.nullish(),
    updated_at: isoTime.optional(),
  }),
  repository: repositorySchema,
});

export const pushEventSchema = z.object({
  ref: z.string(),
  after: gitSha,
  deleted: z.boolean().optional(),
  repository: repositorySchema,
  commits: z.array(
    z.object({
      id: gitSha,
      message: z.string(),
      timestamp: isoTime,
      author: z
        .object({
          name: z.string().optional(),
          username: z.string().optional(),
        })
        .optional(),
    }),
  ),
});
