/**
 * The metric provider `prometheus` of the Greenlight backend: SLO gates query any
 * Prometheus-compatible HTTP API (Prometheus, Thanos, Mimir, VictoriaMetrics).
 *
 * @packageDocumentation
 */

export { greenlightModulePrometheus as default } from './module';
export { PrometheusMetricProvider } from './PrometheusMetricProvider';
export type { PrometheusMetricProviderOptions } from './PrometheusMetricProvider';
