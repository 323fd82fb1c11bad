import { z } from 'zod';
import { parseInput, timeParam } from './validation';

const query = z.object({ from: timeParam });
const REFUSED =
  'Invalid query: from: must be an ISO 8601 date, or a time with its zone (Z or ±hh:mm), e.g. 2026-03-02T00:00:00Z';

describe('timeParam', () => {
  it.each([
    ['2026-03-02T00:00:00Z', Date.UTC(2026, 2, 2)],
    ['2026-03-02T00:00:00.000Z', Date.UTC(2026, 2, 2)],
    ['2026-03-02T09:00:00+09:00', Date.UTC(2026, 2, 2)],
    ['2026-03-01T19:00:00-05:00', Date.UTC(2026, 2, 2)],
    ['2026-03-02T09:00+0900', Date.UTC(2026, 2, 2)],
    ['2026-03-02T00:00z', Date.UTC(2026, 2, 2)],
    ['2026-03-02T09:00:00.123+09:00', Date.UTC(2026, 2, 2) + 123],
    // A date alone is midnight UTC (ECMAScript's date-only form).
    ['2026-03-02', Date.UTC(2026, 2, 2)],
  ])('reads %s as the instant it names', (text, expected) => {
    expect(parseInput(query, { from: text }, 'query').from).toBe(expected);
  });

  it.each([
    '2026-03-02T00:00',
    '2026-03-02T00:00:00',
    '2026-03-02 00:00:00.5',
    // Forms Date.parse also reads in the server's zone.
    '2026-3-2',
    '2026/03/02 00:00',
    'March 2, 2026',
    'Mon, 02 Mar 2026 00:00:00',
    'yesterday',
  ])('refuses %s, naming the field', text => {
    expect(() => parseInput(query, { from: text }, 'query')).toThrow(
      new Error(REFUSED),
    );
  });

  it('refuses a date that does not exist', () => {
    expect(() => parseInput(query, { from: '2026-13-45' }, 'query')).toThrow(
      'Invalid query: from: must be a valid date',
    );
  });
});
