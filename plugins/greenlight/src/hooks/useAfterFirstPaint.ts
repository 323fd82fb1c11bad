import { useEffect, useState } from 'react';
import { afterNextPaint } from '../lib/afterNextPaint';

/**
 * False until the frame of the component's first render has been painted, then true: for the
 * parts of a view that may follow its first screen by a frame, so that they do not delay it.
 * A plain update, not a transition: the tab's reads arrive one by one as it opens, and a
 * transition would yield to each of them, leaving those parts out for as long as they come.
 */
export function useAfterFirstPaint(): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(
    () => afterNextPaint(() => setPainted(true), { interruptible: false }),
    [],
  );
  return painted;
}
