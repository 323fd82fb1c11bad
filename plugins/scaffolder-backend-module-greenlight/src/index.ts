/**
 * Scaffolder actions `greenlight:*` that give a new service a governed pipeline from its
 * first commit, and the templates that use them.
 *
 * @packageDocumentation
 */

export { scaffolderModule as default } from './module';
export {
  createPipelinePinCheckAction,
  createServiceRegisterAction,
  createSloValidateAction,
} from './actions';
export type { ServiceRegisterActionOptions } from './actions';
