import { z } from 'zod';

/**
 * The part of an Argo CD `v1alpha1Application` (API `GET /api/v1/applications/<name>`)
 * Greenlight reads. Unknown fields pass through unread. The history `id` is an int64,
 * which some API gateways serialise as a string.
 */
const historyEntrySchema = z.object({
  id: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]),
  revision: z.string().optional(),
  revisions: z.array(z.string()).optional(),
  deployedAt: z.string().optional(),
  deployStartedAt: z.string().optional(),
  initiatedBy: z
    .object({
      username: z.string().optional(),
      automated: z.boolean().optional(),
    })
    .optional(),
});

export const applicationSchema = z.object({
  metadata: z.object({
    name: z.string().min(1).max(253),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).nullish(),
  }),
  // The Argo CD project, checked against the instance's `projects` before anything is written.
  spec: z.object({ project: z.string().optional() }).nullish(),
  status: z
    .object({
      history: z.array(historyEntrySchema).nullish(),
      sync: z.object({ status: z.string().optional() }).nullish(),
      health: z.object({ status: z.string().optional() }).nullish(),
      operationState: z
        .object({
          phase: z.string().optional(),
          startedAt: z.string().optional(),
          finishedAt: z.string().optional(),
          syncResult: z.object({ revision: z.string().optional() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

export type Application = z.infer<typeof applicationSchema>;
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const applicationListSchema = z.object({
  items: z.array(applicationSchema).nullish(),
});
