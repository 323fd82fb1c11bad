import { act } from '@testing-library/react';
import { Profiler, ReactElement } from 'react';
import { GreenlightApi } from '../api';
import { prefetchDelivery } from '../hooks/deliveryReads';
import { renderForEntity } from './renderForEntity';

/**
 * Prefetches the Delivery tab's reads for the test entity and lets their answers arrive,
 * as when they started before the tab's code had loaded; then renders `element` and returns
 * how many elements matching `selector` were in the document at its first commit (a
 * Profiler reports each commit once React has applied it to the document).
 */
export async function countAtFirstCommitAfterPrefetch(
  element: ReactElement,
  selector: string,
  options: Parameters<typeof renderForEntity>[1],
): Promise<number | undefined> {
  prefetchDelivery(options.api as GreenlightApi, 'component:default/payments');
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 0));
  });
  let first: number | undefined;
  const onRender = () => {
    first ??= document.querySelectorAll(selector).length;
  };
  await renderForEntity(
    <Profiler id="first-commit" onRender={onRender}>
      {element}
    </Profiler>,
    options,
  );
  return first;
}
