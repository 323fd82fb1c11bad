import {
  matchingPreset,
  presetWindow,
  previousWindow,
  windowFromParams,
  windowLengthDays,
  windowToRange,
} from './doraWindow';

const now = new Date('2026-11-02T15:30:00Z');

describe('DORA review window', () => {
  it('ends a preset today and counts today as one of its days', () => {
    const window = presetWindow(30, now);
    expect(window).toEqual({ from: '2026-10-04', to: '2026-11-02', bucket: 'week' });
    expect(windowLengthDays(window)).toBe(30);
    expect(matchingPreset(window, now)).toBe(30);
    expect(presetWindow(180, now).bucket).toBe('month');
  });

  it('reads the window from the URL and falls back to 90 days on anything malformed', () => {
    expect(windowFromParams(new URLSearchParams('from=2026-01-01&to=2026-03-31&bucket=month'), now)).toEqual({
      from: '2026-01-01',
      to: '2026-03-31',
      bucket: 'month',
    });
    for (const bad of ['from=2026-13-01&to=2026-03-31', 'from=2026-04-01&to=2026-03-31', 'from=yesterday', '']) {
      const window = windowFromParams(new URLSearchParams(bad), now);
      expect(windowLengthDays(window)).toBe(90);
      expect(window.to).toBe('2026-11-02');
    }
  });

  it('sends whole UTC days, the last day included', () => {
    expect(windowToRange({ from: '2026-01-01', to: '2026-03-31' })).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
    });
  });

  it('names a custom window as such and finds the previous window of the same length', () => {
    const custom = { from: '2026-01-01', to: '2026-01-31', bucket: 'week' as const };
    expect(matchingPreset(custom, now)).toBeUndefined();
    expect(previousWindow(custom)).toEqual({ from: '2025-12-01', to: '2025-12-31' });
  });
});
