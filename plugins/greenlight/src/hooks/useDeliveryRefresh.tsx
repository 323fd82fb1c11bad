import { useSignal } from '@backstage/plugin-signals-react';
import {
  EntityChangedSignal,
  greenlightEntityChannel,
} from '@greenlight/backstage-plugin-greenlight-common';
import {
  createContext,
  ReactNode,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';

/**
 * One refresh for the whole Delivery tab: every part of it (where it runs, rollouts, release
 * history) reloads on the same tick, so they never disagree about what happened. The tick
 * advances when the backend signals a change of the entity, and on a timer as a fallback.
 */
const DeliveryRefreshContext = createContext<DeliveryRefresh | null>(null);

type DeliveryRefresh = {
  tick: number;
  /** Whether changes are pushed through signals; the timer is then only a safety net. */
  live: boolean;
  /** How often the tab polls now. */
  intervalMs: number;
};

/** How often the tab reloads when the app has no signals. */
export const DELIVERY_REFRESH_MS = 10_000;
/** With signals, polling only catches what a dropped connection missed. */
export const DELIVERY_REFRESH_WITH_SIGNALS_MS = 60_000;
/**
 * Signals that arrive this close together make one reload: an ingested batch and the
 * rollout it starts are announced separately, moments apart.
 */
export const SIGNAL_COALESCE_MS = 250;
/**
 * The tab's first reads can be made before its signal subscription is live (the prefetched ones
 * start at sign-in, and the subscription waits for the tab and its connection): a change
 * announced in between would wait for the next poll. One reload this long after the tab opens
 * catches it, unless a signal has reloaded the tab already, which shows the subscription is live.
 */
export const SIGNALS_CATCH_UP_MS = 3_000;

/** Advances the tab's refresh tick on each signal of the entity and on a timer, skipping timer rounds while the page is hidden. */
export function DeliveryRefreshProvider(props: {
  entityRef: string;
  /** Polling interval when the app has no signals. */
  intervalMs?: number;
  /** Polling interval while signals push changes. */
  signalsIntervalMs?: number;
  children: ReactNode;
}) {
  const [tick, setTick] = useState(0);
  const { lastSignal, isSignalsAvailable } = useSignal<EntityChangedSignal>(
    greenlightEntityChannel(props.entityRef),
  );
  const intervalMs = isSignalsAvailable
    ? props.signalsIntervalMs ?? DELIVERY_REFRESH_WITH_SIGNALS_MS
    : props.intervalMs ?? DELIVERY_REFRESH_MS;

  useEffect(() => {
    if (!isSignalsAvailable || tick > 0) return undefined;
    const timer = setTimeout(
      () => setTick(t => (t === 0 ? 1 : t)),
      SIGNALS_CATCH_UP_MS,
    );
    return () => clearTimeout(timer);
  }, [isSignalsAvailable, tick]);

  useEffect(() => {
    if (!lastSignal) return undefined;
    const timer = setTimeout(() => setTick(t => t + 1), SIGNAL_COALESCE_MS);
    return () => clearTimeout(timer);
  }, [lastSignal]);

  useEffect(() => {
    const timer = setInterval(() => {
      if (
        typeof document !== 'undefined' &&
        document.visibilityState === 'hidden'
      )
        return;
      setTick(t => t + 1);
    }, intervalMs);
    return () => clearInterval(timer);
    // A tick from a signal restarts the wait, so a poll never follows right after one.
  }, [intervalMs, tick]);

  // One object per change, so a re-render of the provider alone re-renders no reader.
  const value = useMemo(
    () => ({ tick, live: isSignalsAvailable, intervalMs }),
    [tick, isSignalsAvailable, intervalMs],
  );
  return (
    <DeliveryRefreshContext.Provider value={value}>
      {props.children}
    </DeliveryRefreshContext.Provider>
  );
}

/** The tab's refresh tick, or null outside the Delivery tab (a card on its own loads once). */
export function useDeliveryRefresh(): number | null {
  return useContext(DeliveryRefreshContext)?.tick ?? null;
}

/** How the Delivery tab stays current, for a line that tells the reader; null outside the tab. */
export function useDeliveryLiveness(): Omit<DeliveryRefresh, 'tick'> | null {
  const value = useContext(DeliveryRefreshContext);
  return value ? { live: value.live, intervalMs: value.intervalMs } : null;
}
