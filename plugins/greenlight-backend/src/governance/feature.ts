import { GreenlightFeature } from '../context';

/** Change readiness, the production-grade checklist, drift and break-glass changes. */
export const governanceFeature: GreenlightFeature = async () => undefined;
