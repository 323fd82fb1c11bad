import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router-dom';
import { doraResponse, environments, groupEntity, release, releaseDetail, rollout } from './__testUtils__/fixtures';
import { renderForEntity } from './__testUtils__/renderForEntity';
import { GreenlightApi } from './api';
import {
  EntityDoraCard,
  EntityDoraReviewContent,
  EntityGreenlightContent,
  EntityReadinessCard,
  EntityRunningWhereCard,
  greenlightPlugin,
} from './index';

function Location() {
  return <output aria-label="location">{useLocation().search}</output>;
}

const deliveryApi = (): Partial<GreenlightApi> => ({
  getEnvironments: async () => environments(),
  listReleases: async () => ({ items: [release()] }),
  listRollouts: async query => (query.state === 'analysing' ? [rollout()] : []),
  getRelease: async () => releaseDetail({ rolloutId: undefined }),
  getArtifact: async () => ({ digest: 'sha256:ab', builds: [], attestations: [] }),
  getUnattributedIncidents: async entityRef => ({ entityRef, windowHours: 24, items: [], decided: [] }),
});

describe('legacy frontend system exports', () => {
  it('is the greenlight plugin with its page and entity tab routes', () => {
    expect(greenlightPlugin.getId()).toBe('greenlight');
    expect(Object.keys(greenlightPlugin.routes)).toEqual([
      'root',
      'delivery',
      'doraReview',
      'governance',
      'teamGovernance',
    ]);
  });

  it('renders the Delivery tab: environments, live rollout, history, and a release in a drawer', async () => {
    await renderForEntity(
      <>
        <Routes>
          <Route path="/delivery" element={<EntityGreenlightContent />} />
        </Routes>
        <Location />
      </>,
      { api: deliveryApi(), routeEntries: ['/delivery'] },
    );
    expect(await screen.findByRole('group', { name: 'Environment production' })).toBeInTheDocument();
    expect(await screen.findByLabelText('Rollout state: Analysing')).toBeInTheDocument();
    expect(await screen.findByText('Release history')).toBeInTheDocument();

    await userEvent.click(await screen.findByRole('button', { name: 'Open release 1.4.0 in production' }));
    expect(screen.getByLabelText('location')).toHaveTextContent('?release=payments-1.4.0-production');
    const drawer = within(await screen.findByRole('dialog', { name: 'Release detail' }));
    expect(await drawer.findByRole('heading', { name: '1.4.0 to production' })).toBeInTheDocument();
    expect(drawer.getByText('Retry card declines once')).toBeInTheDocument();

    await userEvent.click(drawer.getByRole('button', { name: 'Close release detail' }));
    await waitFor(() => expect(screen.getByLabelText('location')).toHaveTextContent(/^$/));
  });

  it('opens the release running in an environment from the strip', async () => {
    const getRelease = jest.fn(async () => releaseDetail({ rolloutId: undefined }));
    await renderForEntity(
      <Routes>
        <Route path="/delivery" element={<EntityGreenlightContent />} />
      </Routes>,
      { api: { ...deliveryApi(), getRelease }, routeEntries: ['/delivery'] },
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Open release 1.3.0 in production' }));
    await waitFor(() => expect(getRelease).toHaveBeenCalledWith('payments-1.3.0-production'));
  });

  it('renders the overview cards', async () => {
    await renderForEntity(
      <>
        <EntityRunningWhereCard />
        <EntityDoraCard />
        <EntityReadinessCard />
      </>,
      {
        api: {
          getEnvironments: async () => environments(),
          getDora: async () => doraResponse(),
          getChecklist: async () => ({ entityRef: 'component:default/payments', checks: [] }),
        },
      },
    );
    expect(await screen.findByText('Running where')).toBeInTheDocument();
    expect(await screen.findByRole('table', { name: 'DORA metrics' })).toBeInTheDocument();
    expect(await screen.findByText('Production readiness')).toBeInTheDocument();
  });

  it('renders the DORA review tab for a group', async () => {
    await renderForEntity(
      <Routes>
        <Route path="/dora-review" element={<EntityDoraReviewContent />} />
      </Routes>,
      {
        api: { getDora: async () => doraResponse(), listDoraSignOffs: async () => [] },
        entity: groupEntity,
        routeEntries: ['/dora-review'],
      },
    );
    expect(await screen.findByRole('heading', { name: /DORA review of Team A/ })).toBeInTheDocument();
  });
});
