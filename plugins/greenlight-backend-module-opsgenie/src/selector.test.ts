import { alertMatches, parseSelector } from './selector';

describe('opsgenie.com/component-selector', () => {
  it.each([
    ['tag:"service:checkout"', [{ field: 'tag', value: 'service:checkout' }]],
    ['tag:checkout', [{ field: 'tag', value: 'checkout' }]],
    [
      'entity:"checkout-api" OR tag:"service:checkout"',
      [
        { field: 'entity', value: 'checkout-api' },
        { field: 'tag', value: 'service:checkout' },
      ],
    ],
  ])('reads %s', (selector, terms) => {
    expect(parseSelector(selector)).toEqual(terms);
  });

  it.each([
    'tag:"a" AND tag:"b"',
    'priority:P1',
    'NOT tag:"a"',
    'tag:""',
    'checkout',
    '',
  ])('refuses %p, which it cannot decide for one alert', selector => {
    expect(parseSelector(selector)).toBeUndefined();
  });

  it('matches tags and the entity field exactly', () => {
    const terms = parseSelector(
      'tag:"service:checkout" OR entity:checkout-api',
    )!;
    expect(alertMatches(terms, { tags: ['service:checkout'] })).toBe(true);
    expect(alertMatches(terms, { tags: ['Service:Checkout'] })).toBe(false);
    expect(alertMatches(terms, { tags: [], entity: 'checkout-api' })).toBe(
      true,
    );
    expect(alertMatches(terms, { tags: null, entity: 'checkout' })).toBe(false);
  });
});
