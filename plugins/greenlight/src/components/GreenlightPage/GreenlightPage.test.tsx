import { screen, waitFor, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import type { DoraResponse } from '@greenlight/backstage-plugin-greenlight-common';
import { doraResponse } from '../../__testUtils__/fixtures';
import { renderForEntity } from '../../__testUtils__/renderForEntity';
import { GreenlightOverview } from './GreenlightPage';

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments-team', namespace: 'default' },
  spec: { type: 'team', children: [] },
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
  it('asks for DORA again while a scope leaves out its newest events, and keeps the figures shown meanwhile', async () => {
    const answers = [figures(true), figures(false)];
    let asked = 0;
    const getDora = jest.fn(
      async (): Promise<DoraResponse> =>
        answers[Math.min(asked++, answers.length - 1)],
    );
    await renderForEntity(<GreenlightOverview doraRefreshAgainMs={50} />, {
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
      catalogEntities: [team],
    });
    const table = await screen.findByRole('table', {
      name: 'DORA across teams and systems',
    });
    const row = () => within(table).getByRole('row', { name: /payments-team/ });
    expect(
      within(row()).getByText('Figures being updated'),
    ).toBeInTheDocument();

    await waitFor(() =>
      expect(
        within(row()).queryByText('Figures being updated'),
      ).not.toBeInTheDocument(),
    );
    expect(getDora).toHaveBeenCalledTimes(2);
    // Once the figures count every event, nobody asks again.
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(getDora).toHaveBeenCalledTimes(2);
  });
});
