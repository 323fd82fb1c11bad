import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  greenlight?: {
    sources?: {
      /** The Argo CD ingestion source. Without it the module registers nothing. */
      argocd?: {
        /** The Argo CD instances whose application history is pulled. */
        instances: Array<{
          /** Names the instance in deployment ids and in the `argocd/instance-name` annotation. */
          name: string;
          /** Base URL of the Argo CD server, e.g. `https://argocd.example.com`. */
          baseUrl: string;
          /**
           * An Argo CD API token (a project role or a local account with `applications, get`).
           * @visibility secret
           */
          token: string;
          /** The environment its applications deploy to, unless an application's label says otherwise. */
          environment: string;
          /**
           * The environments this instance may record deployments to. An application whose
           * environment label names another is not recorded (a notification answers 202, the
           * pull skips it and logs why): whoever can label applications on a development
           * instance cannot record production deployments. Must include `environment`.
           * Without it, any environment a label names.
           */
          environments?: string[];
          /**
           * The Argo CD projects whose applications this instance may record, named exactly
           * as in Argo CD (`AppProject` names; no patterns). An entity's own annotations
           * name its applications, so an application whose `spec.project` is not listed is
           * not recorded for any entity: the pull reads it to learn its project, then skips it
           * and logs only its name; a notification answers 202 (and one that carries no
           * `spec.project` too). At least one. Without it, any application the instance's
           * token can read, and the backend warns at startup naming the instance.
           */
          projects?: string[];
          /**
           * The secret this instance's notifications send in `X-Greenlight-Token`. A
           * notification naming this instance must carry it; the source-wide `webhookSecret`
           * is then not accepted for it.
           * @visibility secret
           */
          webhookSecret?: string;
        }>;
        /**
         * How often every instance's history is pulled (one task pulls them all, on one
         * replica at a time). Defaults to every 10 minutes with a 5-minute timeout.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * The application label naming the environment, which wins over the instance's.
         * Defaults to `greenlight.dev/environment`.
         */
        environmentLabel?: string;
        /**
         * Shared secret the Argo CD notifications webhook sends in `X-Greenlight-Token`, for
         * instances without a `webhookSecret` of their own. Without either, notifications for
         * that instance answer 401.
         * @visibility secret
         */
        webhookSecret?: string;
      };
    };
  };
}
