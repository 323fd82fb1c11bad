export interface Config {
  greenlight?: {
    sources?: {
      /** The PagerDuty ingestion source. Without this block the module registers nothing. */
      pagerduty?: {
        /**
         * The signing secret of the V3 webhook subscription, a string of at least 16
         * characters (anything else stops the backend at startup). Give a list while
         * rotating: a delivery signed with any of them is accepted.
         * @visibility secret
         */
        webhookSecret: string | string[];
        /** The environment an incident is recorded in when nothing more precise is known. Default `production`. */
        environment?: string;
        /** The environment per PagerDuty service id, for services that watch a non-production environment. */
        serviceEnvironments?: { [serviceId: string]: string };
      };
    };
  };
}
