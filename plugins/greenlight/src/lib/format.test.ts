import { formatDuration, formatFrequency, formatPercent, readableReason, shortDigest } from './format';

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

  it('shows a frequency change in the unit of its value, so one row never mixes units', () => {
    // 3 deployments a day now, 0.16 a day (1.1 a week) more than before: "+0.2 / day", not "+1.1 / week".
    expect(formatFrequency(0.16, 'day')).toBe('0.2 / day');
    // 0.5 a day reads 3.5 / week; a change of 0.1 a day is 0.7 of a week.
    expect(formatFrequency(0.1, 'week')).toBe('0.7 / week');
  });

  it('shows rates as percentages and digests without their algorithm', () => {
    expect(formatPercent(0.125)).toBe('12.5%');
    expect(formatPercent(null)).toBe('—');
    expect(shortDigest(`sha256:${'ab'.repeat(32)}`)).toBe('abababababab');
  });

  it('rounds the long decimals of a gate reason and leaves short numbers alone', () => {
    expect(readableReason('0.08275853897787058 is not < 0.02')).toBe('0.0828 is not < 0.02');
    expect(readableReason('p95 1234.56789 ms over 3 windows')).toBe('p95 1,235 ms over 3 windows');
    expect(readableReason('error ratio 3 failures in a row')).toBe('error ratio 3 failures in a row');
  });
});
