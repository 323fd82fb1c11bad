export interface Config {
  greenlight?: {
    rollouts?: {
      /** Rollbacks through the Kubernetes API of a cluster running Argo Rollouts (executor `argo-rollouts`). */
      argo?: {
        /** The Kubernetes API server, e.g. https://kubernetes.example.com:6443 */
        apiUrl: string;
        /**
         * Bearer token of a service account that may patch rollouts and list replicasets.
         * @visibility secret
         */
        token: string;
        /** Namespace of the Rollouts. */
        namespace: string;
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
