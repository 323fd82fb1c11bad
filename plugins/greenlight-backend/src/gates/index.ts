export { readGatePolicyDefaults } from './gateConfig';
export { parseGateYaml } from './parseGateYaml';
