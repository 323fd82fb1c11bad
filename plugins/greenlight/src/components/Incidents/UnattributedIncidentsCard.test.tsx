import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { componentEntity } from '../../__testUtils__/fixtures';
import { renderForEntity } from '../../__testUtils__/renderForEntity';
import type { GreenlightApi, UnattributedIncidentsResponse } from '../../api';
import { UnattributedIncidentsCard } from './UnattributedIncidentsCard';

const response = (): UnattributedIncidentsResponse => ({
  entityRef: 'component:default/payments',
  windowHours: 24,
  items: [
    {
      id: 'inc-1',
      title: 'Checkout 500s after 1.4.0',
      severity: 'P1',
      detectedAt: '2026-11-26T10:00:00.000Z',
      environment: 'production',
      entityRefs: ['component:default/payments'],
      candidates: [
        {
          deploymentId: 'd4',
          entityRef: 'component:default/payments',
          environment: 'production',
          status: 'succeeded',
          version: '1.4.0',
          time: '2026-11-26T09:00:00.000Z',
          score: 7,
          evidence: [
            { kind: 'referenced', detail: 'The incident names version 1.4.0' },
            {
              kind: 'running',
              detail:
                'It was running in production when the incident was detected',
            },
          ],
        },
      ],
    },
  ],
  decided: [],
});

function render(api: Partial<GreenlightApi>, allowed: boolean) {
  // Permission answers are cached per entity, so the refused reader looks at another one.
  const name = allowed ? 'payments' : 'payments-refused';
  const entity = {
    ...componentEntity,
    metadata: { ...componentEntity.metadata, name },
  };
  return renderForEntity(<UnattributedIncidentsCard />, {
    api,
    allowed,
    entity,
  });
}

describe('UnattributedIncidentsCard', () => {
  it('lists candidates with their evidence and records the decision with its note', async () => {
    const attributeIncident = jest.fn(async () => ({} as any));
    const getUnattributedIncidents = jest.fn(async () => response());
    await render({ getUnattributedIncidents, attributeIncident }, true);

    const incident = await screen.findByRole('region', {
      name: 'Checkout 500s after 1.4.0',
    });
    const row = within(incident).getByText('d4').closest('tr')!;
    expect(
      within(row).getByText('The incident names version 1.4.0'),
    ).toBeInTheDocument();
    fireEvent.change(within(incident).getByLabelText('Note'), {
      target: { value: 'config change' },
    });
    fireEvent.click(
      within(row as HTMLElement).getByRole('button', {
        name: 'Caused by this deployment',
      }),
    );
    await waitFor(() =>
      expect(attributeIncident).toHaveBeenCalledWith('inc-1', {
        deploymentId: 'd4',
        note: 'config change',
      }),
    );
    await waitFor(() =>
      expect(getUnattributedIncidents).toHaveBeenCalledTimes(2),
    );
  });

  it('records that no change caused it', async () => {
    const attributeIncident = jest.fn(async () => ({} as any));
    await render(
      { getUnattributedIncidents: async () => response(), attributeIncident },
      true,
    );
    fireEvent.click(
      await screen.findByRole('button', { name: 'Not caused by a change' }),
    );
    await waitFor(() =>
      expect(attributeIncident).toHaveBeenCalledWith('inc-1', {
        notCausedByChange: true,
      }),
    );
  });

  it('shows no decision buttons without the permission', async () => {
    await render({ getUnattributedIncidents: async () => response() }, false);
    expect(
      await screen.findByText('The incident names version 1.4.0'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Caused by this deployment' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Not caused by a change' }),
    ).not.toBeInTheDocument();
  });

  it('offers to undo a decision', async () => {
    const undoIncidentAttribution = jest.fn(async () => undefined);
    const decided = {
      ...response(),
      items: [],
      decided: [
        {
          incidentId: 'inc-1',
          title: 'Checkout 500s after 1.4.0',
          verdict: 'deployment' as const,
          deploymentId: 'd4',
          actor: 'user:default/olivia',
          attributedAt: '2026-11-27T08:00:00.000Z',
        },
      ],
    };
    await render(
      {
        getUnattributedIncidents: async () => decided,
        undoIncidentAttribution,
      },
      true,
    );
    expect(
      await screen.findByText('Every incident is attributed'),
    ).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Undo the decision about Checkout 500s after 1.4.0',
      }),
    );
    await waitFor(() =>
      expect(undoIncidentAttribution).toHaveBeenCalledWith('inc-1'),
    );
  });
});
