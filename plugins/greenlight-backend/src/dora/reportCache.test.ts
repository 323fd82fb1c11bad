import { ReportCache, StoredReport } from './reportCache';

const report = (entities: number) =>
  ({
    breakdown: Array.from({ length: entities }, () => ({})),
  } as unknown as StoredReport);

describe('ReportCache', () => {
  it('answers only while the fingerprint is the same', () => {
    const cache = new ReportCache();
    const r = report(2);
    cache.set('team-a', 'f1', r);
    expect(cache.get('team-a', 'f1')).toBe(r);
    expect(cache.get('team-a', 'f2')).toBeUndefined();
    expect(cache.get('team-b', 'f1')).toBeUndefined();
  });

  it('weighs answers by their entities and evicts the least recently used first', () => {
    const cache = new ReportCache(10);
    cache.set('a', 'f', report(3)); // weight 4
    cache.set('b', 'f', report(3)); // weight 4
    cache.get('a', 'f'); // b is now the least recently used
    cache.set('c', 'f', report(1)); // weight 2: 10 in all, still fits
    expect(cache.get('b', 'f')).toBeDefined();
    cache.set('d', 'f', report(0)); // weight 1: 11, so the oldest goes
    expect(cache.get('a', 'f')).toBeUndefined();
    expect(cache.get('b', 'f')).toBeDefined();
    expect(cache.get('c', 'f')).toBeDefined();
    expect(cache.get('d', 'f')).toBeDefined();
  });

  it('keeps no answer heavier than the whole cache', () => {
    const cache = new ReportCache(5);
    cache.set('org', 'f', report(10));
    expect(cache.get('org', 'f')).toBeUndefined();
  });
});
