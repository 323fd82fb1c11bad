/**
 * The rollback executor `argo-rollouts` of the Greenlight backend: aborts an Argo Rollout
 * and restores its previous revision through the Kubernetes API.
 *
 * @packageDocumentation
 */

export {
  greenlightModuleArgoRollouts as default,
  ARGO_ROLLOUT_NAME_ANNOTATION,
} from './module';
export {
  ArgoRolloutsExecutor,
  ROLLBACK_ANNOTATION,
  ROLLOUT_ENTITY_ANNOTATION,
} from './ArgoRolloutsExecutor';
export type { ArgoEnvironmentTarget, ArgoExecutorConfig } from './config';
