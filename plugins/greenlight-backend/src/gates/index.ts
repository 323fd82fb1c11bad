export { PrometheusMetricProvider } from './PrometheusMetricProvider';
export type { PrometheusMetricProviderOptions } from './PrometheusMetricProvider';
export { readGatePolicyDefaults } from './gateConfig';
export { parseGateYaml } from './parseGateYaml';
