import { z } from 'zod';
import { entityRefString, safeString, safeText } from './strings';

/**
 * An OCI-style content digest: `sha256:` followed by 64 lowercase hex digits.
 *
 * @public
 */
export const digestSchema = z
  .string()
  .regex(/^sha(256|384|512):[a-f0-9]{64,128}$/, 'must be sha256:<hex>');

const isoTime = z.iso.datetime({ offset: true });
const gitSha = safeString().regex(/^[a-f0-9]{7,64}$/, 'must be a hex commit SHA');

/** @public */
export const deploymentStrategies = [
  'all-at-once',
  'rolling',
  'blue-green',
  'canary',
] as const;
/** @public */
export const deploymentStatuses = [
  'started',
  'succeeded',
  'failed',
  'rolled-back',
  'cancelled',
] as const;
/** @public */
export const changeIntents = ['planned', 'hotfix', 'rollback', 'revert'] as const;

/** Fields that say which catalog entity an event belongs to, tried in this order. */
/**
 * Identifiers become keys of 255-character columns (`deployment:<id>` and the like), so
 * they are limited to 200 characters; other fields to the size of their column.
 */
const identifier = () => safeString().min(1).max(200);

const subject = {
  entityRef: entityRefString().optional(),
  serviceId: safeString().min(1).max(255).optional(),
  artifactPurl: safeString().min(1).max(1000).optional(),
  repository: safeString().min(1).max(255).optional(),
};

const envelope = {
  /** Idempotency key: posting an event with the same id again is a no-op. */
  id: identifier(),
  /** When the event happened at its source; defaults to the time it was received. */
  time: isoTime.optional(),
  ...subject,
};

/** @public */
export const commitSchema = z.object({
  sha: gitSha,
  repository: safeString().min(1).max(255),
  authoredAt: isoTime.optional(),
  committedAt: isoTime,
  mergedAt: isoTime.optional(),
  author: safeString().max(255).optional(),
  prNumber: z.number().int().positive().optional(),
  title: safeText().max(500).optional(),
});

/** @public */
export const buildSchema = z.object({
  id: identifier(),
  url: z.url().optional(),
  repository: safeString().min(1).max(255).optional(),
  commitSha: gitSha.optional(),
  builder: safeString().max(1000).optional(),
  buildType: safeString().max(1000).optional(),
  inputsDigest: safeString().max(255).optional(),
  status: z.enum(['succeeded', 'failed']).default('succeeded'),
  startedAt: isoTime.optional(),
  finishedAt: isoTime.optional(),
});

/** @public */
export const artifactSchema = z.object({
  digest: digestSchema,
  name: safeString().min(1).max(500),
  purl: safeString().max(1000).optional(),
  buildId: identifier().optional(),
  commitSha: gitSha.optional(),
  repository: safeString().max(255).optional(),
  createdAt: isoTime.optional(),
});

/**
 * A DSSE envelope or a Sigstore bundle, stored as received and verified by the backend.
 *
 * @public
 */
export const attestationInputSchema = z.object({
  mediaType: safeString().min(1).max(255),
  content: z.record(safeString(), z.unknown()),
});

/** @public */
export const deploymentSchema = z.object({
  id: identifier(),
  environment: safeString().min(1).max(100),
  artifactDigest: digestSchema.optional(),
  version: safeString().max(255).optional(),
  commitSha: gitSha.optional(),
  /** The commits this deployment contains that the environment may not have had yet. */
  commits: z.array(gitSha).max(10_000).optional(),
  strategy: z.enum(deploymentStrategies).default('all-at-once'),
  status: z.enum(deploymentStatuses),
  startedAt: isoTime.optional(),
  finishedAt: isoTime.optional(),
  actor: safeString().max(255).optional(),
  sourceSystem: safeString().max(100).optional(),
  url: z.url().optional(),
  /** The deployment this one rolls back or replaces. */
  rollbackOf: identifier().optional(),
  replaces: identifier().optional(),
  intent: z.enum(changeIntents).default('planned'),
});

/** @public */
export const incidentSchema = z.object({
  id: identifier(),
  entityRefs: z.array(entityRefString()).max(100).optional(),
  severity: safeString().max(32).optional(),
  title: safeText().max(500).optional(),
  detectedAt: isoTime.optional(),
  resolvedAt: isoTime.optional(),
  /** The deployment blamed, with the evidence that ties them together. */
  deploymentId: identifier().optional(),
  evidence: safeText().max(2000).optional(),
  /**
   * Where it was seen: with both set and no `deploymentId`, the incident is attributed
   * to the deployment of this artifact that was running in this environment when it was
   * detected, if there is one.
   */
  environment: safeString().min(1).max(100).optional(),
  artifactDigest: digestSchema.optional(),
});

/** @public */
export const testRunSchema = z.object({
  id: identifier(),
  suite: safeString().min(1).max(255),
  outcome: z.enum(['passed', 'failed', 'error', 'skipped']),
  buildId: identifier().optional(),
  commitSha: gitSha.optional(),
  artifactDigest: digestSchema.optional(),
  environment: safeString().min(1).max(100).optional(),
  total: z.number().int().nonnegative().optional(),
  failures: z.number().int().nonnegative().optional(),
  startedAt: isoTime.optional(),
  finishedAt: isoTime.optional(),
  url: z.url().optional(),
});

/**
 * One event of the native ingestion API (`POST /v1/events`).
 *
 * @public
 */
export const greenlightEventSchema = z.discriminatedUnion('type', [
  z.object({ ...envelope, type: z.literal('build'), build: buildSchema }),
  z.object({
    ...envelope,
    type: z.literal('artifact'),
    artifact: artifactSchema,
    attestations: z.array(attestationInputSchema).max(20).optional(),
  }),
  z.object({
    ...envelope,
    type: z.literal('deployment.started'),
    deployment: deploymentSchema.extend({
      status: z.literal('started').default('started'),
    }),
  }),
  z.object({
    ...envelope,
    type: z.literal('deployment.finished'),
    deployment: deploymentSchema.extend({
      status: z.enum(['succeeded', 'failed', 'rolled-back', 'cancelled']),
    }),
  }),
  z.object({
    ...envelope,
    type: z.literal('commits'),
    commits: z.array(commitSchema).min(1).max(10_000),
  }),
  z.object({
    ...envelope,
    type: z.literal('incident.opened'),
    incident: incidentSchema,
  }),
  z.object({
    ...envelope,
    type: z.literal('incident.resolved'),
    incident: incidentSchema,
  }),
  z.object({ ...envelope, type: z.literal('test.run'), testRun: testRunSchema }),
]);

/** @public */
export type GreenlightEvent = z.infer<typeof greenlightEventSchema>;
/**
 * An event as a producer may send it, before defaults (such as a deployment's `strategy`)
 * are filled in.
 *
 * @public
 */
export type GreenlightEventInput = z.input<typeof greenlightEventSchema>;
/** @public */
export type GreenlightEventType = GreenlightEvent['type'];
/** @public */
export type Deployment = z.infer<typeof deploymentSchema>;
/** @public */
export type Commit = z.infer<typeof commitSchema>;
/** @public */
export type Build = z.infer<typeof buildSchema>;
/** @public */
export type Artifact = z.infer<typeof artifactSchema>;
/** @public */
export type Incident = z.infer<typeof incidentSchema>;
/** @public */
export type TestRun = z.infer<typeof testRunSchema>;

/** @public */
export const eventBatchSchema = z.object({
  events: z.array(greenlightEventSchema).min(1).max(5_000),
});

/**
 * One problem in a rejected batch, as the API reports it.
 *
 * @public
 */
export type EventValidationIssue = {
  index: number;
  path: string;
  message: string;
};

/**
 * Validates a batch and returns either the parsed events or every problem found,
 * each naming the event's index and the field's path.
 *
 * @public
 */
export function parseEventBatch(
  body: unknown,
):
  | { ok: true; events: GreenlightEvent[] }
  | { ok: false; issues: EventValidationIssue[] } {
  const result = eventBatchSchema.safeParse(body);
  if (result.success) return { ok: true, events: result.data.events };
  return {
    ok: false,
    issues: result.error.issues.map(issue => {
      const [first, second, ...rest] = issue.path;
      const isEvent = first === 'events' && typeof second === 'number';
      return {
        index: isEvent ? (second as number) : -1,
        path: (isEvent ? rest : issue.path).map(String).join('.') || '(root)',
        message: issue.message,
      };
    }),
  };
}
