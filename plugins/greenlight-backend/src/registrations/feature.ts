import { GreenlightFeature } from '../context';

/** Services registered by the scaffolder: environments, gates and expected provenance. */
export const registrationsFeature: GreenlightFeature = async () => undefined;
