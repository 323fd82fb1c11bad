import { z } from 'zod';
import { parseInput, timeParam } from './validation';

const query = z.object({ from: timeParam });

describe('timeParam', () => {
  it.each([
    ['2026-03-02T00:00:00Z', Date.UTC(2026, 2, 2)],
    ['2026-03-02T00:00:00.000Z', Date.UTC(2026, 2, 2)],
    ['2026-03-02T09:00:00+09:00', Date.UTC(2026, 2, 2)],
    ['2026-03-01T19:00:00-05:00', Date.UTC(2026, 2, 2)],
    // A date alone is midnight UTC (ECMAScript's date-only form).
    ['2026-03-02', Date.UTC(2026, 2, 2)],
  ])('reads %s as the instant it names', (text, expected) => {
    expect(parseInput(query, { from: text }, 'query').from).toBe(expected);
  });

  it.each(['2026-03-02T00:00', '2026-03-02T00:00:00', '2026-03-02 00:00:00.5'])(
    'refuses %s, which names no time zone, naming the field',
    text => {
      expect(() => parseInput(query, { from: text }, 'query')).toThrow(
        'Invalid query: from: must name its time zone (Z or ±hh:mm), e.g. 2026-03-02T00:00:00Z',
      );
    },
  );

  it('refuses what is not a time', () => {
    expect(() => parseInput(query, { from: 'yesterday' }, 'query')).toThrow(
      'Invalid query: from: must be an ISO 8601 time',
    );
  });
});
