import { ConfigReader } from '@backstage/config';
import { readArgocdConfig } from './config';

const withInstance = (instance: object) =>
  new ConfigReader({
    greenlight: {
      sources: {
        argocd: {
          instances: [
            {
              name: 'dev-cluster',
              baseUrl: 'https://argocd.dev.example.com/',
              token: 't',
              environment: 'development',
              ...instance,
            },
          ],
        },
      },
    },
  });

describe('the environments an Argo CD instance may deploy to', () => {
  it('are any a label names when not listed', () => {
    expect(
      readArgocdConfig(withInstance({}))?.instances[0].environments,
    ).toBeUndefined();
  });

  it('are the listed ones, which must include the instance’s own', () => {
    expect(
      readArgocdConfig(
        withInstance({ environments: ['development', 'preview'] }),
      )?.instances[0].environments,
    ).toEqual(['development', 'preview']);
    expect(() =>
      readArgocdConfig(withInstance({ environments: ['preview'] })),
    ).toThrow(
      'greenlight.sources.argocd.instances[0].environments must include its environment development',
    );
  });
});
