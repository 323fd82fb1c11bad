export { EnvironmentsPanel, EnvironmentsStrip, RunningWhereCard } from './EnvironmentsStrip';
export type { EnvironmentsLoad } from './EnvironmentsStrip';
export { useEnvironments } from './useEnvironments';
