import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { rollout } from '../../__testUtils__/fixtures';
import { fakeAlertApi, renderForEntity, responseError } from '../../__testUtils__/renderForEntity';
import { GreenlightApi, RolloutQuery, RolloutView } from '../../api';
import { ActiveRollouts } from './ActiveRollouts';

/** Answers the analysing query with the given rollouts and every other state with none. */
function listing(...rollouts: RolloutView[]) {
  return jest.fn(async (query: RolloutQuery) => rollouts.filter(r => r.state === query.state));
}

function renderRollouts(api: Partial<GreenlightApi>, options: { pollIntervalMs?: number; alertApi?: ReturnType<typeof fakeAlertApi> } = {}) {
  return renderForEntity(
    <ActiveRollouts entityRef="component:default/payments" pollIntervalMs={options.pollIntervalMs ?? 60_000} />,
    { api, alertApi: options.alertApi },
  );
}

describe('ActiveRollouts', () => {
  it('shows the live state, the next evaluation and only the allowed actions', async () => {
    const listRollouts = listing(rollout({ allowedActions: ['pause', 'rollback'] }));
    await renderRollouts({ listRollouts });
    expect(await screen.findByLabelText('Rollout state: Analysing')).toBeInTheDocument();
    expect(listRollouts).toHaveBeenCalledWith({ entityRef: 'component:default/payments', state: 'analysing' });
    expect(listRollouts).toHaveBeenCalledWith({ entityRef: 'component:default/payments', state: 'paused' });
    expect(screen.getByText(/next evaluation/)).toHaveTextContent(new Date('2026-11-02T10:03:00Z').toLocaleString());
    expect(screen.getByLabelText('Latest verdict of checkout/error-rate: Fail')).toBeInTheDocument();
    // What is rolled out, and how close its gate is to a rollback: the latest of two evaluations failed.
    expect(screen.getByText('Rolling out payments-1.4.0-production (abababababab)')).toBeInTheDocument();
    expect(screen.getByText('1 failing evaluation in a row')).toBeInTheDocument();
    // The chart starts collapsed on the tab, so the release history stays within reach.
    expect(screen.queryByRole('img', { name: /^Gate checkout\/error-rate/ })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /Chart and 2 evaluations/ }));
    expect(await screen.findByRole('img', { name: /^Gate checkout\/error-rate/ })).toBeInTheDocument();

    const actions = within(screen.getByRole('group', { name: 'Rollout actions' }));
    expect(actions.getAllByRole('button').map(b => b.textContent)).toEqual(['Pause', 'Roll back']);
  });

  it('says what holds a promotion, and why a policy gate fails', async () => {
    const base = rollout();
    const reason = 'artifact sha256:abababababab… is unsigned: it has no attestation, and SLSA level 2 is required';
    const held = rollout({
      stateReason: `promotion held: policy gate policy/provenance: ${reason}`,
      gates: [
        ...base.gates,
        { id: 'policy/provenance', kind: 'policy', shadow: false, description: 'Policy: verified provenance' },
      ],
      evaluations: [
        ...base.evaluations,
        {
          at: '2026-11-02T10:02:00Z',
          gateId: 'policy/provenance',
          kind: 'policy',
          shadow: false,
          query: 'verified provenance at SLSA level 2 or higher',
          value: null,
          threshold: null,
          verdict: 'fail',
          decision: 'continue',
          reason,
        },
      ],
    });
    await renderRollouts({ listRollouts: listing(held) });
    expect(await screen.findByText(`Promotion held: policy gate policy/provenance: ${reason}`)).toHaveAttribute(
      'role',
      'status',
    );
    const gate = within(screen.getByRole('region', { name: 'Gate policy/provenance' }));
    // Said under the gate, not only in its collapsed table of evaluations.
    expect(gate.getAllByText(reason).map(e => e.tagName)).toEqual(['P', 'TD']);
    expect(gate.getByLabelText('Latest verdict of policy/provenance: Fail')).toBeInTheDocument();
    // Nothing to plot: a policy gate measures no metric.
    expect(gate.getByRole('button', { name: /^1 evaluation$/ })).toBeInTheDocument();
  });

  it('shows the version rolled out and how close each gate is to a decision, in its own rule', async () => {
    const base = rollout();
    await renderRollouts({
      listRollouts: listing(
        rollout({
          version: '1.4.0',
          gates: [{ ...base.gates[0], failureRule: { kind: 'k-of-n', k: 3, n: 5 }, evaluations: 12 }],
        }),
      ),
    });
    expect(await screen.findByText('Rolling out 1.4.0 · payments-1.4.0-production (abababababab)')).toBeInTheDocument();
    expect(
      screen.getByText('1 of 3 failures within the last 5 evaluations so far · evaluation 2 of 12'),
    ).toBeInTheDocument();
  });

  it('offers no action to a reader the backend allows none', async () => {
    await renderRollouts({ listRollouts: listing(rollout({ allowedActions: [] })) });
    expect(await screen.findByLabelText('Rollout state: Analysing')).toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Rollout actions' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Roll back|Pause|Promote|Resume/ })).not.toBeInTheDocument();
  });

  it('asks for a reason before rolling back, sends it and refreshes', async () => {
    const listRollouts = listing(rollout());
    const performRolloutAction = jest.fn(async () => rollout({ state: 'rolled-back' }));
    const alertApi = fakeAlertApi();
    await renderRollouts({ listRollouts, performRolloutAction }, { alertApi });
    await userEvent.click(await screen.findByRole('button', { name: 'Roll back' }));

    const dialog = within(screen.getByRole('dialog', { name: /Roll back the canary rollout in production/ }));
    const confirm = dialog.getByRole('button', { name: 'Roll back' });
    expect(confirm).toBeDisabled();
    await userEvent.click(dialog.getByLabelText('Reason'));
    await userEvent.paste('  error rate tripled  ');
    expect(confirm).toBeEnabled();
    const callsBefore = listRollouts.mock.calls.length;
    await userEvent.click(confirm);

    await waitFor(() =>
      expect(performRolloutAction).toHaveBeenCalledWith('ro-1', { action: 'rollback', reason: 'error rate tripled' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(alertApi.post).toHaveBeenCalledWith(expect.objectContaining({ severity: 'success' }));
    await waitFor(() => expect(listRollouts.mock.calls.length).toBeGreaterThan(callsBefore));
  });

  it('lets a pause go without a reason', async () => {
    const performRolloutAction = jest.fn(async () => rollout({ state: 'paused' }));
    await renderRollouts({ listRollouts: listing(rollout()), performRolloutAction });
    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    const dialog = within(screen.getByRole('dialog'));
    await userEvent.click(dialog.getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(performRolloutAction).toHaveBeenCalledWith('ro-1', { action: 'pause', reason: '' }));
  });

  it("keeps the dialog open with the backend's refusal when the action is forbidden", async () => {
    const denied = await responseError(403, 'greenlight.rollout.action is not allowed');
    const alertApi = fakeAlertApi();
    await renderRollouts(
      {
        listRollouts: listing(rollout({ allowedActions: ['promote'] })),
        performRolloutAction: async () => {
          throw denied;
        },
      },
      { alertApi },
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Promote' }));
    const dialog = within(screen.getByRole('dialog'));
    await userEvent.click(dialog.getByRole('button', { name: 'Promote' }));
    expect(await dialog.findByText(/Could not promote the rollout/)).toBeInTheDocument();
    expect(dialog.getAllByText(/greenlight.rollout.action is not allowed/).length).toBeGreaterThan(0);
    expect(alertApi.post).toHaveBeenCalledWith({
      message: 'Could not promote the rollout: greenlight.rollout.action is not allowed',
      severity: 'error',
    });
  });

  it('watches paused rollouts too, where resume is offered', async () => {
    await renderRollouts({ listRollouts: listing(rollout({ state: 'paused', allowedActions: ['resume', 'rollback'] })) });
    expect(await screen.findByLabelText('Rollout state: Paused')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Resume' })).toBeInTheDocument();
  });

  it('polls for changes', async () => {
    let state: RolloutView['state'] = 'analysing';
    const listRollouts = jest.fn(async (query: RolloutQuery) =>
      query.state === state ? [rollout({ state })] : [],
    );
    await renderRollouts({ listRollouts }, { pollIntervalMs: 50 });
    expect(await screen.findByLabelText('Rollout state: Analysing')).toBeInTheDocument();
    state = 'paused-inconclusive';
    expect(await screen.findByLabelText('Rollout state: Paused inconclusive')).toBeInTheDocument();
  });

  it('keeps the action dialog and the typed reason when the watcher rolls back meanwhile, and says so', async () => {
    let current = rollout({ allowedActions: ['pause', 'promote', 'rollback'] });
    const listRollouts = jest.fn(async (query: RolloutQuery) => [current].filter(r => r.state === query.state));
    const performRolloutAction = jest.fn();
    await renderRollouts({ listRollouts, performRolloutAction }, { pollIntervalMs: 50 });
    await userEvent.click(await screen.findByRole('button', { name: 'Promote' }));
    const dialog = within(screen.getByRole('dialog', { name: /Promote the canary rollout in production/ }));
    await userEvent.click(dialog.getByLabelText('Reason'));
    await userEvent.paste('metrics look fine');

    const executedAt = new Date(Date.now() - 1000).toISOString();
    current = rollout({
      state: 'rolled-back',
      updatedAt: executedAt,
      allowedActions: [],
      evaluations: [
        ...rollout().evaluations,
        { ...rollout().evaluations[0], decision: 'rollback', at: executedAt },
      ],
      rollback: { status: 'succeeded', executor: 'demo', attempts: 1, reason: 'error ratio 2 failures in a row', executedAt },
    });
    expect(
      await dialog.findByText(
        `The watcher rolled this rollout back at ${new Date(executedAt).toLocaleTimeString()} (error ratio 2 failures in a row); your promote is no longer needed.`,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(dialog.getByLabelText('Reason')).toHaveValue('metrics look fine');
    expect(dialog.getByRole('button', { name: 'Promote' })).toBeDisabled();
    // Behind the dialog the card already shows the outcome.
    expect(screen.getByLabelText('Rollout state: Rolled back')).toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(performRolloutAction).not.toHaveBeenCalled();
  });

  it('keeps a rollout the watcher rolled back on the card, with when and why', async () => {
    const executedAt = new Date(Date.now() - 5 * 60_000).toISOString();
    const rolledBack = rollout({
      state: 'rolled-back',
      updatedAt: executedAt,
      rollback: { status: 'succeeded', executor: 'demo', attempts: 1, reason: 'error ratio 3 failures in a row', executedAt },
    });
    const listRollouts = listing(rolledBack);
    await renderRollouts({ listRollouts });
    expect(await screen.findByLabelText('Rollout state: Rolled back')).toBeInTheDocument();
    expect(listRollouts).toHaveBeenCalledWith({ entityRef: 'component:default/payments', state: 'rolled-back' });
    expect(
      screen.getByText(`Rolled back at ${new Date(executedAt).toLocaleTimeString()}: error ratio 3 failures in a row`),
    ).toBeInTheDocument();
    expect(screen.queryByText('No rollout in progress.')).not.toBeInTheDocument();
  });

  it('lets finished rollouts older than an hour go', async () => {
    const old = new Date(Date.now() - 2 * 3600_000).toISOString();
    await renderRollouts({ listRollouts: listing(rollout({ state: 'promoted', updatedAt: old })) });
    expect(await screen.findByText('No rollout in progress.')).toBeInTheDocument();
  });

  it('says when nothing is rolling out, and shows refusals', async () => {
    await renderRollouts({ listRollouts: listing() });
    expect(await screen.findByText('No rollout in progress.')).toBeInTheDocument();
  });

  it('shows a permission refusal when every query is refused', async () => {
    const denied = await responseError(403, 'not allowed');
    await renderRollouts({
      listRollouts: async () => {
        throw denied;
      },
    });
    expect(await screen.findByText('Permission required')).toBeInTheDocument();
  });
});
