import { GreenlightFeature } from '../context';

/** DORA metrics: rollups kept current from ingestion, scoped queries, CSV export, data quality. */
export const doraFeature: GreenlightFeature = async () => undefined;
