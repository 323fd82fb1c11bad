export interface Config {
  greenlight?: {
    /** Metric backends that SLO gates query. */
    metrics?: {
      /**
       * A Prometheus-compatible HTTP API (Prometheus, Thanos, Mimir, VictoriaMetrics); gate
       * queries name it as provider `prometheus`.
       */
      prometheus?: {
        /**
         * e.g. https://prometheus.example.com; a path prefix is kept. A user name or password
         * in it (`https://user:pw@…`) is refused at startup: give basic credentials as
         * `headers.Authorization`. Redirects are not followed.
         */
        baseUrl: string;
        /**
         * Bearer token sent as `Authorization: Bearer …`.
         * @visibility secret
         */
        token?: string;
        /**
         * Extra request headers, e.g. `X-Scope-OrgID` for a multi-tenant backend. Their
         * values often carry credentials (an API key header), so they are secret like the
         * token, and redacted from errors and logs.
         * @visibility secret
         * @deepVisibility secret
         */
        headers?: { [name: string]: string };
        /** Timeout of one query in milliseconds. Defaults to 5000. */
        timeoutMs?: number;
      };
    };
  };
}
