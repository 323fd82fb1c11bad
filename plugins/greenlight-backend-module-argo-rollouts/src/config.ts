import type { Config } from '@backstage/config';

/** @public */
export interface ArgoExecutorConfig {
  /** The Kubernetes API server. */
  apiUrl: string;
  /** Bearer token of a service account that may patch rollouts and list replicasets. */
  token: string;
  /** Namespace of the Rollouts. */
  namespace: string;
  /** PEM file of the CA that signed the API server's certificate. */
  caCertFile?: string;
  /** Also restore the previous pod template after the abort. */
  undo: boolean;
  /** Timeout of one API call in milliseconds. */
  timeoutMs: number;
}

const section = 'greenlight.rollouts.argo';

/**
 * Reads `greenlight.rollouts.argo`, or returns undefined when it is absent; throws on
 * invalid values so that a broken setup fails at startup rather than at the first rollback.
 */
export function readArgoExecutorConfig(
  root: Config,
): ArgoExecutorConfig | undefined {
  const c = root.getOptionalConfig(section);
  if (!c) return undefined;
  const apiUrl = c.getString('apiUrl');
  let protocol: string;
  try {
    protocol = new URL(apiUrl).protocol;
  } catch {
    throw new Error(`${section}.apiUrl is not a URL`);
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new Error(`${section}.apiUrl must be an http(s) URL`);
  const timeoutMs = c.getOptionalNumber('timeoutMs') ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new Error(`${section}.timeoutMs must be a positive integer`);
  return {
    apiUrl,
    token: c.getString('token'),
    namespace: c.getString('namespace'),
    caCertFile: c.getOptionalString('caCertFile'),
    undo: c.getOptionalBoolean('undo') ?? true,
    timeoutMs,
  };
}
