import { useApiHolder } from '@backstage/core-plugin-api';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { useLocation } from 'react-router-dom';
import { greenlightApiRef } from '../../api';
import { prefetchDelivery } from '../../hooks/deliveryReads';

/** `…/:namespace/:kind/:name/delivery`, the Delivery tab of an entity page. */
const DELIVERY_TAB = /\/([^/]+)\/(component|resource)\/([^/]+)\/delivery\/?$/i;
/** Any tab of the entity page of a component or resource. */
const ENTITY_PAGE = /\/[^/]+\/(component|resource)\/[^/]+(\/[^/]*)?$/i;
/** Query parameters of the release history other than its default view. */
const RELEASE_VIEW_PARAMS = [
  'environment',
  'status',
  'from',
  'to',
  'pages',
  'pageSize',
];

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

type IdleWindow = Window & {
  requestIdleCallback?: (
    callback: () => void,
    options?: { timeout: number },
  ) => number;
  cancelIdleCallback?: (handle: number) => void;
};

/**
 * Rendered at the root of the app, outside any route, so that it sees the URL before the
 * catalog has loaded the entity: on the Delivery tab it starts the tab's code and first reads
 * at once (the reads wait for sign-in, not for the entity or the tab's code); on another tab
 * of the entity page it loads the Delivery tab's code when the browser is idle, so a click on
 * the tab does not wait for it.
 */
export function DeliveryPrefetch(props: { loadCode: () => Promise<unknown> }) {
  const { pathname, search } = useLocation();
  const apis = useApiHolder();
  const { loadCode } = props;
  const entered = useRef<string>();

  // A layout effect runs before the passive effects that make the tab's own reads, so when the
  // tab renders in the same commit it still finds these reads started.
  useLayoutEffect(() => {
    const tab = DELIVERY_TAB.exec(pathname);
    // Once per arrival on the tab: a change of its query parameters (an open release, a
    // filter) is the tab's own business.
    if (!tab || entered.current === pathname) {
      if (!tab) entered.current = undefined;
      return;
    }
    entered.current = pathname;
    loadCode().catch(() => undefined);
    const api = apis.get(greenlightApiRef);
    const params = new URLSearchParams(search);
    if (api && !RELEASE_VIEW_PARAMS.some(key => params.has(key))) {
      const [namespace, kind, name] = tab.slice(1).map(decodePart);
      prefetchDelivery(
        api,
        `${kind.toLocaleLowerCase('en-US')}:${namespace}/${name}`,
      );
    }
  }, [pathname, search, apis, loadCode]);

  useEffect(() => {
    if (DELIVERY_TAB.test(pathname) || !ENTITY_PAGE.test(pathname))
      return undefined;
    const w = window as IdleWindow;
    const load = () => {
      loadCode().catch(() => undefined);
    };
    if (w.requestIdleCallback) {
      const handle = w.requestIdleCallback(load, { timeout: 3000 });
      return () => w.cancelIdleCallback?.(handle);
    }
    const timer = setTimeout(load, 1000);
    return () => clearTimeout(timer);
  }, [pathname, loadCode]);

  return null;
}
