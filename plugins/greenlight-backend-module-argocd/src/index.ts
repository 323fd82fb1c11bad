/**
 * An ingestion source that learns Argo CD application syncs: the sync history read from
 * the Argo CD API on a schedule, and live syncs posted by Argo CD notifications.
 *
 * @packageDocumentation
 */

export { greenlightModuleArgocd as default } from './module';
