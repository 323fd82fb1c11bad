import { screen } from '@testing-library/react';
import { rollout } from '../../__testUtils__/fixtures';
import { renderForEntity } from '../../__testUtils__/renderForEntity';
import { DeliveryRefreshProvider } from '../../hooks/useDeliveryRefresh';
import { RolloutSection } from './RolloutSection';

describe('RolloutSection', () => {
  it('follows a rollout under way while its release is open on the Delivery tab', async () => {
    // The first answer is the canary being analysed; later ones, its rollback.
    const getRollout = jest
      .fn()
      .mockResolvedValueOnce(rollout({ state: 'analysing' }))
      .mockResolvedValue(
        rollout({
          state: 'rolled-back',
          rollback: {
            status: 'succeeded',
            executor: 'webhook',
            attempts: 1,
            reason: 'checkout/error-rate: 3 consecutive evaluations failed',
            executedAt: '2026-11-02T10:04:00Z',
          },
        }),
      );
    await renderForEntity(
      // The tab's refresh, polling quickly since this app has no signals.
      <DeliveryRefreshProvider
        entityRef="component:default/payments"
        intervalMs={50}
      >
        <RolloutSection rolloutId="ro-1" />
      </DeliveryRefreshProvider>,
      { api: { getRollout } },
    );
    expect(
      await screen.findByText(
        'checkout/error-rate: 3 consecutive evaluations failed',
        { exact: false },
        { timeout: 3000 },
      ),
    ).toBeInTheDocument();
    expect(getRollout.mock.calls.length).toBeGreaterThan(1);
  });

  it('loads once outside the Delivery tab', async () => {
    const getRollout = jest.fn(async () => rollout());
    await renderForEntity(<RolloutSection rolloutId="ro-1" />, {
      api: { getRollout },
    });
    await screen.findByRole('region', { name: 'Gate checkout/error-rate' });
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(getRollout).toHaveBeenCalledTimes(1);
  });
});
