import { z } from 'zod';

/**
 * OpenSLO v1 objects as far as gates need them. Unknown fields are dropped, not
 * rejected, so documents written for other OpenSLO tools still parse.
 */

const metadataSchema = z.object({
  name: z.string().min(1),
  displayName: z.string().optional(),
  labels: z.record(z.string(), z.unknown()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const metricSourceSchema = z.object({
  metricSourceRef: z.string().optional(),
  /** e.g. `Prometheus`; it names the metric provider, lowercased. */
  type: z.string().optional(),
  /** For Prometheus: `{ query }`. */
  spec: z.record(z.string(), z.unknown()).default({}),
});

/**
 * An OpenSLO metric: where its values come from.
 *
 * @public
 */
export const metricSchema = z.object({ metricSource: metricSourceSchema });

const ratioMetricSchema = z.object({
  counter: z.boolean().optional(),
  good: metricSchema.optional(),
  bad: metricSchema.optional(),
  total: metricSchema.optional(),
  rawType: z.enum(['success', 'failure']).optional(),
  raw: metricSchema.optional(),
});

/**
 * The `spec` of an OpenSLO SLI: a threshold metric or a ratio metric.
 *
 * @public
 */
export const sliSpecSchema = z
  .object({
    description: z.string().optional(),
    thresholdMetric: metricSchema.optional(),
    ratioMetric: ratioMetricSchema.optional(),
  })
  .refine(spec => !!spec.thresholdMetric !== !!spec.ratioMetric, {
    message: 'an SLI needs exactly one of thresholdMetric and ratioMetric',
  });

const inlineSliSchema = z.object({
  metadata: metadataSchema.partial({ name: true }).default({}),
  spec: sliSpecSchema,
});

const objectiveSchema = z.object({
  displayName: z.string().optional(),
  op: z.enum(['lt', 'lte', 'gt', 'gte']).optional(),
  value: z.number().optional(),
  target: z.number().min(0).lt(1).optional(),
  targetPercent: z.number().min(0).lt(100).optional(),
  timeSliceTarget: z.number().gt(0).max(1).optional(),
  timeSliceWindow: z.union([z.number(), z.string()]).optional(),
  indicator: inlineSliSchema.optional(),
  indicatorRef: z.string().optional(),
  compositeWeight: z.number().positive().optional(),
});

const timeWindowSchema = z.object({
  duration: z.string(),
  isRolling: z.boolean().optional(),
  calendar: z
    .object({ startTime: z.string(), timeZone: z.string() })
    .optional(),
});

/**
 * `apiVersion: openslo/v1`, `kind: SLO`.
 *
 * @public
 */
export const openSloSloSchema = z.object({
  apiVersion: z.literal('openslo/v1'),
  kind: z.literal('SLO'),
  metadata: metadataSchema,
  spec: z.object({
    description: z.string().optional(),
    service: z.string().min(1),
    indicator: inlineSliSchema.optional(),
    indicatorRef: z.string().optional(),
    timeWindow: z.array(timeWindowSchema).length(1),
    budgetingMethod: z.enum(['Occurrences', 'Timeslices', 'RatioTimeslices']),
    objectives: z.array(objectiveSchema).min(1),
  }),
});

/**
 * `apiVersion: openslo/v1`, `kind: SLI`, for `indicatorRef`.
 *
 * @public
 */
export const openSloSliSchema = z.object({
  apiVersion: z.literal('openslo/v1'),
  kind: z.literal('SLI'),
  metadata: metadataSchema,
  spec: sliSpecSchema,
});

/**
 * `apiVersion: openslo/v1`, `kind: DataSource`, for `metricSourceRef`.
 *
 * @public
 */
export const openSloDataSourceSchema = z.object({
  apiVersion: z.literal('openslo/v1'),
  kind: z.literal('DataSource'),
  metadata: metadataSchema,
  spec: z.object({ type: z.string().min(1) }),
});

/** @public */
export type OpenSloSlo = z.infer<typeof openSloSloSchema>;
/** @public */
export type OpenSloSli = z.infer<typeof openSloSliSchema>;
/** @public */
export type OpenSloObjective = OpenSloSlo['spec']['objectives'][number];
/** @public */
export type OpenSloMetric = z.infer<typeof metricSchema>;
/** @public */
export type OpenSloSliSpec = z.infer<typeof sliSpecSchema>;
