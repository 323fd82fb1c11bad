import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { GreenlightPermissionPolicy } from './GreenlightPermissionPolicy';

/** Installs the portal's permission policy. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'greenlight-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(GreenlightPermissionPolicy.fromConfig(config));
      },
    });
  },
});
