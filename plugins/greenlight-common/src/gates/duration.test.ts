import { formatDuration, parseDurationSeconds } from './duration';

describe('durations', () => {
  it.each([
    ['30s', 30],
    ['5m', 300],
    ['1h30m', 5400],
    ['28d', 28 * 86400],
    ['2w', 14 * 86400],
    ['500ms', 0.5],
    ['1M', 30 * 86400],
    ['1Q', 90 * 86400],
  ])('parses %s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', '0s', '5', 'm5', '1.5h', '5 m', '1x'])('rejects %p', text => {
    expect(parseDurationSeconds(text)).toBeUndefined();
  });

  it('formats compound durations', () => {
    expect(formatDuration(3900)).toBe('1h5m');
    expect(formatDuration(86400 + 1)).toBe('1d1s');
    expect(formatDuration(100.4)).toBe('1m40s');
    expect(formatDuration(0)).toBe('1s');
  });
});
