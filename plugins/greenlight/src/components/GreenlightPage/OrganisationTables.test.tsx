import { screen, within } from '@testing-library/react';
import type { Release, RolloutView, UnmappedEvent } from '../../api';
import { renderForEntity } from '../../__testUtils__/renderForEntity';
import {
  LatestReleases,
  RolloutsInProgress,
  UnmappedEvents,
} from './OrganisationTables';

const loaded = <T,>(value: T[]) => ({ value, loading: false });

const headersOf = (table: HTMLElement) =>
  within(table)
    .getAllByRole('columnheader')
    .map(h => h.textContent);

describe('organisation tables', () => {
  it('shows rollouts with the service linked to the rollout’s release', async () => {
    const rollout = {
      id: 'r1',
      entityRef: 'component:default/checkout',
      environment: 'production',
      deploymentId: 'dep-7',
      strategy: 'canary',
      state: 'analysing',
      startedAt: new Date().toISOString(),
    } as unknown as RolloutView;
    await renderForEntity(<RolloutsInProgress load={loaded([rollout])} />, {
      api: {},
    });
    const table = screen.getByRole('table', { name: 'Rollouts in progress' });
    expect(headersOf(table)).toEqual([
      'Service',
      'Environment',
      'Strategy',
      'State',
      'Started',
    ]);
    expect(
      within(table).getByRole('link', { name: 'checkout' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/delivery?release=dep-7',
    );
    expect(within(table).getByText('canary')).toBeInTheDocument();
  });

  it('shows releases with their version and status', async () => {
    const release = {
      id: 'rel-3',
      entityRef: 'component:default/ledger',
      environment: 'staging',
      status: 'succeeded',
      version: '1.4.2',
      startedAt: '2026-12-01T10:00:00Z',
      finishedAt: '2026-12-01T10:05:00Z',
    } as unknown as Release;
    await renderForEntity(<LatestReleases load={loaded([release])} />, {
      api: {},
    });
    const table = screen.getByRole('table', { name: 'Latest releases' });
    expect(headersOf(table)).toEqual([
      'Service',
      'Version',
      'Environment',
      'Status',
      'When',
    ]);
    expect(within(table).getByRole('link', { name: 'ledger' })).toHaveAttribute(
      'href',
      '/catalog/default/component/ledger/delivery?release=rel-3',
    );
    expect(within(table).getByText('1.4.2')).toBeInTheDocument();
  });

  it('shows unmapped events with the keys they carry', async () => {
    const event: UnmappedEvent = {
      id: 'native:e1',
      type: 'deployment.finished',
      receivedAt: '2026-12-01T10:00:00Z',
      keys: { serviceId: 'billing', repository: 'acme/billing' },
    };
    await renderForEntity(<UnmappedEvents load={loaded([event])} />, {
      api: {},
    });
    const table = screen.getByRole('table', { name: 'Unmapped events' });
    // The first column heads its row.
    expect(within(table).getByText('native:e1').closest('th')).not.toBeNull();
    expect(
      within(table).getByText('serviceId=billing, repository=acme/billing'),
    ).toBeInTheDocument();
  });
});
