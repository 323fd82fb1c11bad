export { ActiveRollouts, ROLLOUT_POLL_MS } from './ActiveRollouts';
export { RolloutDetail } from './RolloutDetail';
export { RolloutSection } from './RolloutSection';
