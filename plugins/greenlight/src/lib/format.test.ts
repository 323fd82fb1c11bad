import { formatDuration, formatFrequency, formatPercent, shortDigest } from './format';

describe('formatting', () => {
  it('shows durations in their two largest units', () => {
    expect(formatDuration(450)).toBe('450 ms');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(3 * 3600_000 + 20 * 60_000 + 5_000)).toBe('3 h 20 min');
    expect(formatDuration(2 * 86_400_000 + 4 * 3600_000)).toBe('2 d 4 h');
    expect(formatDuration(2 * 86_400_000 + 30 * 60_000)).toBe('2 d');
    expect(formatDuration(-90 * 60_000)).toBe('−1 h 30 min');
    expect(formatDuration(null)).toBe('—');
  });

  it('scales deployment frequency to a readable unit', () => {
    expect(formatFrequency(2.5)).toBe('2.5 / day');
    expect(formatFrequency(0.5)).toBe('3.5 / week');
    expect(formatFrequency(0.05)).toBe('1.5 / month');
    expect(formatFrequency(0)).toBe('0 / day');
    expect(formatFrequency(null)).toBe('—');
  });

  it('shows rates as percentages and digests without their algorithm', () => {
    expect(formatPercent(0.125)).toBe('12.5%');
    expect(formatPercent(null)).toBe('—');
    expect(shortDigest(`sha256:${'ab'.repeat(32)}`)).toBe('abababababab');
  });
});
