export interface Config {
  greenlight?: {
    sources?: {
      /** The Opsgenie ingestion source. Without this block the module registers nothing. */
      opsgenie?: {
        /** The custom header the Opsgenie webhook integration sends, e.g. `X-Greenlight-Token`. */
        headerName: string;
        /**
         * The header's value. Give a list while rotating: any of them is accepted.
         * @visibility secret
         */
        headerValue: string | string[];
        /** The environment an alert is recorded in. Default `production`. */
        environment?: string;
      };
    };
  };
}
