import { useCallback, useEffect, useRef, useState } from 'react';

export type PollingState<T> = {
  value?: T;
  error?: Error;
  /** True until the first answer or error. */
  loading: boolean;
  updatedAt?: Date;
  refresh: () => void;
};

/**
 * Loads now and again every `intervalMs` after each answer, skipping rounds while the
 * page is hidden. A failed round keeps the last good value, so a transient error does
 * not blank a live view. A change of `refreshKey` (the Delivery tab's shared tick) loads
 * again at once, keeping the value shown meanwhile.
 */
export function usePolling<T>(
  load: () => Promise<T>,
  intervalMs: number,
  deps: unknown[],
  refreshKey?: unknown,
): PollingState<T> {
  const [state, setState] = useState<Omit<PollingState<T>, 'refresh'>>({ loading: true });
  const [round, setRound] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    setState({ loading: true });
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
      if (!hidden) {
        try {
          const value = await loadRef.current();
          if (!cancelled) setState({ value, loading: false, updatedAt: new Date() });
        } catch (e) {
          if (!cancelled) setState(previous => ({ ...previous, error: e as Error, loading: false }));
        }
      }
      if (!cancelled) timer = setTimeout(tick, intervalMs);
    };
    tick();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [intervalMs, round, refreshKey, ...deps]); // eslint-disable-line react-hooks/exhaustive-deps

  const refresh = useCallback(() => setRound(r => r + 1), []);
  return { ...state, refresh };
}
