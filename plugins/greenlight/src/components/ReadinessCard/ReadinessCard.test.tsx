import { screen } from '@testing-library/react';
import { renderForEntity, responseError } from '../../__testUtils__/renderForEntity';
import { GreenlightApi } from '../../api';
import { ReadinessCard } from './ReadinessCard';

const renderCard = (api: Partial<GreenlightApi>) => renderForEntity(<ReadinessCard />, { api });

describe('ReadinessCard', () => {
  it('shows each check with its verdict in words and why', async () => {
    const getChecklist = jest.fn(async () => ({
      entityRef: 'component:default/payments',
      checks: [
        { id: 'mandatory-tests' as const, title: 'Mandatory tests', status: 'pass' as const, reason: 'Every production deployment had passing tests' },
        { id: 'signed-traceable' as const, title: 'Signed and traceable', status: 'fail' as const, reason: '1.3.0 in production is unsigned' },
        { id: 'progressive-rollback' as const, title: 'Progressive delivery with rollback', status: 'pass' as const, reason: 'Canary with SLO gates' },
        { id: 'dora-reviewed' as const, title: 'DORA reviewed', status: 'fail' as const, reason: 'No team review in 90 days' },
      ],
    }));
    await renderCard({ getChecklist });
    expect(await screen.findByRole('list', { name: 'Production readiness: 2 of 4 checks pass' })).toBeInTheDocument();
    expect(getChecklist).toHaveBeenCalledWith('component:default/payments');
    expect(screen.getByText('Mandatory tests: Pass')).toBeInTheDocument();
    expect(screen.getByText('Signed and traceable: Fail')).toBeInTheDocument();
    expect(screen.getByText('1.3.0 in production is unsigned')).toBeInTheDocument();
    expect(screen.getByText('DORA reviewed: Fail')).toBeInTheDocument();
    // A reason naming a whole digest wraps inside the card instead of running out of it.
    expect(getComputedStyle(screen.getByText('1.3.0 in production is unsigned')).overflowWrap).toBe('anywhere');
  });

  it('says when there is no check', async () => {
    await renderCard({ getChecklist: async () => ({ entityRef: 'x', checks: [] }) });
    expect(await screen.findByText('No readiness check')).toBeInTheDocument();
  });

  it('shows errors and permission refusals', async () => {
    const denied = await responseError(403, 'checklist not allowed');
    await renderCard({
      getChecklist: async () => {
        throw denied;
      },
    });
    expect(await screen.findByText('Permission required')).toBeInTheDocument();
    expect(screen.getByText(/checklist not allowed/)).toBeInTheDocument();
  });

  it('shows a server error', async () => {
    await renderCard({
      getChecklist: async () => {
        throw new Error('governance down');
      },
    });
    expect((await screen.findAllByText(/governance down/)).length).toBeGreaterThan(0);
  });
});
