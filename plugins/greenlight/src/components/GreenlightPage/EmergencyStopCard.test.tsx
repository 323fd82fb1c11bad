import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderForEntity } from '../../__testUtils__/renderForEntity';
import type { EmergencyStopView, GreenlightApi } from '../../api';
import { EmergencyStopCard } from './EmergencyStopCard';

function fakeStops() {
  let stops: EmergencyStopView[] = [];
  const api: Partial<GreenlightApi> = {
    listEmergencyStops: jest.fn(async () => stops),
    pullEmergencyStop: jest.fn(async ({ reason, environment }) => {
      const stop: EmergencyStopView = {
        scope: environment ? 'environment' : 'organisation',
        environment: environment ?? null,
        reason,
        pulledBy: 'user:default/ada',
        pulledAt: '2026-12-01T10:00:00.000Z',
      };
      stops = [stop];
      return stop;
    }),
    liftEmergencyStop: jest.fn(async () => {
      stops = [];
    }),
  };
  return api;
}

describe('EmergencyStopCard', () => {
  it('lets someone allowed pull and lift the stop, with a reason', async () => {
    const api = fakeStops();
    await renderForEntity(<EmergencyStopCard />, { api });
    expect(await screen.findByText('No emergency stop')).toBeInTheDocument();
    const pull = screen.getByRole('button', {
      name: 'Pull the emergency stop',
    });
    expect(pull).toBeDisabled();
    await userEvent.type(
      screen.getByLabelText(/Reason/),
      'Payment network outage',
    );
    await userEvent.click(pull);
    expect(api.pullEmergencyStop).toHaveBeenCalledWith({
      reason: 'Payment network outage',
    });
    expect(
      await screen.findByText('Emergency stop in force'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/the whole organisation: pulled by user:default\/ada/),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', {
        name: 'Lift the stop for the whole organisation',
      }),
    );
    expect(api.liftEmergencyStop).toHaveBeenCalledWith(undefined);
    await waitFor(() =>
      expect(screen.getByText('No emergency stop')).toBeInTheDocument(),
    );
  });

  it('shows the state but no controls to those without the permission', async () => {
    const api = fakeStops();
    await api.pullEmergencyStop!({
      reason: 'Freeze for the audit',
      environment: 'production',
    });
    await renderForEntity(<EmergencyStopCard />, {
      api,
      allowed: name => name !== 'greenlight.emergencystop.manage',
    });
    expect(
      await screen.findByText(
        /environment production: pulled by user:default\/ada/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Lift the stop/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Pull the emergency stop' }),
    ).not.toBeInTheDocument();
  });
});
