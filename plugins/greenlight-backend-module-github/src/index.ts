/**
 * A Greenlight ingestion source that backfills release history from GitHub: deployments
 * with their statuses, the commits they shipped and merged pull requests.
 *
 * @packageDocumentation
 */

export { greenlightModuleGithub as default } from './module';
