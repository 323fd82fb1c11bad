import type { Config } from '@backstage/config';

/**
 * Where the Rollouts of one environment live.
 *
 * @public
 */
export interface ArgoEnvironmentTarget {
  /** The environment's name, as rollouts name it. */
  name: string;
  /** The Kubernetes API server. */
  apiUrl: string;
  /** Bearer token of a service account that may patch rollouts and list replicasets. */
  token: string;
  /** Namespace of the environment's Rollouts. */
  namespace: string;
  /** PEM file of the CA that signed the API server's certificate. */
  caCertFile?: string;
}

/** @public */
export interface ArgoExecutorConfig {
  /**
   * The environments this executor may roll back, each with its own namespace (and API
   * server); a rollback for an environment not listed is refused.
   */
  environments: ArgoEnvironmentTarget[];
  /** Also restore the previous pod template after the abort. */
  undo: boolean;
  /** Timeout of one API call in milliseconds. */
  timeoutMs: number;
}

const section = 'greenlight.rollouts.argo';

function checkedApiUrl(apiUrl: string, key: string): string {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new Error(`${key} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${key} must be an http(s) URL`);
  return apiUrl;
}

/**
 * Reads `greenlight.rollouts.argo`, or returns undefined when it is absent; throws on
 * invalid values so that a broken setup fails at startup rather than at the first rollback.
 *
 * The section's own `apiUrl`, `token`, `namespace` and `caCertFile` are defaults for the
 * listed environments only: an environment that is not listed has no namespace, rather than
 * another environment's.
 */
export function readArgoExecutorConfig(
  root: Config,
): ArgoExecutorConfig | undefined {
  const c = root.getOptionalConfig(section);
  if (!c) return undefined;
  if (!c.has('environments')) {
    // Before environments were listed, one namespace served every environment, so a
    // staging rollback acted on production's Rollout.
    throw new Error(
      `${section}.environments is required: list each environment this executor may roll back, with its namespace`,
    );
  }
  const timeoutMs = c.getOptionalNumber('timeoutMs') ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new Error(`${section}.timeoutMs must be a positive integer`);

  const defaults = {
    apiUrl: c.getOptionalString('apiUrl'),
    token: c.getOptionalString('token'),
    namespace: c.getOptionalString('namespace'),
    caCertFile: c.getOptionalString('caCertFile'),
  };
  if (defaults.apiUrl !== undefined)
    checkedApiUrl(defaults.apiUrl, `${section}.apiUrl`);

  const names = new Set<string>();
  const places = new Map<string, string>();
  const environments = c.getConfigArray('environments').map((e, i) => {
    const at = `${section}.environments[${i}]`;
    const name = e.getString('name');
    if (!name.trim()) throw new Error(`${at}.name must not be empty`);
    if (names.has(name))
      throw new Error(`${at}.name ${name} is listed more than once`);
    names.add(name);
    const required = (key: 'apiUrl' | 'token' | 'namespace') => {
      const value = e.getOptionalString(key) ?? defaults[key];
      if (!value)
        throw new Error(
          `${at}.${key} (or ${section}.${key}) is required for environment ${name}`,
        );
      return value;
    };
    const target: ArgoEnvironmentTarget = {
      name,
      apiUrl: checkedApiUrl(required('apiUrl'), `${at}.apiUrl`),
      token: required('token'),
      namespace: required('namespace'),
      caCertFile: e.getOptionalString('caCertFile') ?? defaults.caCertFile,
    };
    // A rollback acts on the Rollout its entity names in its environment's namespace; two
    // environments sharing one would let a staging rollback abort production's Rollout.
    const place = `${new URL(target.apiUrl).href.replace(/\/+$/, '')} ${
      target.namespace
    }`;
    const other = places.get(place);
    if (other !== undefined)
      throw new Error(
        `${at}.namespace ${target.namespace} is also environment ${other}'s on the same API server; each environment needs its own`,
      );
    places.set(place, name);
    return target;
  });
  if (environments.length === 0)
    throw new Error(
      `${section}.environments must list at least one environment`,
    );

  return {
    environments,
    undo: c.getOptionalBoolean('undo') ?? true,
    timeoutMs,
  };
}
