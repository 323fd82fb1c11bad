/**
 * An ingestion source that learns from GitLab webhooks: deployments, pipelines and merged
 * merge requests of the projects the catalog names.
 *
 * @packageDocumentation
 */

export { greenlightModuleGitlab as default } from './module';
