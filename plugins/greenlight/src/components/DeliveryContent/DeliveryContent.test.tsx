import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  environments,
  release,
  releaseDetail,
  rollout,
} from '../../__testUtils__/fixtures';
import { renderForEntity } from '../../__testUtils__/renderForEntity';
import { DeliveryContent } from './DeliveryContent';

function renderTab() {
  return renderForEntity(<DeliveryContent />, {
    api: {
      getEnvironments: jest.fn(async () => environments()),
      listReleases: jest.fn(async () => ({
        items: [
          release({ id: 'r-2', version: '1.2.0' }),
          release({ id: 'r-1', version: '1.1.0' }),
        ],
      })),
      listRollouts: jest.fn(async () => []),
      getUnattributedIncidents: jest.fn(async () => ({
        entityRef: 'component:default/payments',
        windowHours: 24,
        items: [],
        decided: [],
      })),
      listChanges: jest.fn(async () => []),
      getRollout: jest.fn(async () => rollout()),
      getRelease: jest.fn(async (id: string) => releaseDetail({ id })),
      getArtifact: jest.fn(async () => {
        throw new Error('not in this test');
      }),
    },
    routeEntries: ['/delivery'],
  });
}

describe('DeliveryContent', () => {
  it('skips straight to the first release for a keyboard', async () => {
    await renderTab();
    await screen.findByText('1.2.0');
    const skip = screen.getByRole('link', { name: 'Skip to release history' });
    await userEvent.tab();
    expect(skip).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(
      screen.getByRole('button', { name: /^Open release 1\.2\.0/ }),
    ).toHaveFocus();
  });

  it('opens a release with Enter and gives focus back to its row when Esc closes the drawer', async () => {
    await renderTab();
    await screen.findByText('1.1.0');
    const detail = screen.getByRole('button', {
      name: /^Open release 1\.1\.0/,
    });
    detail.focus();
    await userEvent.keyboard('{Enter}');
    const drawer = await screen.findByRole('dialog', {
      name: 'Release detail',
    });
    expect(drawer).toBeInTheDocument();

    await userEvent.keyboard('{Escape}');
    await waitFor(() =>
      expect(
        screen.queryByRole('dialog', { name: 'Release detail' }),
      ).not.toBeInTheDocument(),
    );
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: /^Open release 1\.1\.0/ }),
      ).toHaveFocus(),
    );
  });
});
