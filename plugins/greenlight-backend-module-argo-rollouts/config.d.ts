export interface Config {
  greenlight?: {
    rollouts?: {
      /** Rollbacks through the Kubernetes API of a cluster running Argo Rollouts (executor `argo-rollouts`). */
      argo?: {
        /**
         * The environments this executor may roll back, each with the namespace (and, when
         * not the defaults below, the API server) of its Rollouts. A rollback for an
         * environment not listed is refused; two environments may not share a namespace on
         * one API server.
         */
        environments: Array<{
          /** The environment's name, as rollouts name it (e.g. production). */
          name: string;
          /** Namespace of this environment's Rollouts. Defaults to `namespace` below. */
          namespace?: string;
          /** This environment's Kubernetes API server. Defaults to `apiUrl` below. */
          apiUrl?: string;
          /**
           * Token for this environment's API server. Defaults to `token` below.
           * @visibility secret
           */
          token?: string;
          /** PEM file of the CA of this environment's API server. Defaults to `caCertFile` below. */
          caCertFile?: string;
        }>;
        /** The Kubernetes API server of listed environments that name none, e.g. https://kubernetes.example.com:6443 */
        apiUrl?: string;
        /**
         * Bearer token of a service account that may patch rollouts and list replicasets, for
         * listed environments that name none.
         * @visibility secret
         */
        token?: string;
        /** Namespace of the Rollouts of a listed environment that names none; never used for an environment not listed. */
        namespace?: string;
        /** PEM file of the CA that signed the API server's certificate. */
        caCertFile?: string;
        /** Also restore the previous pod template after the abort. Defaults to true. */
        undo?: boolean;
        /** Timeout of one API call in milliseconds. Defaults to 10000. */
        timeoutMs?: number;
      };
    };
  };
}
