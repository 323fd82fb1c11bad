import { GreenlightFeature } from '../context';

/** Rollout watchers: SLO gates evaluated on a schedule, automatic rollback, manual actions, replay. */
export const rolloutsFeature: GreenlightFeature = async () => undefined;
