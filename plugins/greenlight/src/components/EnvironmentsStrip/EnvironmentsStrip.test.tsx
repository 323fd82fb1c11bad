import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { GreenlightApi, greenlightApiRef } from '../../api';
import { EnvironmentsStrip } from './EnvironmentsStrip';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

function renderWith(api: Partial<GreenlightApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[greenlightApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EnvironmentsStrip />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EnvironmentsStrip', () => {
  it('shows what runs in each environment, asking for this entity', async () => {
    const getEnvironments = jest.fn(async () => [
      {
        name: 'staging',
        tier: 'staging',
        order: 1,
        current: {
          releaseId: 'r1',
          artifactDigest: `sha256:${'ab'.repeat(32)}`,
          version: '1.4.0',
          commitSha: 'abc1234',
          since: '2026-01-01T10:00:00Z',
          actor: 'ada',
        },
        waiting: { count: 0, commits: [] },
      },
      { name: 'production', tier: 'production', order: 2, current: null, waiting: { count: 3, commits: [] } },
    ]);
    await renderWith({ getEnvironments });
    expect(getEnvironments).toHaveBeenCalledWith('component:default/payments');
    expect(await screen.findByText('1.4.0')).toBeInTheDocument();
    expect(screen.getByText('abababababab')).toBeInTheDocument();
    expect(screen.getByText('Not deployed')).toBeInTheDocument();
    expect(screen.getByText('3 commits waiting to be promoted')).toBeInTheDocument();
  });

  it('says so when nothing was deployed', async () => {
    await renderWith({
      getEnvironments: async () => [
        { name: 'production', tier: 'production', order: 2, current: null, waiting: { count: 0, commits: [] } },
      ],
    });
    expect(await screen.findByText('Nothing deployed yet')).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    await renderWith({
      getEnvironments: async () => {
        throw new Error('backend down');
      },
    });
    expect((await screen.findAllByText(/backend down/)).length).toBeGreaterThan(0);
  });
});
