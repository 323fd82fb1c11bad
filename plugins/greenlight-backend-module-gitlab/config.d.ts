export interface Config {
  greenlight?: {
    sources?: {
      /** The GitLab ingestion source. Without it the module registers nothing. */
      gitlab?: {
        /**
         * The secret token of the GitLab webhook, which GitLab sends in `X-Gitlab-Token`.
         * @visibility secret
         */
        webhookSecret: string;
      };
    };
  };
}
