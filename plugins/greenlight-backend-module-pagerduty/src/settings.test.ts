import { ConfigReader } from '@backstage/config';
import { readPagerDutySettings } from './settings';

const read = (webhookSecret: unknown) =>
  readPagerDutySettings(
    new ConfigReader({
      greenlight: { sources: { pagerduty: { webhookSecret } } },
    } as any),
  );

describe('readPagerDutySettings', () => {
  it('reads one secret or a list of them', () => {
    expect(read('whsec-0123456789ab')?.secrets).toEqual(['whsec-0123456789ab']);
    expect(
      read(['whsec-old-rotating-out', 'whsec-0123456789ab'])?.secrets,
    ).toEqual(['whsec-old-rotating-out', 'whsec-0123456789ab']);
  });

  it.each([
    // String() would make these "[object Object]" and "1,2": secrets anyone can sign with.
    ['an object', { value: 'whsec-0123456789ab' }, 'webhookSecret'],
    ['a nested list', [['whsec-0123456789ab']], 'webhookSecret[0]'],
    ['a number', 1234567890123456789, 'webhookSecret'],
    ['a short string', 'whsec-short', 'webhookSecret'],
    [
      'a short entry of a list',
      ['whsec-0123456789ab', 'short'],
      'webhookSecret[1]',
    ],
  ])('stops the backend at startup for %s, naming the key', (_, value, key) => {
    expect(() => read(value)).toThrow(
      `greenlight.sources.pagerduty.${key} must be a string of at least 16 characters`,
    );
  });

  it('refuses an empty list or no secret at all', () => {
    expect(() => read([])).toThrow(
      'greenlight.sources.pagerduty.webhookSecret must not be an empty list',
    );
    expect(() => read(undefined)).toThrow(/webhookSecret/);
  });
});
