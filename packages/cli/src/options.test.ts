import { UsageError } from './errors';
import { duration, status, time } from './options';
import { apiBaseUrl, redactUrl } from './client';

describe('time', () => {
  it('accepts ISO times with a zone and epoch seconds or milliseconds', () => {
    expect(time({ t: '2024-05-01T14:00:00+02:00' }, 't')).toBe(
      '2024-05-01T12:00:00.000Z',
    );
    expect(time({ t: '2024-05-01T12:00:00Z' }, 't')).toBe(
      '2024-05-01T12:00:00.000Z',
    );
    expect(time({ t: '1714564800' }, 't')).toBe('2024-05-01T12:00:00.000Z');
    expect(time({ t: '1714564800000' }, 't')).toBe('2024-05-01T12:00:00.000Z');
    expect(time({}, 't')).toBeUndefined();
  });

  it('rejects times without a zone', () => {
    expect(() => time({ t: '2024-05-01T12:00:00' }, 't')).toThrow(UsageError);
    expect(() => time({ t: 'yesterday' }, 't')).toThrow(UsageError);
  });
});

describe('status', () => {
  it('understands the spellings of CI systems', () => {
    const allowed = ['succeeded', 'failed', 'cancelled'] as const;
    expect(status('SUCCESS', 's', allowed)).toBe('succeeded');
    expect(status('UNSTABLE', 's', allowed)).toBe('failed');
    expect(status('canceled', 's', allowed)).toBe('cancelled');
    expect(status('ABORTED', 's', allowed)).toBe('cancelled');
    expect(status('NOT_BUILT', 's', allowed)).toBe('cancelled');
    expect(() => status('done', 's', allowed)).toThrow(/must be one of/);
  });
});

describe('duration', () => {
  it('parses seconds and units', () => {
    expect(duration({ d: '90' }, 'd', 1)).toBe(90_000);
    expect(duration({ d: '15m' }, 'd', 1)).toBe(900_000);
    expect(duration({ d: '1.5h' }, 'd', 1)).toBe(5_400_000);
    expect(duration({ d: '250ms' }, 'd', 1)).toBe(250);
    expect(duration({}, 'd', 42)).toBe(42);
    expect(() => duration({ d: 'soon' }, 'd', 1)).toThrow(UsageError);
  });
});

describe('server URL', () => {
  it('adds the API path once', () => {
    expect(apiBaseUrl('https://backstage.example.com')).toBe(
      'https://backstage.example.com/api/greenlight/v1',
    );
    expect(apiBaseUrl('https://example.com/backstage/')).toBe(
      'https://example.com/backstage/api/greenlight/v1',
    );
    expect(apiBaseUrl('https://example.com/api/greenlight/v1/')).toBe(
      'https://example.com/api/greenlight/v1',
    );
    expect(() => apiBaseUrl('ftp://example.com')).toThrow(UsageError);
    expect(() => apiBaseUrl('not a url')).toThrow(UsageError);
  });

  it('hides passwords in URLs', () => {
    expect(redactUrl('https://user:pa55@example.com/x')).toBe(
      'https://user:***@example.com/x',
    );
    expect(redactUrl('https://example.com/x')).toBe('https://example.com/x');
  });
});
