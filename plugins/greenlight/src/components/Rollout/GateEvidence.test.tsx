import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { rollout } from '../../__testUtils__/fixtures';
import { renderForEntity } from '../../__testUtils__/renderForEntity';
import { GateEvaluationView, RolloutQuery, RolloutView } from '../../api';
import { ActiveRollouts } from './ActiveRollouts';
import { RolloutSection } from './RolloutSection';

/** An error-ratio gate, declared in ratio, as the backend answers it now. */
function ratioEvaluation(
  overrides: Partial<GateEvaluationView> = {},
): GateEvaluationView {
  return {
    at: '2026-11-02T10:02:00Z',
    gateId: 'checkout/error-rate',
    kind: 'threshold',
    shadow: false,
    query: 'sum(rate(errors[1m])) / sum(rate(requests[1m]))',
    value: 0.08275853897787058,
    threshold: 0.02,
    comparator: '<',
    unit: 'ratio',
    verdict: 'fail',
    decision: 'continue',
    reason: '8.3% is above the 2% limit',
    ...overrides,
  };
}

const passing = ratioEvaluation({
  at: '2026-11-02T10:01:00Z',
  value: 0.004,
  verdict: 'pass',
  reason: '0.4% is within the 2% limit',
});

function renderCard(...rollouts: RolloutView[]) {
  const listRollouts = jest.fn(async (query: RolloutQuery) =>
    rollouts.filter(r => r.state === query.state),
  );
  return renderForEntity(
    <ActiveRollouts
      entityRef="component:default/payments"
      pollIntervalMs={60_000}
    />,
    {
      api: { listRollouts },
    },
  );
}

describe('gate evidence with units', () => {
  it('says the latest evidence under the gate and in its table, from the numbers', async () => {
    // The stored reason is not what is shown: the sentence is said from value, threshold,
    // comparator and unit (0.0828 as a percentage is 8.28%, one decimal from 1 up: 8.3%).
    await renderCard(
      rollout({
        evaluations: [passing, ratioEvaluation({ reason: 'stored text' })],
      }),
    );
    const gate = within(
      await screen.findByRole('region', { name: 'Gate checkout/error-rate' }),
    );
    expect(
      gate.getByText('Latest evaluation: 8.3% is above the 2% limit'),
    ).toBeInTheDocument();
    await userEvent.click(
      gate.getByRole('button', { name: /Chart and 2 evaluations/ }),
    );
    const table = within(
      gate.getByRole('table', {
        name: 'Evaluations of gate checkout/error-rate',
      }),
    );
    expect(table.getByText('8.3% is above the 2% limit')).toBeInTheDocument();
    expect(table.getByText('0.4% is within the 2% limit')).toBeInTheDocument();
    expect(table.getByText('8.3%')).toBeInTheDocument();
    expect(table.getAllByText('2%')).toHaveLength(2);
    // The decisions in words, not the wire values.
    expect(table.queryByText('continue')).not.toBeInTheDocument();
    expect(
      table.getAllByText(/^(Continue|Roll back|Promote|Pause: inconclusive)$/),
    ).toHaveLength(2);
  });

  it('says a latency above every histogram bucket', async () => {
    const above = ratioEvaluation({
      value: null,
      nonFiniteValue: 'Infinity',
      threshold: 0.5,
      unit: 'seconds',
      reason: '',
    });
    await renderCard(rollout({ evaluations: [above] }));
    expect(
      await screen.findByText(
        'Latest evaluation: ∞ (above every bucket) is above the 500 ms limit',
      ),
    ).toBeInTheDocument();
  });

  it('says why a rollout was rolled back with what its gate last measured', async () => {
    const executedAt = new Date(Date.now() - 5 * 60_000).toISOString();
    const rolledBack = rollout({
      state: 'rolled-back',
      updatedAt: executedAt,
      evaluations: [passing, ratioEvaluation({ decision: 'rollback' })],
      rollback: {
        status: 'succeeded',
        executor: 'demo',
        attempts: 1,
        reason: 'error ratio 3 failures in a row',
        executedAt,
      },
    });
    await renderCard(rolledBack);
    expect(
      await screen.findByText(
        `Rolled back at ${new Date(
          executedAt,
        ).toLocaleTimeString()}: error ratio 3 failures in a row (last: 8.3% is above the 2% limit)`,
      ),
    ).toBeInTheDocument();
  });

  it('does not say the evidence twice when the watcher already wrote it into the reason', async () => {
    const executedAt = new Date(Date.now() - 60_000).toISOString();
    const reason =
      'checkout/error-rate: 2 consecutive evaluations failed (last: 8.3% is above the 2% limit)';
    await renderCard(
      rollout({
        state: 'rolled-back',
        updatedAt: executedAt,
        evaluations: [ratioEvaluation({ decision: 'rollback' })],
        rollback: {
          status: 'succeeded',
          executor: 'demo',
          attempts: 1,
          reason,
          executedAt,
        },
      }),
    );
    expect(
      await screen.findByText(
        `Rolled back at ${new Date(
          executedAt,
        ).toLocaleTimeString()}: ${reason}`,
      ),
    ).toBeInTheDocument();
  });

  it('shows the rollback evidence of the release drawer with units', async () => {
    const getRollout = jest.fn(async () =>
      rollout({
        state: 'rolled-back',
        evaluations: [passing, ratioEvaluation({ decision: 'rollback' })],
        rollback: {
          status: 'succeeded',
          executor: 'argo-rollouts',
          attempts: 1,
          reason: 'checkout/error-rate: 2 consecutive evaluations failed',
          executedAt: '2026-11-02T10:02:30Z',
        },
      }),
    );
    await renderForEntity(<RolloutSection rolloutId="ro-1" />, {
      api: { getRollout },
    });
    const rollback = within(
      await screen.findByRole('region', { name: 'Rollback' }),
    );
    expect(
      rollback.getByText(
        'checkout/error-rate: 2 consecutive evaluations failed (last: 8.3% is above the 2% limit)',
      ),
    ).toBeInTheDocument();
    expect(
      rollback.getByText(
        /gate checkout\/error-rate: 8\.3% is above the 2% limit$/,
      ),
    ).toBeInTheDocument();
  });

  it('keeps the stored reason of rows written before the comparison was kept', async () => {
    const older = ratioEvaluation({
      comparator: undefined,
      unit: undefined,
      reason: '0.08275853897787058 is not < 0.02',
    });
    await renderCard(rollout({ evaluations: [older] }));
    const gate = within(
      await screen.findByRole('region', { name: 'Gate checkout/error-rate' }),
    );
    expect(gate.queryByText(/^Latest evaluation/)).not.toBeInTheDocument();
    await userEvent.click(
      gate.getByRole('button', { name: /Chart and 1 evaluation/ }),
    );
    expect(gate.getByText('0.0828 is not < 0.02')).toBeInTheDocument();
    expect(gate.getByText('0.0828')).toBeInTheDocument();
  });
});
