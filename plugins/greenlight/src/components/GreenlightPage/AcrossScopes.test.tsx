import { screen, within } from '@testing-library/react';
import type { DoraMetrics } from '@greenlight/backstage-plugin-greenlight-common';
import { doraResponse, metrics } from '../../__testUtils__/fixtures';
import { renderForEntity } from '../../__testUtils__/renderForEntity';
import { DoraAcrossScopes } from './AcrossScopes';

const HOUR = 3_600_000;
const MIN = 60_000;

/** A scope's last 90 days with the given frequency, lead time and recovery time. */
function scope(
  ref: string,
  perDay: number,
  leadTimeMs: number,
  recoveryMs: number,
) {
  const base = metrics(1);
  const current: DoraMetrics = {
    ...base,
    deploymentFrequency: { ...base.deploymentFrequency, perDay },
    changeLeadTime: { ...base.changeLeadTime, medianMs: leadTimeMs },
    failedDeploymentRecoveryTime: {
      ...base.failedDeploymentRecoveryTime,
      medianMs: recoveryMs,
    },
  };
  return { ref, dora: doraResponse({ current }) };
}

/** The unit a cell's value is written in: "/ week", "h", "%". */
const unitOf = (text: string) =>
  text
    .match(/\/ (day|week|month)|\d (ms|s|min|h|d)\b|%/)?.[0]
    .replace(/^\d /, '');

describe('DoraAcrossScopes', () => {
  it('reads each metric in one unit down its column, however far apart the teams are', async () => {
    await renderForEntity(
      <DoraAcrossScopes
        load={{
          loading: false,
          value: [
            scope('group:default/payments-team', 3, 52 * HOUR, 2 * HOUR),
            scope('system:default/ledger', 0.5, 3 * HOUR + 20 * MIN, 45 * MIN),
          ],
        }}
      />,
      { api: {} },
    );
    const table = screen.getByRole('table', {
      name: 'DORA across teams and systems',
    });
    const columns = within(table)
      .getAllByRole('columnheader')
      .slice(1)
      .map(h => h.textContent);
    const rows = within(table).getAllByRole('row').slice(1);
    const cells = (ref: string) =>
      within(rows.find(r => within(r).queryByRole('link', { name: ref }))!)
        .getAllByRole('cell')
        // the metrics, after the scope's own header cell
        .filter(c => c.tagName === 'TD')
        .map(c => c.textContent ?? '');

    // Each read alone in its best unit, the columns read "3 / day" above "3.5 / week",
    // "2 d 4 h" above "3 h 20 min" and "2 h" above "45 min".
    const team = cells('payments-team');
    const system = cells('ledger');
    expect(team[0]).toMatch(/^21 \/ week/);
    expect(system[0]).toMatch(/^3\.5 \/ week/);
    expect(team[1]).toMatch(/^≈ 52 h/);
    expect(system[1]).toMatch(/^≈ 3\.3 h/);
    expect(team[3]).toMatch(/^≈ 120 min/);
    expect(system[3]).toMatch(/^≈ 45 min/);

    const unitsByColumn = Object.fromEntries(
      columns.map((title, i) => [
        title,
        [...new Set([team[i], system[i]].map(unitOf))],
      ]),
    );
    expect(unitsByColumn).toEqual({
      'Deployment frequency': ['/ week'],
      'Change lead time (median)': ['h'],
      'Change fail rate': ['%'],
      'Failed deployment recovery time (median)': ['min'],
      'Deployment rework rate': ['%'],
    });
  });
});
