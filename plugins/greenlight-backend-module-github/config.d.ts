export interface Config {
  greenlight?: {
    sources?: {
      /**
       * The GitHub backfill. It runs only when this key is present and
       * `integrations.github` has a token or an app for `host`.
       */
      github?: {
        /** The integration's host; `github.com` unless GitHub Enterprise. */
        host?: string;
        /** How many days of history to read for each repository; 90 unless set. */
        days?: number;
        /**
         * The share of the token's or app's primary rate limit the backfill may spend
         * per hour; 4000 unless set. GitHub allows 5,000 for a token.
         */
        requestsPerHour?: number;
        /**
         * Requests in any one minute; 800 unless set, at most 900 (GitHub's secondary limit
         * for REST is 900 points per minute, and a GET is one point).
         */
        requestsPerMinute?: number;
        /**
         * The repositories any entity may have backfilled, as `owner/*` or `owner/name`.
         * An entity's `github.com/project-slug` is its own to write, and the backfill reads
         * with the integration's credentials: without this list, any repository those
         * credentials reach can be named (the backend warns at startup).
         */
        repositories?: string[];
        /** When the pull looks for entities to backfill; every 5 minutes unless set. */
        schedule?: {
          frequency:
            | { seconds?: number; minutes?: number; hours?: number }
            | string;
          timeout:
            | { seconds?: number; minutes?: number; hours?: number }
            | string;
          initialDelay?:
            | { seconds?: number; minutes?: number; hours?: number }
            | string;
        };
      };
    };
  };
}
