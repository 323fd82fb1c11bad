import type { Entity } from '@backstage/catalog-model';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { environments } from '../../__testUtils__/fixtures';
import { countAtFirstCommitAfterPrefetch } from '../../__testUtils__/firstCommit';
import { renderForEntity, responseError } from '../../__testUtils__/renderForEntity';
import { GreenlightApi } from '../../api';
import { EnvironmentsPanel, EnvironmentsStrip, RunningWhereCard } from './EnvironmentsStrip';

const renderWith = (api: Partial<GreenlightApi>, element = <EnvironmentsStrip />) => renderForEntity(element, { api });

describe('EnvironmentsStrip', () => {
  it('shows environments prefetched before it loaded on its first render, without asking again', async () => {
    const getEnvironments = jest.fn(async () => environments());
    const api = {
      getEnvironments,
      listReleases: jest.fn(async () => ({ items: [] })),
      countReleases: jest.fn(async () => 0),
    };
    const firstCells = await countAtFirstCommitAfterPrefetch(
      <EnvironmentsStrip />,
      '[role="group"][aria-label^="Environment "]',
      { api },
    );
    expect(firstCells).toBe(2);
    expect(within(screen.getByRole('group', { name: 'Environment staging' })).getByText('1.4.0')).toBeInTheDocument();
    expect(getEnvironments).toHaveBeenCalledTimes(1);
  });

  it('shows what runs in each environment in promotion order, asking for this entity', async () => {
    const getEnvironments = jest.fn(async () => [...environments()].reverse());
    await renderWith({ getEnvironments });
    expect(getEnvironments).toHaveBeenCalledWith('component:default/payments');

    const groups = await screen.findAllByRole('group', { name: /^Environment / });
    expect(groups.map(g => g.getAttribute('aria-label'))).toEqual(['Environment staging', 'Environment production']);

    const staging = within(groups[0]);
    expect(staging.getByText('1.4.0')).toBeInTheDocument();
    expect(staging.getByText('abababababab')).toBeInTheDocument();
    expect(staging.getByLabelText('Provenance: Verified')).toBeInTheDocument();
    expect(staging.getByLabelText('Promotion: First stage')).toBeInTheDocument();
    expect(staging.getByRole('link', { name: /^Commit 9b2e41c/ })).toHaveAttribute(
      'href',
      'https://github.com/acme/payments/commit/9b2e41c0ffee9b2e41c0ffee9b2e41c0ffee9b2e',
    );
    expect(staging.getByText(/by ada/)).toBeInTheDocument();

    const production = within(groups[1]);
    expect(production.getByLabelText('Provenance: Invalid (signature does not verify)')).toBeInTheDocument();
    expect(production.getByLabelText('Promotion: Rebuilt')).toBeInTheDocument();
  });

  it.each([
    ['the Delivery tab', <EnvironmentsStrip />],
    ["the Overview's card", <RunningWhereCard />],
  ])('links the deploying actor to their catalog page when a user, and leaves a pipeline as text, on %s', async (_, element) => {
    const ada: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'ada' }, spec: {} };
    const [staging, production] = environments();
    // Staging was deployed by ada, a catalog user; production by the pipeline's own subject.
    const byPipeline = { ...production, current: { ...production.current!, actor: 'local-pipelines' } };
    await renderForEntity(element, {
      api: { getEnvironments: async () => [staging, byPipeline] },
      catalogEntities: [ada],
    });

    const stagingCell = within(await screen.findByRole('group', { name: 'Environment staging' }));
    expect(await stagingCell.findByRole('link', { name: 'ada' })).toHaveAttribute('href', '/catalog/default/user/ada');

    const productionCell = within(screen.getByRole('group', { name: 'Environment production' }));
    expect(productionCell.getByText(/by local-pipelines$/)).toBeInTheDocument();
    expect(productionCell.queryByRole('link', { name: 'local-pipelines' })).not.toBeInTheDocument();
  });

  it('lists the commits waiting to be promoted on demand', async () => {
    await renderWith({ getEnvironments: async () => environments() });
    const toggle = await screen.findByRole('button', { name: /2 commits waiting to be promoted/ });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByText('Retry card declines once')).not.toBeInTheDocument();
    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const list = screen.getByRole('list', { name: 'Commits waiting for production' });
    expect(within(list).getByText('Retry card declines once')).toBeInTheDocument();
    expect(within(list).getByText('and 1 more')).toBeInTheDocument();
  });

  it('keeps the overview card compact: no commit links, a count of waiting commits', async () => {
    await renderWith({ getEnvironments: async () => environments() }, <RunningWhereCard />);
    expect(await screen.findByText('1.4.0')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /^Commit / })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: /2 commits waiting to be promoted/ })).toBeDisabled();
  });

  it('shows the artifact a rollback restored, and which deployment first shipped it', async () => {
    const [staging, production] = environments();
    const restored = {
      ...production,
      current: { ...production.current!, releaseId: 'payments-1.5.0-rollback', version: '1.4.0', restoredFrom: 'payments-1.4.0-production' },
    };
    const onOpenRelease = jest.fn();
    // The Delivery tab's panel, which opens a release in its drawer.
    await renderWith({}, <EnvironmentsPanel state={{ loading: false, value: [staging, restored] }} onOpenRelease={onOpenRelease} />);
    const productionGroup = await screen.findByRole('group', { name: 'Environment production' });
    const cell = within(productionGroup);
    expect(cell.getByText('1.4.0')).toBeInTheDocument();
    expect(productionGroup).toHaveTextContent('Restored by a rollback · first shipped by payments-1.4.0-production');
    // The deployment that first shipped it is one click away, like "rolled back by" in the table.
    await userEvent.click(cell.getByRole('button', { name: 'Open release payments-1.4.0-production, which first shipped it' }));
    expect(onOpenRelease).toHaveBeenCalledWith('payments-1.4.0-production');
    const other = within(screen.getByRole('group', { name: 'Environment staging' }));
    expect(other.queryByText(/Restored by a rollback/)).not.toBeInTheDocument();
  });

  it('names what runs by its commit, else its artifact, never by a dash', async () => {
    const [staging, production] = environments();
    const commitOnly = { ...staging, current: { ...staging.current!, version: null } };
    const digestOnly = { ...production, current: { ...production.current!, version: null, commitSha: null } };
    await renderWith({ getEnvironments: async () => [commitOnly, digestOnly] });
    const stagingCell = within(await screen.findByRole('group', { name: 'Environment staging' }));
    expect(stagingCell.getByRole('heading', { level: 3 }).nextElementSibling).toHaveTextContent(
      staging.current!.commitSha!.slice(0, 7),
    );
    const productionGroup = screen.getByRole('group', { name: 'Environment production' });
    const title = within(productionGroup).getByRole('heading', { level: 3 }).nextElementSibling;
    expect(title).toHaveTextContent(production.current!.artifactDigest!.replace(/^sha256:/, '').slice(0, 12));
    expect(productionGroup).not.toHaveTextContent('—');
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

  it('explains a permission refusal instead of reporting a fault', async () => {
    const denied = await responseError(403, 'greenlight.release.read is not allowed');
    await renderWith({
      getEnvironments: async () => {
        throw denied;
      },
    });
    expect(await screen.findByText('Permission required')).toBeInTheDocument();
    expect(screen.getByText(/greenlight.release.read is not allowed/)).toBeInTheDocument();
  });
});
