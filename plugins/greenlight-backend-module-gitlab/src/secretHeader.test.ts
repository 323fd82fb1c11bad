import { headerMatchesSecret } from './secretHeader';

describe('headerMatchesSecret', () => {
  it.each([
    ['the secret', 's3cret-token', 's3cret-token', true],
    ['another value', 's3cret-tokem', 's3cret-token', false],
    ['a prefix', 's3cret', 's3cret-token', false],
    ['no header', undefined, 's3cret-token', false],
    [
      'the header twice',
      ['s3cret-token', 's3cret-token'],
      's3cret-token',
      false,
    ],
    ['anything when no secret is configured', '', '', false],
  ])('%s: %p', (_, header, secret, expected) => {
    expect(headerMatchesSecret(header, secret)).toBe(expected);
  });
});
