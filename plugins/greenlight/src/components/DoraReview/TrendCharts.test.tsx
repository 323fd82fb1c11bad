import { render, screen } from '@testing-library/react';
import { cloneElement, ReactElement } from 'react';
import { doraResponse, metrics } from '../../__testUtils__/fixtures';
import { TrendCharts } from './TrendCharts';

// jsdom lays nothing out, so a container sized by its parent would be 0 px wide and draw no
// chart: the charts get a fixed size here, everything else is the real recharts.
jest.mock('recharts', () => {
  const actual = jest.requireActual('recharts');
  return {
    ...actual,
    ResponsiveContainer: (props: { children: ReactElement }) =>
      cloneElement(props.children, { width: 480, height: 180 }),
  };
});

const HOUR = 3_600_000;

/** A week's metrics with the given deployments per day and median lead time. */
function week(label: string, perDay: number, leadTimeMs: number) {
  const m = metrics();
  return {
    label,
    metrics: {
      ...m,
      deploymentFrequency: { ...m.deploymentFrequency, perDay },
      changeLeadTime: { ...m.changeLeadTime, medianMs: leadTimeMs },
    },
  };
}

/** The chart whose description starts so, its y axis's tick labels and the axis's label. */
function yAxis(chartName: RegExp) {
  const chart = screen.getByRole('img', { name: chartName });
  const axis = chart.querySelector<SVGElement>('.recharts-yAxis')!;
  const ticks = [
    ...axis.querySelectorAll('.recharts-cartesian-axis-tick-value'),
  ].map(t => t.textContent ?? '');
  const label = axis.querySelector('.recharts-label')?.textContent;
  return { chart, ticks, label };
}

describe('TrendCharts', () => {
  // Before, these axes read "3.8/day … 6.6/week … 0/day" and "6 h 56 min … 1 d 3 h".
  const dora = doraResponse({
    trend: [
      week('2026-W40', 3.8, 20 * 60_000),
      week('2026-W41', 0.94, 3 * HOUR),
      week('2026-W42', 0, 27 * HOUR),
      week('2026-W43', 2.1, 2 * 24 * HOUR),
    ],
  });

  it('ticks every axis in one unit, chosen from its data, and names the unit on the axis', () => {
    render(<TrendCharts dora={dora} />);

    const frequency = yAxis(/^Deployment frequency per week/);
    expect(frequency.label).toBe('per day');
    expect(frequency.ticks.length).toBeGreaterThan(2);
    // Bare numbers, all in deployments per day: the top tick covers the busiest week's 3.8.
    frequency.ticks.forEach(tick => expect(tick).toMatch(/^\d+(\.\d+)?$/));
    expect(Math.max(...frequency.ticks.map(Number))).toBeGreaterThanOrEqual(
      3.8,
    );
    expect(Math.max(...frequency.ticks.map(Number))).toBeLessThan(7);
    // The description a screen reader hears is in the same unit.
    expect(frequency.chart).toHaveAttribute(
      'aria-label',
      'Deployment frequency per week: 2026-W40 3.8 / day, 2026-W41 0.94 / day, 2026-W42 0 / day, 2026-W43 2.1 / day',
    );

    const leadTime = yAxis(/^Change lead time \(median\) per week/);
    expect(leadTime.label).toBe('days');
    leadTime.ticks.forEach(tick => expect(tick).toMatch(/^\d+(\.\d+)?$/));
    expect(Math.max(...leadTime.ticks.map(Number))).toBeGreaterThanOrEqual(2);
    expect(Math.max(...leadTime.ticks.map(Number))).toBeLessThan(3);

    const failRate = yAxis(/^Change fail rate per week/);
    expect(failRate.label).toBe('%');
    failRate.ticks.forEach(tick => expect(tick).toMatch(/^\d+(\.\d+)?$/));
  });

  it('says when the window has no trend', () => {
    render(<TrendCharts dora={doraResponse({ trend: [] })} />);
    expect(screen.getByText('No trend for this window.')).toBeInTheDocument();
  });
});
