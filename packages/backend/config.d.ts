export interface Config {
  greenlight?: {
    /** The living demo: seeded history and live canaries for the demo organisation. */
    demo?: {
      /** Seed and play the demo. Defaults to false; app-config.yaml turns it on for local use. */
      enabled?: boolean;
      /** Where the published demo signing keys are, relative to the backend's working directory. */
      keysDirectory?: string;
      /** Minutes between new live canaries. Defaults to 3. */
      liveIntervalMinutes?: number;
    };
  };
}
