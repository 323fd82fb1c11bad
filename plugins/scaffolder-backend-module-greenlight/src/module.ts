import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createPipelinePinCheckAction,
  createServiceRegisterAction,
  createSloValidateAction,
} from './actions';

/**
 * Adds the `greenlight:*` actions to the scaffolder.
 *
 * @public
 */
export const scaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'greenlight',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolderActions, discovery, auth }) {
        scaffolderActions.addActions(
          createSloValidateAction(),
          createPipelinePinCheckAction(),
          createServiceRegisterAction({ discovery, auth }),
        );
      },
    });
  },
});
