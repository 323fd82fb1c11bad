import { ConfigReader } from '@backstage/config';
import { projectAllowed, readArgocdConfig } from './config';

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

describe('the Argo CD projects an instance may record', () => {
  const app = (project?: string) => ({
    spec: project === undefined ? undefined : { project },
  });

  it('are any when not listed', () => {
    const instance = readArgocdConfig(withInstance({}))!.instances[0];
    expect(instance.projects).toBeUndefined();
    expect(projectAllowed(instance, app('anything'))).toBe(true);
    expect(projectAllowed(instance, app())).toBe(true);
  });

  it('are the listed ones, by their exact names; an application without one is refused', () => {
    const instance = readArgocdConfig(
      withInstance({ projects: ['payments', 'team-a.apps'] }),
    )!.instances[0];
    expect(instance.projects).toEqual(['payments', 'team-a.apps']);
    expect(projectAllowed(instance, app('payments'))).toBe(true);
    expect(projectAllowed(instance, app('team-a.apps'))).toBe(true);
    expect(projectAllowed(instance, app('default'))).toBe(false);
    expect(projectAllowed(instance, app('payments-2'))).toBe(false);
    expect(projectAllowed(instance, app(''))).toBe(false);
    expect(projectAllowed(instance, app())).toBe(false);
    expect(projectAllowed(instance, { spec: null })).toBe(false);
  });

  it.each([
    [[], 'greenlight.sources.argocd.instances[0].projects must list at least'],
    [
      ['payments', 'Team A'],
      'greenlight.sources.argocd.instances[0].projects[1] must be an Argo CD project name',
    ],
    [['*'], 'greenlight.sources.argocd.instances[0].projects[0] must be'],
  ])('refuse %j, naming the field', (projects, message) => {
    expect(() => readArgocdConfig(withInstance({ projects }))).toThrow(message);
  });
});
