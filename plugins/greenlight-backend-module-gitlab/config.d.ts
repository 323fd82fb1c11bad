export interface Config {
  greenlight?: {
    sources?: {
      /**
       * The GitLab ingestion source. Without a secret (`webhookSecret` or one under
       * `projects`) the module registers nothing.
       */
      gitlab?: {
        /**
         * The secret token GitLab sends in `X-Gitlab-Token`, accepted for every project that
         * no entry of `projects` covers. Leave it out to accept only projects listed there.
         * @visibility secret
         */
        webhookSecret?: string;
        /**
         * Secrets of single projects or groups. A delivery for a project must carry the
         * secret of the entry with the longest path that is the project itself or a group
         * above it (`acme/payments`, `acme`); the source-wide `webhookSecret` is not accepted
         * for it. Paths are compared without regard to case, as GitLab does.
         */
        projects?: Array<{
          /** The project's path with namespace, or a group's full path. */
          path: string;
          /**
           * The secret token of that project's (or group's) webhook.
           * @visibility secret
           */
          webhookSecret: string;
        }>;
      };
    };
  };
}
