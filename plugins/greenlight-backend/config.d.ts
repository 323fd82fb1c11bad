export interface Config {
  /** Configuration of the Greenlight plugins. */
  greenlight?: {
    /**
     * The promotion path: environments in the order a release moves through them.
     * Defaults to development → staging → production.
     */
    environments?: Array<{
      /** Environment name as pipelines report it, e.g. `production`. */
      name: string;
      /** `development`, `staging` or `production`; DORA counts production-tier only. */
      tier: 'development' | 'staging' | 'production';
      /** Position in the promotion path; lower comes first. Defaults to list order. */
      order?: number;
    }>;
    ingest?: {
      /** Largest accepted request body, e.g. `5mb`. Defaults to `5mb`. */
      maxBodySize?: string;
    };
    webhooks?: {
      github?: {
        /**
         * The secret GitHub signs webhook deliveries with (`X-Hub-Signature-256`).
         * @visibility secret
         */
        secret?: string;
      };
    };
  };
}
