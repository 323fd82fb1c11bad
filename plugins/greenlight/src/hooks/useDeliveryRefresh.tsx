import {
  createContext,
  ReactNode,
  useContext,
  useEffect,
  useState,
} from 'react';

/**
 * One refresh for the whole Delivery tab: every part of it (where it runs, rollouts, release
 * history) reloads on the same tick, so they never disagree about what happened. The tick
 * comes from polling today; a push source (e.g. Backstage signals) only has to advance it.
 */
const DeliveryRefreshContext = createContext<number | null>(null);

export const DELIVERY_REFRESH_MS = 10_000;

/** Advances the tab's refresh tick every `intervalMs`, skipping rounds while the page is hidden. */
export function DeliveryRefreshProvider(props: {
  intervalMs?: number;
  children: ReactNode;
}) {
  const [tick, setTick] = useState(0);
  const intervalMs = props.intervalMs ?? DELIVERY_REFRESH_MS;
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
  }, [intervalMs]);
  return (
    <DeliveryRefreshContext.Provider value={tick}>
      {props.children}
    </DeliveryRefreshContext.Provider>
  );
}

/** The tab's refresh tick, or null outside the Delivery tab (a card on its own loads once). */
export function useDeliveryRefresh(): number | null {
  return useContext(DeliveryRefreshContext);
}
