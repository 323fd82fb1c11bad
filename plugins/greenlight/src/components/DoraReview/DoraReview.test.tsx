import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { doraResponse, groupEntity, metrics } from '../../__testUtils__/fixtures';
import { fakeAlertApi, renderForEntity, responseError } from '../../__testUtils__/renderForEntity';
import { DoraQuery, GreenlightApi } from '../../api';
import { DoraReview } from './DoraReview';

const NOW = new Date('2026-11-02T15:00:00Z');

function Location() {
  const location = useLocation();
  return <output aria-label="location">{location.search}</output>;
}

function renderReview(api: Partial<GreenlightApi>, search = '', alertApi = fakeAlertApi()) {
  return renderForEntity(
    <>
      <DoraReview now={NOW} />
      <Location />
    </>,
    {
      api: { listDoraSignOffs: async () => [], ...api },
      entity: groupEntity,
      routeEntries: [`/dora-review${search}`],
      alertApi,
    },
  );
}

const lastQuery = (fn: jest.Mock): DoraQuery => fn.mock.calls[fn.mock.calls.length - 1][0];

describe('DoraReview', () => {
  it('reads the window from the URL and asks for the team', async () => {
    const getDora = jest.fn(async (_q: DoraQuery) => doraResponse());
    await renderReview({ getDora }, '?from=2026-07-01&to=2026-09-30&bucket=month');
    expect(
      await screen.findByRole('heading', { name: /DORA review of Team A: .* \(92 days\)/ }),
    ).toBeInTheDocument();
    expect(getDora).toHaveBeenCalledWith({
      groupRef: 'group:default/team-a',
      from: '2026-07-01T00:00:00.000Z',
      to: '2026-10-01T00:00:00.000Z',
      bucket: 'month',
    });
    expect(screen.getByLabelText('Window')).toHaveTextContent('Custom');
  });

  it('keeps a picked window in the URL so the page can be shared', async () => {
    const getDora = jest.fn(async (_q: DoraQuery) => doraResponse());
    await renderReview({ getDora });
    await screen.findByRole('table', { name: 'DORA metrics compared with the previous window' });
    expect(lastQuery(getDora)).toEqual(expect.objectContaining({ from: '2026-08-05T00:00:00.000Z', bucket: 'week' }));
    expect(screen.getByLabelText('Window')).toHaveTextContent('Last 90 days');

    await userEvent.click(screen.getByLabelText('Window'));
    await userEvent.click(await screen.findByRole('option', { name: 'Last 30 days' }));
    await waitFor(() =>
      expect(screen.getByLabelText('location')).toHaveTextContent('?from=2026-10-04&to=2026-11-02&bucket=week'),
    );
    await waitFor(() =>
      expect(lastQuery(getDora)).toEqual(
        expect.objectContaining({ from: '2026-10-04T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' }),
      ),
    );

    await userEvent.click(screen.getByLabelText('Trend by'));
    await userEvent.click(await screen.findByRole('option', { name: 'Month' }));
    await waitFor(() => expect(lastQuery(getDora).bucket).toBe('month'));
    expect(screen.getByLabelText('location')).toHaveTextContent('bucket=month');
  });

  it('compares with the previous window with arrows that say better or worse', async () => {
    await renderReview({ getDora: async () => doraResponse() });
    await screen.findByRole('table', { name: 'DORA metrics compared with the previous window' });
    expect(screen.getByLabelText('Up +1.8 / week, better than the previous window')).toBeInTheDocument();
    expect(screen.getByLabelText('Up +1.5 h, worse than the previous window')).toBeInTheDocument();
    expect(screen.getByLabelText('Down -10.0 pts, better than the previous window')).toBeInTheDocument();
    expect(screen.getByLabelText('No change from the previous window')).toBeInTheDocument();
    expect(screen.getByText('no comparison')).toBeInTheDocument();
    expect(screen.getAllByRole('img', { name: /per week: 2026-W40/ })).toHaveLength(5);
  });

  it('reads each row of the comparison in one unit: this window, the previous one and the change', async () => {
    const current = metrics(1);
    const previous = metrics(1);
    await renderReview({
      getDora: async () =>
        doraResponse({
          // 3 a day against 0.5 a day, 3 h against 2 d 4 h: before, each value picked its own unit.
          current: { ...current, deploymentFrequency: { ...current.deploymentFrequency, perDay: 3 } },
          previous: {
            ...previous,
            deploymentFrequency: { ...previous.deploymentFrequency, perDay: 0.5 },
            changeLeadTime: { ...previous.changeLeadTime, medianMs: 52 * 3600_000 },
          },
          change: {
            deploymentsPerDay: 2.5,
            changeLeadTimeMedianMs: -49 * 3600_000,
            changeFailRate: 0,
            failedDeploymentRecoveryTimeMedianMs: 0,
            deploymentReworkRate: 0,
          },
        }),
    });
    const table = await screen.findByRole('table', { name: 'DORA metrics compared with the previous window' });
    const row = (name: string) => within(within(table).getByText(name, { selector: 'th' }).closest('tr')!);
    const frequency = row('Deployment frequency');
    expect(frequency.getByText('21 / week')).toBeInTheDocument();
    expect(frequency.getByText('3.5 / week')).toBeInTheDocument();
    expect(frequency.getByLabelText('Up +18 / week, better than the previous window')).toBeInTheDocument();
    const leadTime = row('Change lead time (median)');
    expect(leadTime.getByText('≈ 3 h')).toBeInTheDocument();
    expect(leadTime.getByText('≈ 52 h')).toBeInTheDocument();
    expect(leadTime.getByLabelText('Down -49 h, better than the previous window')).toBeInTheDocument();
  });

  it('breaks the team down per service, linking each to its page, sortable', async () => {
    await renderReview({ getDora: async () => doraResponse() });
    const payments = await screen.findByRole('link', { name: 'payments' });
    expect(payments).toHaveAttribute('href', '/catalog/default/component/payments');
    expect(screen.getByRole('link', { name: 'ledger' })).toHaveAttribute('href', '/catalog/default/component/ledger');

    const table = screen.getByText('Per service').closest('div[class*="MuiPaper"]') as HTMLElement;
    const order = () => within(table).getAllByRole('link').map(l => l.textContent);
    expect(order()).toEqual(['payments', 'ledger']);
    await userEvent.click(within(table).getByRole('button', { name: 'Deployment frequency' }));
    await userEvent.click(within(table).getByRole('button', { name: 'Deployment frequency' }));
    expect(order()).toEqual(['ledger', 'payments']);
  });

  it('lists data-quality findings that have a count', async () => {
    await renderReview({ getDora: async () => doraResponse() });
    expect(
      await screen.findByText('Incidents not attributed to a deployment, so they count as no failure: 3'),
    ).toBeInTheDocument();
    expect(screen.getByText('For example: inc-1, inc-2')).toBeInTheDocument();
    expect(screen.queryByText(/Commits without a commit time/)).not.toBeInTheDocument();
  });

  it('asks again while the figures leave out the newest events, keeping them on screen', async () => {
    const refreshing = { id: 'rollups-refreshing' as const, count: 2, examples: ['component:default/a'] };
    const getDora = jest
      .fn()
      .mockResolvedValueOnce(doraResponse({ dataQuality: [refreshing] }))
      .mockResolvedValue(doraResponse({ dataQuality: [] }));
    // Long enough that a slow first render still shows the first answer before it is replaced.
    await renderForEntity(<DoraReview now={NOW} refreshAgainMs={3_000} />, {
      api: { listDoraSignOffs: async () => [], getDora },
      entity: groupEntity,
      routeEntries: ['/dora-review'],
    });
    expect(
      await screen.findByText(/still being rolled up, so these figures do not count them yet: 2/, undefined, { timeout: 2_500 }),
    ).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText(/still being rolled up/)).not.toBeInTheDocument(), { timeout: 10_000 });
    expect(getDora).toHaveBeenCalledTimes(2);
    expect(screen.getByText('The five metrics')).toBeInTheDocument();
  }, 20_000);

  it('exports the CSV through the client and saves it', async () => {
    const getDoraCsv = jest.fn(async () => 'entityRef,deployments\n');
    const createObjectURL = jest.fn(() => 'blob:csv');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const clicked: Array<{ download: string; href: string }> = [];
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function recordClick(this: HTMLAnchorElement) {
        clicked.push({ download: this.download, href: this.href });
      });
    await renderReview({ getDora: async () => doraResponse(), getDoraCsv });
    await userEvent.click(await screen.findByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(clicked).toEqual([{ download: 'dora-team-a-2026-08-05-2026-11-02.csv', href: 'blob:csv' }]);
    expect(getDoraCsv).toHaveBeenCalledWith(expect.objectContaining({ groupRef: 'group:default/team-a', bucket: 'week' }));
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:csv');
    click.mockRestore();
  });

  it('reports a failed export', async () => {
    const alertApi = fakeAlertApi();
    const denied = await responseError(403, 'export not allowed');
    await renderReview(
      {
        getDora: async () => doraResponse(),
        getDoraCsv: async () => {
          throw denied;
        },
      },
      '',
      alertApi,
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Export CSV' }));
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({ message: 'Could not export CSV: export not allowed', severity: 'error' }),
    );
  });

  it('hides controls when printing', async () => {
    await renderReview({ getDora: async () => doraResponse() });
    const exportButton = await screen.findByRole('button', { name: 'Export CSV' });
    expect(exportButton.closest('.greenlight-no-print')).not.toBeNull();
    const printRules = [...document.querySelectorAll('style')]
      .map(s => s.textContent ?? '')
      .find(t => t.includes('greenlight-no-print'));
    expect(printRules).toMatch(/@media print \{\s*nav, \[role="tablist"\], \.greenlight-no-print \{ display: none !important; \}/);
  });

  it('says when the team owns nothing', async () => {
    await renderReview({
      getDora: async () => doraResponse({ scope: { kind: 'group', ref: 'group:default/team-a', entityRefs: 0 }, breakdown: [] }),
    });
    expect(await screen.findByText("No service in this team's scope")).toBeInTheDocument();
  });

  it('shows errors and permission refusals', async () => {
    const denied = await responseError(403, 'DORA not allowed');
    await renderReview({
      getDora: async () => {
        throw denied;
      },
    });
    expect(await screen.findByText('Permission required')).toBeInTheDocument();
    expect(screen.getByText(/DORA not allowed/)).toBeInTheDocument();
  });

  it('shows a server error', async () => {
    await renderReview({
      getDora: async () => {
        throw new Error('scope resolution failed');
      },
    });
    expect((await screen.findAllByText(/scope resolution failed/)).length).toBeGreaterThan(0);
  });
});
