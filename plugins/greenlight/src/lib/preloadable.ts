/**
 * A module loaded with `import()`, which a prefetch may already have loaded when a lazy
 * component first renders.
 *
 * React's `lazy` calls `then` on what its loader returns and renders the component in the same
 * render when that thenable has called back by the time `then` returns; a promise never has, so
 * a lazy component always commits its fallback first and renders in a second pass, even when
 * its code is already there. `then` here answers at once when the module has arrived (and like
 * a promise when it has not), so a tab whose code was prefetched renders in the render that
 * mounts it.
 */
export type Preloadable<M> = {
  /** Starts the import, or answers the one already made. */
  load(): Promise<M>;
  /** `apply` called with the module: at once when it has arrived, else when it does. */
  then<T>(apply: (module: M) => T): Promise<T>;
};

export function preloadable<M>(importModule: () => Promise<M>): Preloadable<M> {
  let loaded: M | undefined;
  const load = () =>
    importModule().then(module => {
      loaded = module;
      return module;
    });
  return {
    load,
    then(apply) {
      if (loaded === undefined) return load().then(apply);
      return settled(apply(loaded));
    },
  };
}

/** A thenable that has already settled with `value`: `then` calls back before it returns. */
function settled<T>(value: T): Promise<T> {
  const thenable = {
    then: (onFulfilled?: (v: T) => unknown) =>
      settled(onFulfilled ? onFulfilled(value) : value),
  };
  return thenable as unknown as Promise<T>;
}
