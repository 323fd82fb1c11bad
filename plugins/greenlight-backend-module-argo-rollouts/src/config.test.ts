import { ConfigReader } from '@backstage/config';
import { readArgoExecutorConfig } from './config';

const read = (argo: object) =>
  readArgoExecutorConfig(
    new ConfigReader({ greenlight: { rollouts: { argo } } }),
  );

const defaults = {
  apiUrl: 'https://k8s.example.com:6443',
  token: 't',
  namespace: 'shop',
};

describe('the environments the Argo Rollouts executor may roll back', () => {
  it('must be listed: one namespace for every environment is refused at startup', () => {
    expect(() => read(defaults)).toThrow(
      'greenlight.rollouts.argo.environments is required: list each environment this executor may roll back, with its namespace',
    );
    expect(() => read({ ...defaults, environments: [] })).toThrow(
      'greenlight.rollouts.argo.environments must list at least one environment',
    );
  });

  it('take the section’s API server, token and namespace unless they name their own', () => {
    expect(
      read({
        ...defaults,
        caCertFile: '/etc/ca.pem',
        environments: [
          { name: 'production' },
          {
            name: 'staging',
            namespace: 'shop-staging',
            apiUrl: 'https://k8s-staging.example.com',
            token: 's',
            caCertFile: '/etc/staging-ca.pem',
          },
        ],
      }),
    ).toEqual({
      environments: [
        { name: 'production', ...defaults, caCertFile: '/etc/ca.pem' },
        {
          name: 'staging',
          apiUrl: 'https://k8s-staging.example.com',
          token: 's',
          namespace: 'shop-staging',
          caCertFile: '/etc/staging-ca.pem',
        },
      ],
      undo: true,
      timeoutMs: 10_000,
    });
  });

  it('need a namespace, API server and token each, naming the missing field', () => {
    expect(() =>
      read({
        apiUrl: defaults.apiUrl,
        token: 't',
        environments: [{ name: 'production' }],
      }),
    ).toThrow(
      'greenlight.rollouts.argo.environments[0].namespace (or greenlight.rollouts.argo.namespace) is required for environment production',
    );
    expect(() =>
      read({
        namespace: 'shop',
        environments: [{ name: 'production', apiUrl: 'ftp://k8s' }],
      }),
    ).toThrow(
      'greenlight.rollouts.argo.environments[0].apiUrl must be an http(s) URL',
    );
  });

  it('may not share a namespace on one API server, nor be listed twice', () => {
    expect(() =>
      read({
        ...defaults,
        environments: [{ name: 'production' }, { name: 'staging' }],
      }),
    ).toThrow(
      "greenlight.rollouts.argo.environments[1].namespace shop is also environment production's on the same API server; each environment needs its own",
    );
    expect(() =>
      read({
        ...defaults,
        environments: [
          { name: 'production' },
          { name: 'production', namespace: 'other' },
        ],
      }),
    ).toThrow(
      'greenlight.rollouts.argo.environments[1].name production is listed more than once',
    );
    // The same namespace on another cluster is another place.
    expect(
      read({
        ...defaults,
        environments: [
          { name: 'production' },
          { name: 'staging', apiUrl: 'https://k8s-staging.example.com' },
        ],
      })?.environments.map(e => e.namespace),
    ).toEqual(['shop', 'shop']);
  });
});
