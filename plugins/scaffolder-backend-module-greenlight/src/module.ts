import { createBackendModule } from '@backstage/backend-plugin-api';
import { greenlightServiceRef } from '@greenlight/backstage-plugin-greenlight-node';
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
        greenlight: greenlightServiceRef,
      },
      async init({ scaffolderActions, greenlight }) {
        scaffolderActions.addActions(
          createSloValidateAction(),
          createPipelinePinCheckAction(),
          createServiceRegisterAction({ greenlight }),
        );
      },
    });
  },
});
