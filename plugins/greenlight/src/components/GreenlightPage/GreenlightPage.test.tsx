import { screen, waitFor, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import type { DoraResponse } from '@greenlight/backstage-plugin-greenlight-common';
import type { DoraQuery } from '../../api';
import { doraResponse } from '../../__testUtils__/fixtures';
import { renderForEntity } from '../../__testUtils__/renderForEntity';
import { GreenlightOverview } from './GreenlightPage';

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments-team', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const system: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'commerce', namespace: 'default' },
  spec: { owner: 'payments-team' },
};

/** The team's figures, still leaving out its newest events (`rollups-refreshing`) or not. */
const figures = (refreshing: boolean): DoraResponse =>
  doraResponse({
    scope: { kind: 'group', ref: 'group:default/payments-team', entityRefs: 2 },
    dataQuality: refreshing
      ? [
          {
            id: 'rollups-refreshing',
            count: 1,
            examples: ['component:default/payments'],
          },
        ]
      : [],
  });

describe('GreenlightOverview', () => {
  it('asks for DORA again while a scope leaves out its newest events, keeping the figures shown meanwhile, even when a re-ask fails', async () => {
    // Still refreshing; then a re-ask that fails; then figures that count every event.
    const answers: Array<DoraResponse | Error> = [
      figures(true),
      new Error('the backend restarted'),
      figures(false),
    ];
    let asked = 0;
    // The system's figures count every event from the start.
    const systemAsked = jest.fn();
    const getDora = jest.fn(async (query: DoraQuery): Promise<DoraResponse> => {
      if (query.systemRef) {
        systemAsked();
        return doraResponse({
          scope: { kind: 'system', ref: query.systemRef, entityRefs: 1 },
          dataQuality: [],
        });
      }
      const answer = answers[Math.min(asked++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    });
    await renderForEntity(<GreenlightOverview doraRefreshAgainMs={400} />, {
      api: {
        getDora,
        listActiveRollouts: async () => [],
        listLatestReleases: async () => [],
        listUnmapped: async () => [],
        getChecklistSummary: async () => ({
          groupRef: 'group:default/payments-team',
          groups: ['group:default/payments-team'],
          entityCount: 0,
          checks: [],
        }),
        listEmergencyStops: async () => [],
      },
      catalogEntities: [team, system],
    });
    const table = await screen.findByRole('table', {
      name: 'DORA across teams and systems',
    });
    const row = () => within(table).getByRole('row', { name: /payments-team/ });
    expect(
      within(row()).getByText('Figures being updated'),
    ).toBeInTheDocument();
    expect(asked).toBe(1);

    // The failed re-ask leaves the figures shown, and the page asks again. (Waits are generous:
    // on a loaded machine a render can take longer than the default second.)
    await waitFor(() => expect(asked).toBe(2), { timeout: 5000 });
    expect(
      within(row()).getByText('Figures being updated'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/backend restarted/)).not.toBeInTheDocument();

    await waitFor(
      () =>
        expect(
          within(row()).queryByText('Figures being updated'),
        ).not.toBeInTheDocument(),
      { timeout: 5000 },
    );
    expect(asked).toBe(3);
    // Once the figures count every event, nobody asks again; the system, whose figures were
    // complete from the start, was asked once.
    await new Promise(resolve => setTimeout(resolve, 800));
    expect(asked).toBe(3);
    expect(systemAsked).toHaveBeenCalledTimes(1);
  });
});
