import { signalApiRef } from '@backstage/plugin-signals-react';
import { act, screen, waitFor, within } from '@testing-library/react';
import { releaseDetail, rollout } from '../../__testUtils__/fixtures';
import { renderForEntity } from '../../__testUtils__/renderForEntity';
import { DeliveryRefreshProvider } from '../../hooks/useDeliveryRefresh';
import { ReleaseDrawer } from './ReleaseDrawer';

const CHANNEL = 'greenlight:entity:component:default/payments';

/** A signals API whose messages the test sends. */
function fakeSignals() {
  const listeners = new Map<string, (message: any) => void>();
  return {
    api: {
      subscribe(channel: string, onMessage: (message: any) => void) {
        listeners.set(channel, onMessage);
        return { unsubscribe: () => listeners.delete(channel) };
      },
    },
    send(channel: string, message: object) {
      listeners.get(channel)?.(message);
    },
  };
}

describe('ReleaseDrawer live updates', () => {
  it('shows the rollback of the open release when the entity is signalled, without closing or losing focus', async () => {
    const signals = fakeSignals();
    const before = releaseDetail({
      status: 'succeeded',
      rolloutId: 'ro-1',
      rolledBackBy: [],
    });
    const after = releaseDetail({
      status: 'rolled-back',
      rolloutId: 'ro-1',
      rolledBackBy: ['payments-rollback-1'],
      audit: [
        ...before.audit,
        {
          at: '2026-11-02T10:40:00Z',
          actor: 'greenlight:rollout-watcher',
          action: 'rollout.rolled-back',
          details: {
            rolloutId: 'ro-1',
            reason: 'error ratio above 0.02 twice in a row',
          },
        },
      ],
    });
    let current = before;
    const getRelease = jest.fn(async () => current);
    const getRollout = jest.fn(async () => rollout());
    await renderForEntity(
      <DeliveryRefreshProvider entityRef="component:default/payments">
        <ReleaseDrawer
          releaseId="payments-1.4.0-production"
          onClose={() => {}}
        />
      </DeliveryRefreshProvider>,
      {
        api: {
          getRelease,
          getRollout,
          getArtifact: async () => ({
            digest: before.artifact!.digest,
            builds: [],
            attestations: [],
          }),
        },
        apis: [[signalApiRef, signals.api]],
      },
    );

    const drawer = await screen.findByRole('dialog', {
      name: 'Release detail',
    });
    expect(
      await within(drawer).findByLabelText('Release status: Succeeded'),
    ).toBeInTheDocument();
    const copy = within(drawer).getByRole('button', {
      name: /^Copy commit SHA/,
    });
    act(() => copy.focus());

    await waitFor(() => expect(getRollout).toHaveBeenCalledTimes(1));
    current = after;
    act(() =>
      signals.send(CHANNEL, {
        entityRef: 'component:default/payments',
        change: 'rollout',
      }),
    );

    expect(
      await within(drawer).findByLabelText('Release status: Rolled back'),
    ).toBeInTheDocument();
    expect(
      within(drawer).getByRole('link', { name: 'payments-rollback-1' }),
    ).toBeInTheDocument();
    expect(
      within(
        within(drawer).getByRole('region', { name: 'Audit trail' }),
      ).getByText('Rollout rolled back: error ratio above 0.02 twice in a row'),
    ).toBeInTheDocument();
    // Updated in place: the same drawer, the same button still focused.
    expect(screen.getByRole('dialog', { name: 'Release detail' })).toBe(drawer);
    expect(copy).toBeInTheDocument();
    expect(copy).toHaveFocus();
    await waitFor(() => expect(getRelease).toHaveBeenCalledTimes(2));
    // The rollout section follows the release's new status too.
    await waitFor(() => expect(getRollout).toHaveBeenCalledTimes(2));
  });
});
