import { normalizeRepository } from './repository';

describe('normalizeRepository', () => {
  it.each([
    [
      'https://github.com/acme/payments.git',
      undefined,
      'github.com/acme/payments',
    ],
    ['git@github.com:acme/payments.git', undefined, 'github.com/acme/payments'],
    ['GitHub.com/acme/payments/', undefined, 'github.com/acme/payments'],
    ['acme/payments', 'https://github.com', 'github.com/acme/payments'],
    [
      'payments',
      'https://gitlab.example.com/acme',
      'gitlab.example.com/acme/payments',
    ],
    ['TestRepo/TestOrg', 'https://example.org', 'example.org/TestRepo/TestOrg'],
  ])('names %s (source %s) %s', (id, source, expected) => {
    expect(normalizeRepository(id, source)).toBe(expected);
  });

  it.each([
    ['TestRepo', undefined],
    ['acme/payments', '/event/source/123'],
    ['https://github.com', undefined],
  ])('cannot name %s (source %s)', (id, source) => {
    expect(normalizeRepository(id, source)).toBeUndefined();
  });
});
