import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissions/module'));

backend.add(import('@backstage/plugin-user-settings-backend'));
// user settings are pushed to open browsers through signals
backend.add(import('@backstage/plugin-signals-backend'));
// the notifications page; Greenlight tells entity owners about automatic rollbacks through it
backend.add(import('@backstage/plugin-notifications-backend'));

backend.add(import('@greenlight/backstage-plugin-greenlight-backend'));
// Ingestion sources; each logs that it is disabled and adds nothing until configured.
backend.add(
  import('@greenlight/backstage-plugin-greenlight-backend-module-argocd'),
);
backend.add(
  import('@greenlight/backstage-plugin-greenlight-backend-module-gitlab'),
);
// Backfills GitHub history; logs that it is disabled unless greenlight.sources.github is set.
backend.add(
  import('@greenlight/backstage-plugin-greenlight-backend-module-github'),
);
// Incident sources; each registers nothing until greenlight.sources.<tool> is configured.
backend.add(
  import('@greenlight/backstage-plugin-greenlight-backend-module-pagerduty'),
);
backend.add(
  import('@greenlight/backstage-plugin-greenlight-backend-module-opsgenie'),
);
// Gates' Prometheus and the rollback executors; each stays idle until its config is set.
backend.add(
  import('@greenlight/backstage-plugin-greenlight-backend-module-prometheus'),
);
backend.add(
  import(
    '@greenlight/backstage-plugin-greenlight-backend-module-webhook-executor'
  ),
);
backend.add(
  import(
    '@greenlight/backstage-plugin-greenlight-backend-module-argo-rollouts'
  ),
);
// The living demo; does nothing unless greenlight.demo.enabled is true.
backend.add(import('./demo/demoModule'));
backend.add(
  import('@greenlight/backstage-plugin-scaffolder-backend-module-greenlight'),
);

backend.start();
