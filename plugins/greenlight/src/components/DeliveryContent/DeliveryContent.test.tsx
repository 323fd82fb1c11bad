import { signalApiRef } from '@backstage/plugin-signals-react';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  environments,
  release,
  releaseDetail,
  rollout,
} from '../../__testUtils__/fixtures';
import { renderForEntity } from '../../__testUtils__/renderForEntity';
import { SIGNALS_CATCH_UP_MS } from '../../hooks/useDeliveryRefresh';
import { DeliveryContent } from './DeliveryContent';

/** A signals API whose messages the test sends; records the channels subscribed to. */
function fakeSignals() {
  const listeners = new Map<string, (message: any) => void>();
  return {
    api: {
      subscribe(channel: string, onMessage: (message: any) => void) {
        listeners.set(channel, onMessage);
        return { unsubscribe: () => listeners.delete(channel) };
      },
    },
    channels: () => [...listeners.keys()],
    send(channel: string, message: object) {
      listeners.get(channel)?.(message);
    },
  };
}

async function renderTab(
  options: { signals?: ReturnType<typeof fakeSignals> } = {},
) {
  const api = {
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
  };
  await renderForEntity(<DeliveryContent />, {
    apis: options.signals ? [[signalApiRef, options.signals.api]] : [],
    api,
    routeEntries: ['/delivery'],
  });
  return { api };
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
    // The drawer leaves after its exit transition; on a loaded machine that can take longer
    // than the default second.
    await waitFor(
      () =>
        expect(
          screen.queryByRole('dialog', { name: 'Release detail' }),
        ).not.toBeInTheDocument(),
      { timeout: 5000 },
    );
    await waitFor(
      () =>
        expect(
          screen.getByRole('button', { name: /^Open release 1\.1\.0/ }),
        ).toHaveFocus(),
      { timeout: 5000 },
    );
  });
});

describe('DeliveryContent live updates', () => {
  it('reloads where it runs, the rollouts, the releases and the unattributed incidents at once when the entity is signalled', async () => {
    const signals = fakeSignals();
    const { api } = await renderTab({ signals });
    await screen.findByText('1.2.0');
    const {
      getEnvironments,
      listReleases,
      listRollouts,
      getUnattributedIncidents,
    } = api;
    expect(signals.channels()).toEqual([
      'greenlight:entity:component:default/payments',
    ]);
    expect(await screen.findByText(/updates live/)).toBeInTheDocument();
    const before = [
      getEnvironments.mock.calls.length,
      listReleases.mock.calls.length,
      listRollouts.mock.calls.length,
      getUnattributedIncidents.mock.calls.length,
    ];

    act(() =>
      signals.send('greenlight:entity:component:default/payments', {
        entityRef: 'component:default/payments',
        change: 'rollout',
      }),
    );
    await waitFor(() => {
      expect(getEnvironments.mock.calls.length).toBe(before[0] + 1);
      expect(listReleases.mock.calls.length).toBe(before[1] + 1);
      expect(listRollouts.mock.calls.length).toBeGreaterThan(before[2]);
      expect(getUnattributedIncidents.mock.calls.length).toBe(before[3] + 1);
    });
  });

  it('reloads once soon after it opens, for a change announced before its subscription was live', async () => {
    const signals = fakeSignals();
    const { api } = await renderTab({ signals });
    await screen.findByText('1.2.0');
    const before = [
      api.getEnvironments.mock.calls.length,
      api.listReleases.mock.calls.length,
    ];
    // No signal is sent: the reload comes from the tab itself, SIGNALS_CATCH_UP_MS after it opened.
    await waitFor(
      () => {
        expect(api.getEnvironments.mock.calls.length).toBe(before[0] + 1);
        expect(api.listReleases.mock.calls.length).toBe(before[1] + 1);
      },
      { timeout: SIGNALS_CATCH_UP_MS + 2_000 },
    );
  });

  it('says how often it polls when the app has no signals', async () => {
    await renderTab();
    await screen.findByText('1.2.0');
    expect(await screen.findByText(/refreshes every 10 s/)).toBeInTheDocument();
  });
});
