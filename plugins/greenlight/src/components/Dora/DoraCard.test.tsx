import { screen, waitFor, within } from '@testing-library/react';
import { doraResponse, metrics } from '../../__testUtils__/fixtures';
import { renderForEntity, responseError } from '../../__testUtils__/renderForEntity';
import { DoraQuery, GreenlightApi } from '../../api';
import { DoraCard } from './DoraCard';

const renderCard = (api: Partial<GreenlightApi>) => renderForEntity(<DoraCard />, { api });

function row(title: string) {
  return within(screen.getByText(title, { selector: 'th' }).closest('tr')!);
}

describe('DoraCard', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-02T15:00:00Z'), doNotFake: ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'queueMicrotask'] as any });
  });
  afterEach(() => jest.useRealTimers());

  it('asks for the last 90 whole days of this entity and shows the five metrics', async () => {
    const getDora = jest.fn(async (_q: DoraQuery) => doraResponse({ scope: { kind: 'entity', ref: 'component:default/payments', entityRefs: 1 } }));
    await renderCard({ getDora });
    expect(await screen.findByRole('table', { name: 'DORA metrics' })).toBeInTheDocument();
    expect(getDora).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
      from: '2026-08-05T00:00:00.000Z',
      to: '2026-11-03T00:00:00.000Z',
      bucket: 'week',
    });

    const frequency = row('Deployment frequency');
    expect(frequency.getByText('3.5 / week')).toBeInTheDocument();
    expect(frequency.getByText('45 deployments')).toBeInTheDocument();
    // A narrow card never breaks "45 deployments" inside a word.
    expect(frequency.getByText('45 deployments')).toHaveStyle({ whiteSpace: 'nowrap' });
    // Nor any other cell: the theme's `word-break: break-word` is undone, and a table too wide
    // for its card scrolls.
    const table = screen.getByRole('table', { name: 'DORA metrics' });
    table.querySelectorAll('th, td').forEach(cell =>
      expect(cell).toHaveStyle({ wordBreak: 'keep-all', overflowWrap: 'normal' }),
    );
    expect(table.parentElement).toHaveStyle({ overflowX: 'auto' });
    expect(frequency.getByLabelText('Deployment frequency: High')).toBeInTheDocument();
    expect(frequency.getByRole('img', { name: /Deployment frequency by week: 3 points/ })).toBeInTheDocument();

    const leadTime = row('Change lead time (median)');
    expect(leadTime.getByLabelText('approximately 3 h')).toHaveTextContent('≈ 3 h');
    expect(leadTime.getByLabelText('Change lead time (median): Elite')).toBeInTheDocument();

    expect(row('Change fail rate').getByText('10.0%')).toBeInTheDocument();
    const recovery = row('Failed deployment recovery time (median)');
    expect(recovery.getByText('2 recoveries, 1 not recovered yet')).toBeInTheDocument();
    expect(recovery.getByLabelText('Failed deployment recovery time (median): Insufficient data')).toBeInTheDocument();
    expect(row('Deployment rework rate').getByLabelText('Deployment rework rate: Not benchmarked')).toBeInTheDocument();

    // Unattributed incidents count as no failure: the card says so and links to where they are attributed.
    expect(screen.getByText(/3 incidents are not attributed/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Attribute them' })).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/delivery#greenlight-unattributed-incidents',
    );
  });

  it('shows exact quantiles without the approximate marker', async () => {
    const current = { ...metrics(1), quantiles: 'exact' as const };
    await renderCard({ getDora: async () => doraResponse({ approximate: false, current }) });
    expect(await screen.findByText('3 h')).toBeInTheDocument();
    expect(screen.queryByText(/≈/)).not.toBeInTheDocument();
  });

  it('says when there was no production deployment', async () => {
    const empty = metrics(1);
    empty.deploymentFrequency = { count: 0, perDay: 0, entities: 0, perDayPerEntity: 0, medianDeployDaysPerWeek: 0, weeks: [] };
    empty.changeFailRate = { ...empty.changeFailRate, numerator: 0, denominator: 0, rate: null };
    await renderCard({ getDora: async () => doraResponse({ current: empty }) });
    expect(await screen.findByText('No production deployment in the last 90 days')).toBeInTheDocument();
  });

  it('says so while some of the newest events are still being counted, instead of "no deployment"', async () => {
    const empty = metrics(1);
    empty.deploymentFrequency = { count: 0, perDay: 0, entities: 0, perDayPerEntity: 0, medianDeployDaysPerWeek: 0, weeks: [] };
    empty.changeFailRate = { ...empty.changeFailRate, numerator: 0, denominator: 0, rate: null };
    const refreshing = { id: 'rollups-refreshing' as const, count: 1, examples: ['component:default/payments'] };
    await renderCard({ getDora: async () => doraResponse({ current: empty, dataQuality: [refreshing] }) });
    expect(await screen.findByText('DORA figures are being updated')).toBeInTheDocument();
    expect(screen.queryByText('No production deployment in the last 90 days')).not.toBeInTheDocument();
  });

  it('marks figures that leave out the newest events, and asks again until they count them', async () => {
    const refreshing = { id: 'rollups-refreshing' as const, count: 1, examples: ['component:default/payments'] };
    const getDora = jest
      .fn()
      .mockResolvedValueOnce(doraResponse({ dataQuality: [refreshing] }))
      .mockResolvedValue(doraResponse({ dataQuality: [] }));
    await renderForEntity(<DoraCard refreshAgainMs={500} />, { api: { getDora } });
    expect(await screen.findByText(/newest events are still being counted; these figures update/)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText(/newest events are still being counted/)).not.toBeInTheDocument());
    expect(getDora).toHaveBeenCalledTimes(2);
    // Counted now: no further asking.
    await new Promise(r => setTimeout(r, 700));
    expect(getDora).toHaveBeenCalledTimes(2);
    expect(screen.getByRole('table', { name: 'DORA metrics' })).toBeInTheDocument();
  });

  it('says "no production deployment" for an entity without one, even while it is being rolled up', async () => {
    const empty = metrics(1);
    empty.deploymentFrequency = { count: 0, perDay: 0, entities: 0, perDayPerEntity: 0, medianDeployDaysPerWeek: 0, weeks: [] };
    empty.changeFailRate = { ...empty.changeFailRate, numerator: 0, denominator: 0, rate: null };
    const dataQuality = [
      { id: 'rollups-refreshing' as const, count: 1, examples: ['component:default/payments'] },
      { id: 'entities-without-production' as const, count: 1, examples: ['component:default/payments'] },
    ];
    await renderCard({ getDora: async () => doraResponse({ current: empty, dataQuality }) });
    expect(await screen.findByText('No production deployment in the last 90 days')).toBeInTheDocument();
  });

  it('shows errors and permission refusals', async () => {
    const denied = await responseError(403, 'no DORA for you');
    await renderCard({
      getDora: async () => {
        throw denied;
      },
    });
    expect(await screen.findByText('Permission required')).toBeInTheDocument();
  });

  it('shows a server error', async () => {
    await renderCard({
      getDora: async () => {
        throw new Error('rollups unavailable');
      },
    });
    expect((await screen.findAllByText(/rollups unavailable/)).length).toBeGreaterThan(0);
  });
});
