import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { connectorIdReasons } from './connectorIds';

const deployment = (id: string) =>
  ({
    id: 'e',
    type: 'deployment.started',
    deployment: { id, environment: 'production', status: 'started' },
  } as GreenlightEvent);
const build = (id: string) =>
  ({ id: 'e', type: 'build', build: { id } } as GreenlightEvent);
const incident = (id: string) =>
  ({
    id: 'e',
    type: 'incident.opened',
    incident: { id, title: 't' },
  } as GreenlightEvent);
const commits = (id: string) =>
  ({ id, type: 'commits', commits: [] } as unknown as GreenlightEvent);

describe('connectorIdReasons', () => {
  it.each([
    // The forms of each connector's ids (see their mappings), and ids a pipeline may choose.
    [
      'argocd/prod/payments/13',
      deployment('argocd/prod/payments/13'),
      'Argo CD',
    ],
    [
      'github.com/acme/payments/deployments/88',
      deployment('github.com/acme/payments/deployments/88'),
      'GitHub or GitLab',
    ],
    [
      'github.com/acme/payments/actions/runs/881/attempts/1',
      build('github.com/acme/payments/actions/runs/881/attempts/1'),
      'GitHub',
    ],
    [
      'gitlab.example.com/acme/payments/deployments/3',
      deployment('gitlab.example.com/acme/payments/deployments/3'),
      'GitHub or GitLab',
    ],
    [
      'gitlab.com/acme/sub/payments/jobs/77',
      deployment('gitlab.com/acme/sub/payments/jobs/77'),
      'GitHub or GitLab',
    ],
    [
      'gitlab.com/acme/payments/pipelines/9',
      build('gitlab.com/acme/payments/pipelines/9'),
      'GitHub or GitLab',
    ],
    [
      'github.com/acme/payments/pushes/refs/heads/main/abc',
      commits('github.com/acme/payments/pushes/refs/heads/main/abc'),
      'GitHub or GitLab',
    ],
    ['pagerduty-PABC123', incident('pagerduty-PABC123'), 'PagerDuty'],
    ['opsgenie-70413a06', incident('opsgenie-70413a06'), 'Opsgenie'],
    [
      'payments-881-production',
      deployment('payments-881-production'),
      undefined,
    ],
    [
      'acme/payments/deployments/88',
      deployment('acme/payments/deployments/88'),
      undefined,
    ],
    ['build-881', build('build-881'), undefined],
    ['INC-42', incident('INC-42'), undefined],
  ])('%s', (_, event, connector) => {
    const [reason] = connectorIdReasons([event]);
    expect(reason?.match(/the (.+) connector's form/)?.[1]).toBe(connector);
  });

  it('never reserves an artifact, whose id is its digest', () => {
    expect(
      connectorIdReasons([
        {
          id: 'argocd/x',
          type: 'artifact',
          artifact: { digest: `sha256:${'a'.repeat(64)}` },
        } as GreenlightEvent,
      ]),
    ).toEqual([undefined]);
  });
});
