import { rolloutStates } from './rolloutStates';
import { safeString } from '@greenlight/backstage-plugin-greenlight-common';
import { z } from 'zod';
import { timeParam } from '../router/validation';
import { manualActions } from './stateMachine';

/** OpenSLO as YAML text, one parsed document, or a list of documents. */
const gatesInput = z.union(
  [
    z
      .string()
      .min(1)
      .max(512 * 1024),
    z.record(z.string(), z.unknown()),
    z.array(z.record(z.string(), z.unknown())).min(1).max(50),
  ],
  { error: 'expected OpenSLO YAML text, a document or a list of documents' },
);

export const startRolloutSchema = z.object({
  entityRef: z.string().min(1),
  environment: safeString().min(1).max(100),
  deploymentId: safeString().min(1).max(255),
  artifactDigest: z
    .string()
    .regex(/^sha(256|384|512):[a-f0-9]{64,128}$/, 'must be sha256:<hex>')
    .optional(),
  strategy: z.enum(['canary', 'blue-green']),
  gates: gatesInput.optional(),
});

export const listRolloutsSchema = z
  .object({
    entityRef: z.string().min(1).optional(),
    deploymentId: z.string().min(1).optional(),
    state: z.enum(rolloutStates).optional(),
    active: z
      .enum(['true', 'false'])
      .transform(v => v === 'true')
      .optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  // Across the organisation only what is in progress: the history is read per entity.
  .refine(q => q.entityRef || q.deploymentId || q.active, {
    path: ['entityRef'],
    message: 'give entityRef, deploymentId or active=true',
  });

export const actionSchema = z
  .object({
    action: z.enum(manualActions as [string, ...string[]]),
    reason: z.string().trim().max(2000).optional(),
  })
  .refine(
    b =>
      !(b.action === 'rollback' || b.action === 'override') ||
      (b.reason && b.reason.length > 0),
    {
      path: ['reason'],
      message: 'a reason is required to roll back or override',
    },
  );

export const replaySchema = z.object({
  /** Replay is always of one entity: its permission scopes whose metrics may be read. */
  entityRef: z.string().min(1),
  /** Whose policy defaults (by tier) the gates are parsed with. */
  environment: safeString().min(1).max(100).default('production'),
  gates: gatesInput.optional(),
  from: timeParam,
  to: timeParam,
  stepSeconds: z.number().int().min(1).max(86_400).optional(),
});
