import {
  peekPrefetched,
  prefetch,
  PREFETCH_FRESH_MS,
  prefetchKey,
  takePrefetched,
} from './prefetch';

describe('prefetch', () => {
  it('keys a read by its defined parameters, in any order', () => {
    expect(
      prefetchKey('releases', {
        limit: 25,
        entityRef: 'component:default/a',
        cursor: undefined,
      }),
    ).toBe(
      prefetchKey('releases', { entityRef: 'component:default/a', limit: 25 }),
    );
    expect(
      prefetchKey('releases', { entityRef: 'component:default/a' }),
    ).not.toBe(prefetchKey('releases', { entityRef: 'component:default/b' }));
  });

  it('hands a prefetched answer over once, then reads again', async () => {
    const owner = {};
    const load = jest
      .fn()
      .mockResolvedValueOnce('early')
      .mockResolvedValue('later');
    prefetch(owner, 'k', load);
    prefetch(owner, 'k', load);
    expect(load).toHaveBeenCalledTimes(1);
    await expect(takePrefetched(owner, 'k', load)).resolves.toBe('early');
    await expect(takePrefetched(owner, 'k', load)).resolves.toBe('later');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('reads again when the prefetch failed or is stale, and never across owners', async () => {
    const owner = {};
    prefetch(owner, 'failed', () =>
      Promise.reject(new Error('not signed in yet')),
    );
    await expect(
      takePrefetched(owner, 'failed', async () => 'retried'),
    ).resolves.toBe('retried');

    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000);
    prefetch(owner, 'stale', async () => 'old');
    now.mockReturnValue(1_000 + PREFETCH_FRESH_MS + 1);
    await expect(
      takePrefetched(owner, 'stale', async () => 'new'),
    ).resolves.toBe('new');
    now.mockRestore();

    prefetch(owner, 'mine', async () => 'owner');
    await expect(takePrefetched({}, 'mine', async () => 'other')).resolves.toBe(
      'other',
    );
  });

  it('shows an answer that has arrived without taking it, and nothing else', async () => {
    const owner = {};
    let answer!: (value: string) => void;
    const load = jest.fn(
      () => new Promise<string>(resolve => (answer = resolve)),
    );
    prefetch(owner, 'k', load);
    expect(peekPrefetched(owner, 'k')).toBeUndefined();
    answer('early');
    await Promise.resolve();
    expect(peekPrefetched(owner, 'k')).toBe('early');
    // Peeking takes nothing: the component's own read still gets the prefetched answer.
    await expect(takePrefetched(owner, 'k', load)).resolves.toBe('early');
    expect(load).toHaveBeenCalledTimes(1);
    expect(peekPrefetched(owner, 'k')).toBeUndefined();

    prefetch(owner, 'failed', () => Promise.reject(new Error('no')));
    await Promise.resolve();
    expect(peekPrefetched(owner, 'failed')).toBeUndefined();

    const now = jest.spyOn(Date, 'now').mockReturnValue(5_000);
    prefetch(owner, 'stale', async () => 'old');
    await Promise.resolve();
    expect(peekPrefetched(owner, 'stale')).toBe('old');
    now.mockReturnValue(5_000 + PREFETCH_FRESH_MS);
    expect(peekPrefetched(owner, 'stale')).toBeUndefined();
    now.mockRestore();
    expect(peekPrefetched({}, 'k')).toBeUndefined();
  });
});
