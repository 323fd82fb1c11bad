/**
 * A Greenlight ingestion source for PagerDuty: V3 webhook incidents become ledger incidents
 * of the catalog entities that name their PagerDuty service.
 *
 * @packageDocumentation
 */

export { greenlightModulePagerDuty as default } from './module';
