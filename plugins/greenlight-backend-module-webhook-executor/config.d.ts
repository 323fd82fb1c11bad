export interface Config {
  greenlight?: {
    rollouts?: {
      /** Rollbacks as a signed HTTP POST to the delivery system (executor `webhook`). */
      webhook?: {
        /** An http(s) URL. */
        url: string;
        /**
         * HMAC-SHA256 key for the `X-Greenlight-Signature-256` header.
         * @visibility secret
         */
        secret: string;
        /** Timeout of one call in milliseconds. Defaults to 10000. */
        timeoutMs?: number;
      };
    };
  };
}
