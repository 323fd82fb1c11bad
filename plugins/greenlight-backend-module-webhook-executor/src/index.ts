/**
 * The rollback executor `webhook` of the Greenlight backend: a signed HTTP POST to the
 * delivery system that undoes the deployment.
 *
 * @packageDocumentation
 */

export { greenlightModuleWebhookExecutor as default } from './module';
export {
  SIGNATURE_HEADER,
  WebhookRollbackExecutor,
  signBody,
} from './WebhookRollbackExecutor';
export type { WebhookExecutorConfig } from './config';
