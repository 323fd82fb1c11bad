/**
 * Answers asked for before the component that shows them has loaded: the Delivery tab's first
 * reads start as soon as its URL is known, in parallel with the catalog entity and the tab's
 * code, and the tab takes them instead of asking again.
 */
type Entry = {
  promise: Promise<unknown>;
  at: number;
  /** Set once the read has answered: a component can then show it on its first render. */
  answer?: { value: unknown };
};

/** A prefetched answer older than this is not used; the tab asks the server again. */
export const PREFETCH_FRESH_MS = 10_000;

// Per API instance, so that two apps (or two tests) never share an answer.
const byOwner = new WeakMap<object, Map<string, Entry>>();

function entries(owner: object): Map<string, Entry> {
  let map = byOwner.get(owner);
  if (!map) {
    map = new Map();
    byOwner.set(owner, map);
  }
  return map;
}

/** A stable key of a read: its name and its parameters, undefined ones left out. */
export function prefetchKey(
  name: string,
  params: Record<string, unknown>,
): string {
  const defined = Object.keys(params)
    .filter(key => params[key] !== undefined)
    .sort()
    .map(key => [key, params[key]]);
  return `${name}:${JSON.stringify(defined)}`;
}

/** Starts a read unless the same one started recently and has not been taken yet. */
export function prefetch(
  owner: object,
  key: string,
  load: () => Promise<unknown>,
): void {
  const map = entries(owner);
  const existing = map.get(key);
  if (existing && Date.now() - existing.at < PREFETCH_FRESH_MS) return;
  const promise = load();
  const entry: Entry = { promise, at: Date.now() };
  promise.then(
    value => {
      entry.answer = { value };
    },
    // A failed prefetch is not reported here: the component that takes it shows the error.
    () => undefined,
  );
  map.set(key, entry);
}

/**
 * The answer of a fresh prefetch of `key` that has already arrived, without taking it. A
 * component shows it on its first render rather than rendering empty and again a moment
 * later, when its own read hands it the same answer (`takePrefetched`).
 */
export function peekPrefetched<T>(owner: object, key: string): T | undefined {
  const entry = byOwner.get(owner)?.get(key);
  if (!entry?.answer || Date.now() - entry.at >= PREFETCH_FRESH_MS)
    return undefined;
  return entry.answer.value as T;
}

/**
 * The prefetched read of `key` if it is fresh, or else a new one from `load`. A prefetched
 * answer is used once: the next reload (the tab's refresh tick) asks the server again.
 */
export function takePrefetched<T>(
  owner: object,
  key: string,
  load: () => Promise<T>,
): Promise<T> {
  const map = byOwner.get(owner);
  const entry = map?.get(key);
  if (entry) map!.delete(key);
  // A prefetch that failed (say, before sign-in had finished) is asked again, not shown.
  if (entry && Date.now() - entry.at < PREFETCH_FRESH_MS)
    return (entry.promise as Promise<T>).catch(load);
  return load();
}
