import type {
  MetricQueryResult,
  MetricRangeResult,
  MetricSample,
  MetricSeries,
} from '@greenlight/backstage-plugin-greenlight-common';
import { z } from 'zod';

/** `[unix seconds, "value"]`; Prometheus sends values as strings to keep NaN and ±Inf. */
const pointSchema = z.tuple([z.number(), z.string()]);
const labelsSchema = z.record(z.string(), z.string());

// Native-histogram series carry `histogram(s)` instead of `value(s)`; they have no
// single number to compare, so they count as no data.
const dataSchema = z.discriminatedUnion('resultType', [
  z.object({
    resultType: z.literal('vector'),
    result: z.array(
      z.object({ metric: labelsSchema, value: pointSchema.optional() }),
    ),
  }),
  z.object({
    resultType: z.literal('matrix'),
    result: z.array(
      z.object({
        metric: labelsSchema,
        values: z.array(pointSchema).optional(),
      }),
    ),
  }),
  z.object({ resultType: z.literal('scalar'), result: pointSchema }),
  z.object({ resultType: z.literal('string'), result: pointSchema }),
]);

/** The `{"status":"success","data":…}` body of /api/v1/query and /api/v1/query_range. */
export const prometheusSuccessSchema = z.object({
  status: z.literal('success'),
  data: dataSchema,
});

/** The body Prometheus sends with 4xx/5xx answers. */
export const prometheusErrorSchema = z.object({
  status: z.literal('error'),
  errorType: z.string().optional(),
  error: z.string(),
});

/** @public */
export type PrometheusData = z.infer<typeof dataSchema>;

/** Reads a Prometheus sample value, including its spellings of NaN and infinity. */
export function parseSampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/**
 * Samples of an instant query. A range vector (`metric[5m]`) gives one sample per raw
 * point, which is how canary-vs-baseline gates collect observations. ±Inf is a value
 * (`histogram_quantile` answers +Inf when latency is above the top bucket, the worst
 * breach there is) and is kept; only NaN (e.g. 0/0, no traffic) is dropped, and nothing
 * left means no data.
 */
export function toQueryResult(data: PrometheusData): MetricQueryResult {
  let samples: MetricSample[];
  if (data.resultType === 'string') {
    return {
      status: 'error',
      message: 'the query returned a string, not a number',
    };
  } else if (data.resultType === 'scalar') {
    samples = [{ labels: {}, value: parseSampleValue(data.result[1]) }];
  } else if (data.resultType === 'vector') {
    samples = data.result.flatMap(entry =>
      entry.value
        ? [{ labels: entry.metric, value: parseSampleValue(entry.value[1]) }]
        : [],
    );
  } else {
    samples = data.result.flatMap(entry =>
      (entry.values ?? []).map(([, value]) => ({
        labels: entry.metric,
        value: parseSampleValue(value),
      })),
    );
  }
  const values = samples.filter(sample => !Number.isNaN(sample.value));
  return values.length
    ? { status: 'ok', samples: values }
    : { status: 'no-data' };
}

/**
 * Series of a range query. NaN points stay, as they are data to a replay (an evaluation
 * without a value); a result whose every point is NaN is no data. ±Inf is a value.
 */
export function toRangeResult(data: PrometheusData): MetricRangeResult {
  if (data.resultType !== 'matrix') {
    return {
      status: 'error',
      message: `expected a matrix from a range query, got a ${data.resultType}`,
    };
  }
  const series: MetricSeries[] = data.result.map(entry => ({
    labels: entry.metric,
    points: (entry.values ?? []).map(([time, value]) => [
      time,
      parseSampleValue(value),
    ]),
  }));
  const anyValue = series.some(s =>
    s.points.some(([, value]) => !Number.isNaN(value)),
  );
  return anyValue ? { status: 'ok', series } : { status: 'no-data' };
}
