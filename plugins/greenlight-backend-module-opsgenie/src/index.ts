/**
 * A Greenlight ingestion source for Opsgenie: alerts from the outgoing webhook integration
 * become ledger incidents of the catalog components their selector picks.
 *
 * @packageDocumentation
 */

export { greenlightModuleOpsgenie as default } from './module';
